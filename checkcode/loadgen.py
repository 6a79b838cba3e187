"""Synthetic load for benchmarks (`manage.py generate_load`, issue 13): a district (100k enterprises,
0.5M inspections over 5 years), a city (500k / 2.5M) or a province (7.7M / 40M, planned, not run
here) of realistic, deterministic data.

Deterministic: the same `--seed` and `--today` give the same rows. Fast: rows are written with
PostgreSQL COPY (bulk_create elsewhere) in batches, ids assigned here, sequences reset at the end.

Distributions (plans.demo's names, towns and industries; docs/domain.md for the rules they respect):
- enterprises: towns weighted like the district's streets and towns, industries mostly the demo's
  key trades plus any GB/T 4754 小类, credit A 30% B 50% C 15% D 5%, pools as plans.demo draws them
  (7% refuse joint checks, whitelist among A, key among C/D), valid 统一社会信用代码 (GB 32100,
  `subjects.validators.uscc_check_char`) with a valid GB 11714 organisation code inside;
- inspections: riskier firms (key pool, credit C/D) visited more often, whitelist rarely; ~20%
  triggered, ~5% special, ~4% rechecks, the rest planned; ~30% joint (2–4 agencies, town agencies
  join their own town's checks); mode mostly on site; months with a Spring Festival dip and a
  year-end rise; on-site slots never above the pool's yearly cap (the audit finds what real data
  holds, not noise); statuses by age (older ones closed, recent ones open, some approved ahead);
- 检查码 for on-site inspections past approval (2% late codes of emergencies, 85% shown), results
  (78% no issue, 19% 整改 with a rectification, 3% transferred), 企业评议 for a quarter of the
  codes, 触发式检查备案 for counted triggered inspections, annual plans per agency and year.
"""
import bisect
import io
import json
import random
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from django.db import connection, models, transaction
from django.utils import timezone

from jiujiang_inspect.bulk import copy_text
from matters.models import Industry
from plans.demo import KINDS, STREETS, SURNAMES, TOWN_WEIGHTS, ZIHAO_A, ZIHAO_B
from plans.models import AnnualPlan, CapPolicy, Enterprise, Inspection, Participation, TriggeredFiling
from subjects.demo import AGENCIES
from subjects.models import Agency, Certificate, Inspector, User
from subjects.validators import uscc_check_char

from .codes import ALPHABET, BODY_LEN, format_code
from .models import CheckCode, Evaluation, InspectionResult, Rectification

SCALES = {"district": (100_000, 500_000), "city": (500_000, 2_500_000), "province": (7_700_000, 40_000_000)}
YEARS = 5
BATCH = 20_000
INSPECTORS_PER_AGENCY = 12
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
# Inspections per month of the year (Spring Festival dip, year-end rise).
MONTH_WEIGHTS = [6, 4, 8, 9, 9, 9, 8, 8, 9, 9, 10, 11]
BENCH_PASSWORD = "Bench@2026"


def org_code(n: int) -> str:
    """A GB 11714 组织机构代码 (8 digits and its check character) numbered `n`."""
    body = f"{n % 10**8:08d}"
    c = 11 - sum(int(d) * w for d, w in zip(body, ORG_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(c, str(c))


def uscc_for(n: int, *, individual: bool) -> str:
    first17 = ("92" if individual else "91") + "340207" + org_code(n)
    return first17 + uscc_check_char(first17)


class Writer:
    """Appends rows given as {attname: value} (the model's defaults fill the rest): COPY on
    PostgreSQL, bulk_create elsewhere. Ids come from the caller."""

    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.now = timezone.now()
        self.counts = {}
        self._defaults = {}

    def defaults(self, model):
        if model not in self._defaults:
            fields = list(model._meta.concrete_fields)
            d = {}
            for f in fields:
                d[f.attname] = self.now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) \
                    else f.get_default()
            self._defaults[model] = (fields, d, {f.attname for f in fields if isinstance(f, models.JSONField)})
        return self._defaults[model]

    def write(self, model, rows):
        if not rows:
            return
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(rows)
        fields, defaults, json_names = self.defaults(model)
        if not self.pg:
            model.objects.bulk_create([model(**{**defaults, **r}) for r in rows], batch_size=2000)
            return
        names = [f.attname for f in fields]
        stamps = [n for n in ("created_at", "updated_at") if n in names]
        buf = io.StringIO()
        for r in rows:
            row = {**defaults, **r}
            for n in stamps:
                if row[n] is not None and row[n] > self.now:
                    # Nothing made or changed in the future (bulk_create's auto_now does the same): the
                    # dashboard rollups' high-water mark is the newest such time, and a future one hides
                    # every real change before it.
                    row[n] = self.now
            buf.write("\t".join([copy_text(json.dumps(row[n], ensure_ascii=False) if n in json_names else row[n])
                                  for n in names]) + "\n")
        buf.seek(0)
        cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with connection.cursor() as cur:
            cur.cursor.copy_expert(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({cols}) FROM STDIN", buf)


def _next_id(model):
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _aware(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_current_timezone())


class Generator:
    def __init__(self, *, scale: str, seed: int, today: date, stdout=None, enterprises=None, inspections=None):
        n_ent, n_ins = SCALES[scale]
        self.n_ent, self.n_ins = enterprises or n_ent, inspections or n_ins
        self.rnd = random.Random(seed)
        self.today = today
        self.stdout = stdout
        self.w = Writer()

    def log(self, msg):
        if self.stdout:
            self.stdout.write(msg)

    # ---- reference rows ----------------------------------------------------------------------------
    def agencies(self):
        by_code = {}
        for code, name, short, kind, entrusting, _field in AGENCIES:
            by_code[code], _ = Agency.objects.get_or_create(code=code, defaults={
                "name": name, "short_name": short, "kind": kind, "is_town": code.startswith(("JD-", "Z-")),
                "entrusting_agency": by_code.get(entrusting)})
        self.agency_ids = [a.pk for a in by_code.values() if a.code != "SFJ"]
        town_agency = dict(zip(["JD-SHS", "JD-YXK", "JD-GD", "JD-WL", "JD-QS", "Z-SX", "Z-EB", "Z-TG", "Z-BM"],
                               ["sihe_shan", "yuxikou", "guandou", "wanli", "qingshui", "shenxiang", "erba", "tanggou",
                                "baimao"], strict=True))
        self.town_agency = {town: by_code[code].pk for code, town in town_agency.items()}
        # Big enforcement agencies do most of the checks.
        heavy = {"SCJG": 30, "YJGL": 14, "XFJY": 12, "STHJ": 8, "WJZD": 7, "ZXJD": 7, "ZJJ": 5, "JTYS": 4}
        self.agency_cum = list(accumulate(heavy.get(by_code_code, 1.5) for by_code_code in
                                          [a.code for a in by_code.values() if a.code != "SFJ"]))
        self.reviewer, _ = User.objects.get_or_create(username="bench_reviewer", defaults={
            "role": "reviewer", "agency": by_code["SFJ"], "display_name": "基准审核员"})
        self.reviewer.set_password(BENCH_PASSWORD)
        self.reviewer.save()
        self.admins = {}
        for a in by_code.values():
            u, _ = User.objects.get_or_create(username=f"bench_{a.code.lower()}", defaults={
                "role": "agency_admin", "agency": a, "display_name": f"{a.label}基准管理员"})
            self.admins[a.pk] = u.pk
        self.inspectors = {}
        for a in by_code.values():
            have = list(Inspector.objects.filter(agency=a, is_helper=False).values_list("pk", flat=True))
            for k in range(len(have), INSPECTORS_PER_AGENCY):
                i = Inspector.objects.create(agency=a, name=self.rnd.choice(SURNAMES) + self.rnd.choice(ZIHAO_A),
                                             position="科员")
                Certificate.objects.create(inspector=i, number=f"BENCH-{a.code}-{k:03d}", issuer="芜湖市人民政府",
                                           valid_from=date(self.today.year - 6, 1, 1),
                                           valid_until=date(self.today.year + 3, 12, 31))
                have.append(i.pk)
            self.inspectors[a.pk] = have
        self.caps = dict(CapPolicy.objects.values_list("pool", "yearly_onsite_cap"))

    # ---- enterprises -------------------------------------------------------------------------------
    def enterprises(self):
        rnd = self.rnd
        industries = dict(Industry.objects.values_list("code", "pk"))
        classes = sorted(code for code in industries if len(code) == 4)
        kinds = [k for k in KINDS for _ in range(k[1])]
        towns, tweights = zip(*TOWN_WEIGHTS.items(), strict=True)
        tcum = list(accumulate(tweights))
        first = _next_id(Enterprise)
        self.ent_first = first
        self.ent_pool, self.ent_town, weights = [], [], []
        start = _aware(self.today - timedelta(days=365 * YEARS + 400), 9)
        batch = []
        for n in range(self.n_ent):
            if rnd.random() < 0.7:
                code, _share, patterns, size = kinds[rnd.randrange(len(kinds))]
                name = patterns[rnd.randrange(len(patterns))]
            else:
                code, size, name = classes[rnd.randrange(len(classes))], rnd.choice(["micro", "small", "medium", "large"]), \
                    "芜湖{z}实业有限公司"
            town = towns[bisect.bisect(tcum, rnd.random() * tcum[-1])]
            credit = "ABCD"[bisect.bisect([30, 80, 95, 100], rnd.random() * 100)]
            joins, roll = rnd.random() > 0.07, rnd.random()
            pool = ("non_joint" if not joins else "whitelist" if credit == "A" and roll < 0.35
                    else "key" if credit in "CD" and roll < 0.4 else "joint")
            z = rnd.choice(ZIHAO_A) + rnd.choice(ZIHAO_B) + rnd.choice(ZIHAO_B)
            created = start + timedelta(minutes=n * 7)
            batch.append(dict(
                id=first + n, uscc=uscc_for(30_000_000 + (first + n) * 7, individual=size == "individual"),
                name=name.format(z=z) + (f"（{n}）" if n >= 1000 else ""), town=town,
                address=f"芜湖市鸠江区{STREETS[town]}{rnd.randrange(1, 900)}号", industry_id=industries.get(code),
                size=size, credit_class=credit, joins_joint=joins, pool=pool, is_active=rnd.random() > 0.03,
                contact_name=rnd.choice(SURNAMES) + rnd.choice(["先生", "女士", "经理"]),
                contact_phone=f"1{rnd.choice('3589')}{rnd.randrange(10**8, 10**9)}",
                created_at=created, updated_at=created))
            self.ent_pool.append(pool)
            self.ent_town.append(town)
            weights.append({"key": 4.0, "whitelist": 0.3}.get(pool, 1.0) * {"C": 1.8, "D": 2.5}.get(credit, 1.0))
            if len(batch) >= BATCH:
                self.w.write(Enterprise, batch)
                batch = []
        self.w.write(Enterprise, batch)
        self.ent_cum = list(accumulate(weights))

    def plans(self):
        first = _next_id(AnnualPlan)
        rows, self.plan_of = [], {}
        for y in range(self.today.year - YEARS + 1, self.today.year + 1):
            for agency_id in self.agency_ids:
                pk = first + len(rows)
                rows.append(dict(id=pk, year=y, title=f"{y}年度行政检查计划（基准）", lead_agency_id=agency_id,
                                       status="published", months=[f"{m:02d}" for m in range(1, 13)],
                                       filed_at=_aware(date(y, 1, 10), 9), published_at=_aware(date(y, 1, 15), 9),
                                       version=1, created_by_id=self.admins[agency_id]))
                self.plan_of[(y, agency_id)] = pk
        self.w.write(AnnualPlan, rows)

    # ---- inspections -------------------------------------------------------------------------------
    def inspections(self):
        rnd, today = self.rnd, self.today
        ids = {m: _next_id(m) for m in (Inspection, Participation, CheckCode, InspectionResult, Rectification,
                                        Evaluation, TriggeredFiling)}
        pi_through = Participation.inspectors.through
        ids["pi"] = _next_id(pi_through)
        # Days of the period, weighted by month; a few days ahead for approved and draft checks.
        start = date(today.year - YEARS + 1, 1, 1)
        days = [start + timedelta(days=d) for d in range((today - start).days + 21)]
        dcum = list(accumulate(MONTH_WEIGHTS[d.month - 1] * (0.25 if d.weekday() >= 5 else 1.0) for d in days))
        slots = {}
        buf = {k: [] for k in ("ins", "part", "pi", "code", "res", "rect", "ev", "tf")}
        recorders = self.admins
        for n in range(self.n_ins):
            day = days[bisect.bisect(dcum, rnd.random() * dcum[-1])]
            e = bisect.bisect(self.ent_cum, rnd.random() * self.ent_cum[-1])
            ent_id = self.ent_first + e
            r = rnd.random()
            kind = "triggered" if r < 0.2 else "special" if r < 0.25 else "recheck" if r < 0.29 else "planned"
            mode = "onsite" if rnd.random() < 0.78 else rnd.choice(["document", "document", "remote", "online_patrol"])
            source = rnd.choice(["complaint", "complaint", "referral", "data_monitoring", "enterprise_request"]) \
                if kind == "triggered" else ""
            age = (today - day).days
            r = rnd.random()
            if age < 0:
                status = "approved" if r < 0.7 else "draft"
            elif age <= 30:
                status = ("code_issued" if r < 0.45 else "result_recorded" if r < 0.75 else "approved" if r < 0.85
                          else "closed" if r < 0.95 else "draft")
            else:
                status = ("closed" if r < 0.82 else "result_recorded" if r < 0.9 else "cancelled" if r < 0.96
                          else "code_issued" if r < 0.99 else "merged")
            takes = mode == "onsite" and kind in ("planned", "special") and status not in ("draft", "cancelled", "merged")
            if takes:
                key = (ent_id, day.year)
                if slots.get(key, 0) >= self.caps.get(self.ent_pool[e], 2):
                    mode, takes = "document", False
                else:
                    slots[key] = slots.get(key, 0) + 1
            lead = self.agency_ids[bisect.bisect(self.agency_cum, rnd.random() * self.agency_cum[-1])]
            agencies = [lead]
            if rnd.random() < 0.3:
                extra = rnd.choice([1, 1, 1, 2, 2, 3])
                pool = [self.town_agency[self.ent_town[e]]] + self.agency_ids
                for _ in range(extra):
                    a = pool[0] if rnd.random() < 0.3 else self.agency_ids[
                        bisect.bisect(self.agency_cum, rnd.random() * self.agency_cum[-1])]
                    if a not in agencies:
                        agencies.append(a)
            has_code = mode == "onsite" and status in ("code_issued", "result_recorded", "closed")
            has_result = status in ("result_recorded", "closed")
            outcome = ""
            if has_result:
                r = rnd.random()
                outcome = "no_issue" if r < 0.78 else "rectification" if r < 0.97 else "case_transferred"
            emergency = has_code and rnd.random() < 0.02
            pk = ids[Inspection] + n
            created = _aware(day - timedelta(days=rnd.randrange(3, 40)), 10)
            touched = _aware(min(day + timedelta(days=rnd.randrange(0, 20)), today), 16) if age >= 0 else created
            buf["ins"].append(dict(
                id=pk, enterprise_id=ent_id, initiating_agency_id=lead, kind=kind, mode=mode, date=day,
                plan_id=self.plan_of.get((day.year, lead)) if kind == "planned" else None,
                trigger_source=source, trigger_reference=f"JJ12345-{n}" if source else "",
                trigger_reason="群众投诉举报" if source else "", status=status, outcome=outcome,
                special_approval_ref=f"鸠司审〔{day.year}〕{n % 1000}号" if kind == "special" else "",
                notified_at=created if status != "draft" else None, notice_method="电话" if status != "draft" else "",
                is_emergency=emergency, emergency_reason="群众举报存在重大安全隐患" if emergency else "",
                slot_year=day.year if takes else None, counts_toward_cap=kind in ("planned", "special"),
                onsite_justification="现场核查必要" if mode == "onsite" else "",
                created_by_id=recorders[lead], approved_by_id=self.reviewer.pk if status not in ("draft",) else None,
                approved_at=created + timedelta(days=1) if status != "draft" else None,
                created_at=created, updated_at=touched))
            for k, a in enumerate(agencies):
                ppk = ids[Participation] + len(buf["part"]) + self.w.counts.get("plans.Participation", 0)
                buf["part"].append(dict(id=ppk, inspection_id=pk, agency_id=a, is_lead=k == 0))
                people = self.inspectors[a]
                i0 = rnd.randrange(len(people))
                for j in (i0, (i0 + 1) % len(people)):
                    buf["pi"].append((ids["pi"] + len(buf["pi"]) + self.w.counts.get("plans.Participation_inspectors", 0),
                                      ppk, people[j]))
            if has_code:
                cpk = ids[CheckCode] + len(buf["code"]) + self.w.counts.get("checkcode.CheckCode", 0)
                body = "".join(ALPHABET[rnd.randrange(32)] for _ in range(BODY_LEN))
                issued = _aware(day + timedelta(days=7), 10) if emergency else _aware(day - timedelta(days=1), 15)
                shown = rnd.random() < 0.85
                buf["code"].append(dict(
                    id=cpk, inspection_id=pk, code=format_code(body),
                    status={"code_issued": "shown" if shown else "issued", "result_recorded": "completed"}.get(status, "closed"),
                    valid_from=_aware(day, 0), valid_until=_aware(day, 23), is_late=emergency,
                    late_reason="紧急检查事后补码" if emergency else "", issued_by_id=recorders[lead], issued_at=issued,
                    first_shown_at=_aware(day, 9) if shown else None, updated_at=touched))
                if status == "closed" and rnd.random() < 0.25:
                    r = rnd.random()
                    buf["ev"].append(dict(
                        id=ids[Evaluation] + len(buf["ev"]) + self.w.counts.get("checkcode.Evaluation", 0),
                        check_code_id=cpk, rating=5 if r < 0.6 else 4 if r < 0.85 else 3 if r < 0.95 else 2 if r < 0.98 else 1,
                        code_shown=shown, notified_in_advance=rnd.random() < 0.8, created_at=_aware(day + timedelta(days=2), 20)))
            if has_result:
                rpk = ids[InspectionResult] + len(buf["res"]) + self.w.counts.get("checkcode.InspectionResult", 0)
                buf["res"].append(dict(id=rpk, inspection_id=pk, outcome=outcome, findings="检查情况见笔录",
                                                   recorded_by_id=recorders[lead], recorded_at=_aware(day, 17)))
                if outcome == "rectification":
                    buf["rect"].append(dict(
                        id=ids[Rectification] + len(buf["rect"]) + self.w.counts.get("checkcode.Rectification", 0),
                        result_id=rpk, items=["消防通道堵塞", "台账不全"], deadline=day + timedelta(days=30),
                        status="closed" if status == "closed" else "open"))
            if kind == "triggered" and (has_code or (has_result and mode != "onsite")):
                buf["tf"].append(dict(
                    id=ids[TriggeredFiling] + len(buf["tf"]) + self.w.counts.get("plans.TriggeredFiling", 0),
                    inspection_id=pk, agency_id=lead, enterprise_id=ent_id, source=source, reference=f"JJ12345-{n}",
                    reason="群众投诉举报", month=f"{day:%Y-%m}", filed_at=_aware(day, 12), updated_at=_aware(day, 12)))
            if len(buf["ins"]) >= BATCH or n == self.n_ins - 1:
                self._flush(buf, pi_through)
                if (n + 1) % (BATCH * 10) == 0:
                    self.log(f"  {n + 1:,} inspections")

    def _flush(self, buf, pi_through):
        self.w.write(Inspection, buf["ins"])
        self.w.write(Participation, buf["part"])
        self.w.write(pi_through, [dict(id=i, participation_id=p, inspector_id=x) for i, p, x in buf["pi"]])
        self.w.write(CheckCode, buf["code"])
        self.w.write(InspectionResult, buf["res"])
        self.w.write(Rectification, buf["rect"])
        self.w.write(Evaluation, buf["ev"])
        self.w.write(TriggeredFiling, buf["tf"])
        for v in buf.values():
            v.clear()

    def reset_sequences(self):
        from django.core.management.color import no_style

        models = [Enterprise, AnnualPlan, Inspection, Participation, Participation.inspectors.through, CheckCode,
                  InspectionResult, Rectification, Evaluation, TriggeredFiling]
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cur.execute(sql)

    def run(self):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                    if cur.fetchone()[0]:
                        # Rows are consistent by construction: skip the per-row foreign-key triggers
                        # (the standard bulk-load setting; local to this transaction).
                        cur.execute("SET LOCAL session_replication_role = replica")
            self.agencies()
            self.enterprises()
            self.log(f"  {self.n_ent:,} enterprises")
            self.plans()
            self.inspections()
            self.reset_sequences()
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
        return self.w.counts
