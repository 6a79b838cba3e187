"""Scenarios S1–S7 of issue 13. Each takes (base, reps, env, scale) and returns
{"floor", "subject", "ratio", "p95_ms", "met", "runs", "detail_lines"}; Django is set up with
bench.settings by bench/run.py (fixtures are written through the ORM, requests go over HTTP)."""
import json
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from .load import hammer

ROOT = Path(__file__).resolve().parent.parent
CLIENTS_S1 = 16
PER_REP_S1 = 160
CLIENTS_READ = 4


def _med(rows, key):
    vals = [r[key] for r in rows if r.get(key) is not None]
    return round(statistics.median(vals), 1) if vals else None


def _users():
    from jiujiang_inspect.tokens import api_token_create
    from subjects.models import Agency, Inspector, User

    reviewer = User.objects.get(username="bench_reviewer")
    agency = Agency.objects.get(code="SCJG")
    inspector = Inspector.objects.filter(agency=agency, is_helper=False, certificate__isnull=False).order_by("pk").first()
    issuer, _ = User.objects.update_or_create(username="bench_issuer", defaults={
        "role": "inspector", "agency": agency, "inspector": inspector, "display_name": "基准执法人员"})
    _t, review_key = api_token_create(user=reviewer, name="bench", lifetime=timedelta(hours=6))
    _t, issue_key = api_token_create(user=issuer, name="bench", lifetime=timedelta(hours=6))
    return reviewer, issuer, review_key, issue_key


# ---- S1: issuing 检查码 ------------------------------------------------------------------------------

def _s1_fixture(n, issuer):
    """n approved special inspections of SCJG for tomorrow (a published special plan, advance notice,
    two certified inspectors, a published matter), at enterprises with no slot used this year."""
    from django.db.models import Exists, OuterRef

    from matters.models import InspectionMatter, LegalBasis
    from plans.models import AnnualPlan, Block, Enterprise, Inspection, Participation

    agency = issuer.agency
    day = timezone.localdate() + timedelta(days=1)
    now = timezone.now()
    plan, _ = AnnualPlan.objects.get_or_create(
        lead_agency=agency, kind="special", year=day.year, title="基准专项检查计划", months=[f"{day:%Y-%m}"],
        defaults={"status": "published", "filed_at": now, "published_at": now})
    basis, _ = LegalBasis.objects.get_or_create(title="中华人民共和国食品安全法", article="第一百一十条",
                                                defaults={"level": "law"})
    matter, created = InspectionMatter.objects.get_or_create(code="BENCH-M1", defaults={
        "name": "食品经营许可情况检查", "agency": agency, "status": "published"})
    if created:
        matter.legal_bases.set([basis])
    people = list(agency.inspectors.filter(is_helper=False, certificate__isnull=False).order_by("pk")[:2])
    # NOT EXISTS, not NOT IN (subquery): at city scale PostgreSQL ran the NOT IN as a per-row scan (> 10 min).
    busy = Inspection.objects.filter(enterprise=OuterRef("pk"), date__gte=date(day.year, 1, 1),
                                     date__lte=date(day.year, 12, 31),
                                     status__in=["approved", "code_issued", "result_recorded", "closed"])
    blocked = Block.objects.filter(enterprise=OuterRef("pk"), status="active")
    ents = list(Enterprise.objects.filter(is_active=True, pool="joint").exclude(Exists(busy)).exclude(Exists(blocked))
                .order_by("?").values_list("pk", flat=True)[:n])
    made = Inspection.objects.bulk_create([Inspection(
        enterprise_id=ent, initiating_agency=agency, kind="special", mode="onsite", date=day, status="approved",
        plan=plan, special_approval_ref="鸠司审〔2026〕13号", notified_at=now - timedelta(hours=1), notice_method="电话",
        trigger_reference="BENCH-S1", created_by=issuer, approved_at=now) for ent in ents])
    parts = Participation.objects.bulk_create([Participation(inspection=i, agency=agency, is_lead=True) for i in made])
    Participation.inspectors.through.objects.bulk_create([
        Participation.inspectors.through(participation_id=p.pk, inspector_id=x.pk) for p in parts for x in people])
    Participation.matters.through.objects.bulk_create([
        Participation.matters.through(participation_id=p.pk, inspectionmatter_id=matter.pk) for p in parts])
    ids = [i.pk for i in made]
    return ids


def s1(*, base, reps, env, scale):
    _reviewer, issuer, _rk, key = _users()
    t0 = time.perf_counter()
    ids = _s1_fixture(PER_REP_S1 * reps, issuer)
    print(f"   fixture: {len(ids)} approved inspections in {time.perf_counter() - t0:.0f}s", flush=True)
    headers = {"Authorization": f"Bearer {key}"}
    chunks = [ids[k * PER_REP_S1:(k + 1) * PER_REP_S1] for k in range(reps)]
    hammer(base, [("POST", f"/bench/floor/write/{pk}/", None) for pk in ids[:64]], clients=CLIENTS_S1, headers=headers)

    def floor(k):
        return hammer(base, [("POST", f"/bench/floor/write/{pk}/", None) for pk in chunks[k]], clients=CLIENTS_S1,
                      headers=headers)

    def subject(k):
        return hammer(base, [("POST", f"/api/v1/inspections/{pk}/check-code/", {}) for pk in chunks[k]],
                      clients=CLIENTS_S1, headers=headers)

    from .run import interleave

    floors, subjects = interleave(reps, floor, subject)
    f_rps, s_rps = _med(floors, "rps"), _med(subjects, "rps")
    ratio = round(s_rps / f_rps, 3) if f_rps else None
    p99 = _med(subjects, "p99_ms")
    statuses = {}
    for r in subjects:
        for code, n in r["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    return {"floor": f"{f_rps} req/s", "subject": f"{s_rps} req/s", "ratio": ratio, "p95_ms": _med(subjects, "p95_ms"),
            "p99_ms": p99, "met": bool(ratio and ratio >= 0.8 and p99 <= 150), "statuses": statuses,
            "runs": {"floor": floors, "subject": subjects},
            "detail_lines": [f"p99 {p99} ms; subject statuses {statuses}"]}


# ---- S3: the monthly audit -------------------------------------------------------------------------

FLOOR_AUDIT_SQL = """
WITH counted AS (
  SELECT id, enterprise_id, date, kind, slot_year, counts_toward_cap FROM plans_inspection
  WHERE status IN ('approved', 'code_issued', 'result_recorded', 'closed')),
slots AS (
  SELECT c.enterprise_id, count(*) AS n FROM counted c
  WHERE c.slot_year = %(year)s AND c.counts_toward_cap AND c.date <= %(end)s GROUP BY 1),
agency_slots AS (
  SELECT c.enterprise_id, p.agency_id, count(DISTINCT c.id) AS n FROM counted c
  JOIN plans_participation p ON p.inspection_id = c.id
  WHERE c.slot_year = %(year)s AND c.counts_toward_cap AND c.date <= %(end)s GROUP BY 1, 2),
trig AS (SELECT * FROM counted WHERE kind = 'triggered' AND date BETWEEN %(wstart)s AND %(end)s),
trig_p AS (SELECT t.*, p.agency_id FROM trig t JOIN plans_participation p ON p.inspection_id = t.id)
SELECT
  (SELECT count(*) FROM slots s JOIN plans_enterprise e ON e.id = s.enterprise_id
     JOIN plans_cappolicy cp ON cp.pool = e.pool WHERE s.n > cp.yearly_onsite_cap) AS over_cap,
  (SELECT count(*) FROM agency_slots WHERE n > %(per_agency)s) AS over_agency_cap,
  (SELECT count(*) FROM (SELECT enterprise_id, date FROM trig WHERE date >= %(start)s GROUP BY 1, 2
     HAVING count(*) > %(per_day)s) x) AS day_warn,
  (SELECT count(*) FROM (SELECT enterprise_id, date_trunc('week', date) FROM trig GROUP BY 1, 2
     HAVING count(*) > %(per_week)s) x) AS week_warn,
  (SELECT count(*) FROM (SELECT enterprise_id FROM trig WHERE date >= %(start)s GROUP BY 1
     HAVING count(*) > %(per_month)s) x) AS month_warn,
  (SELECT count(*) FROM (SELECT enterprise_id, agency_id FROM trig_p WHERE date >= %(start)s GROUP BY 1, 2
     HAVING count(DISTINCT id) > %(same_agency)s) x) AS agency_block,
  (SELECT count(*) FROM (SELECT agency_id, source, count(*) FROM plans_triggeredfiling
     WHERE month = %(month)s AND status = 'filed' GROUP BY 1, 2) x) AS summaries
"""


def s3(*, base, reps, env, scale):
    from plans.models import FrequencyPolicy
    from supervision.periods import parse_month, previous_month
    from supervision.services.audit import frequency_audit_run

    month = previous_month()
    start, end = parse_month(month)
    pol = FrequencyPolicy.current()
    params = {"year": start.year, "start": start, "end": end, "wstart": start - timedelta(days=start.weekday()),
              "month": month, "per_agency": pol.per_agency_yearly_cap, "per_day": pol.triggered_warn_per_day,
              "per_week": pol.triggered_warn_per_week, "per_month": pol.triggered_warn_per_month,
              "same_agency": pol.triggered_block_per_month_same_agency}

    def floor(_k):
        t0 = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(FLOOR_AUDIT_SQL, params)
            row = cur.fetchone()
        return {"s": time.perf_counter() - t0, "counts": row}

    def subject(_k):
        t0 = time.perf_counter()
        run = frequency_audit_run(month=month)
        return {"s": time.perf_counter() - t0, "status": run.status}

    from .run import interleave

    floors, subjects = interleave(reps, floor, subject)
    f, s = statistics.median(r["s"] for r in floors), statistics.median(r["s"] for r in subjects)
    ratio = round(s / f, 2)
    return {"floor": f"{f:.2f} s", "subject": f"{s:.2f} s", "ratio": ratio, "p95_ms": None, "met": ratio <= 1.5,
            "first_run_s": round(subjects[0]["s"], 2), "runs": {"floor": floors, "subject": subjects},
            "detail_lines": [f"month {month}; first run {subjects[0]['s']:.2f} s; floor counts {floors[0]['counts']}"]}


# ---- S4: inspection lists --------------------------------------------------------------------------

def _cursor(position):
    import base64
    from urllib.parse import quote

    return quote(base64.b64encode(f"p={position}".encode()).decode())


def s4(*, base, reps, env, scale):
    from plans.models import Inspection

    _reviewer, _issuer, key, _ik = _users()
    headers = {"Authorization": f"Bearer {key}"}
    ids = Inspection.objects.order_by("-id").values_list("id", flat=True)
    deep = ids[int(ids.count() * 0.6)]
    since = (timezone.now() - timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%S")
    lists = {
        "filtered": ("/api/v1/inspections/?agency=YJGL&status=closed",
                     "/bench/floor/inspections/?agency=YJGL&status=closed"),
        "deep": (f"/api/v1/inspections/?cursor={_cursor(deep)}", f"/bench/floor/inspections/?before={deep}"),
        "sync": (f"/api/v1/inspections/?updated_since={since}", f"/bench/floor/inspections/?updated_since={since}"),
    }
    n = 24
    out, lines, ratios, p95s = {}, [], [], []
    from .run import interleave

    for label, (subject_url, floor_url) in lists.items():
        hammer(base, [("GET", subject_url, None)] * 4 + [("GET", floor_url, None)] * 4, clients=2, headers=headers)
        floors, subjects = interleave(
            reps, lambda _k, u=floor_url: hammer(base, [("GET", u, None)] * n, clients=CLIENTS_READ, headers=headers),
            lambda _k, u=subject_url: hammer(base, [("GET", u, None)] * n, clients=CLIENTS_READ, headers=headers))
        f50, s50 = _med(floors, "p50_ms"), _med(subjects, "p50_ms")
        ratio = round(f50 / s50, 3) if s50 else None
        ratios.append(ratio)
        p95s.append(_med(subjects, "p95_ms"))
        out[label] = {"floor_p50_ms": f50, "subject_p50_ms": s50, "ratio": ratio, "p95_ms": _med(subjects, "p95_ms"),
                      "statuses": subjects[0]["statuses"]}
        lines.append(f"{label:9} floor p50 {f50} ms, list p50 {s50} ms, ratio {ratio}, p95 {out[label]['p95_ms']} ms "
                     f"{subjects[0]['statuses']}")
    worst = min(r for r in ratios if r is not None)
    return {"floor": "one SELECT", "subject": "3 lists", "ratio": worst, "p95_ms": max(p95s), "met": worst >= 0.5,
            "lists": out, "detail_lines": lines}


# ---- S5: the reviewer dashboard and /stats/overview/ -------------------------------------------------

def s5(*, base, reps, env, scale):
    reviewer, _issuer, key, _ik = _users()
    c = Client()
    c.force_login(reviewer)
    cookies = {settings.SESSION_COOKIE_NAME: c.cookies[settings.SESSION_COOKIE_NAME].value}
    year = timezone.localdate().year
    n = 8
    runs = {"dashboard": [], "overview": []}
    # Beat's job in production (every minute, in a worker): bring the rollups up to date after what S1
    # and S3 wrote, timed apart from the reads.
    from supervision.services.rollups import rollup_refresh

    t0 = time.perf_counter()
    refreshed = rollup_refresh()
    refresh_s = round(time.perf_counter() - t0, 1)
    hammer(base, [("GET", f"/supervision/dashboard/?year={year}", None)] * 2, clients=1, cookies=cookies)
    for _k in range(reps):
        runs["dashboard"].append(hammer(base, [("GET", f"/supervision/dashboard/?year={year}", None)] * n,
                                        clients=CLIENTS_READ, cookies=cookies))
        runs["overview"].append(hammer(base, [("GET", f"/api/v1/stats/overview/?year={year}", None)] * n,
                                       clients=CLIENTS_READ, headers={"Authorization": f"Bearer {key}"}))
    d95, o95 = _med(runs["dashboard"], "p95_ms"), _med(runs["overview"], "p95_ms")
    p95 = max(d95, o95)
    return {"floor": "—", "subject": f"{_med(runs['dashboard'], 'p50_ms')} ms", "ratio": None, "p95_ms": p95,
            "dashboard_p95_ms": d95, "overview_p95_ms": o95, "dashboard_p50_ms": _med(runs["dashboard"], "p50_ms"),
            "overview_p50_ms": _med(runs["overview"], "p50_ms"), "met": p95 <= 200, "runs": runs,
            "refresh_s": refresh_s, "refreshed_months": refreshed["months"],
            "detail_lines": [f"rollups refreshed first (beat's job): {refreshed['months']} months in {refresh_s} s",
                             f"dashboard p50 {_med(runs['dashboard'], 'p50_ms')} / p95 {d95} ms "
                             f"{runs['dashboard'][0]['statuses']}; /stats/overview/ p50 {_med(runs['overview'], 'p50_ms')}"
                             f" / p95 {o95} ms {runs['overview'][0]['statuses']}"]}


# ---- S6: importing 100k enterprises (bench/enterprise_import.py, its own scratch database) ------------

def s6(*, base, reps, env, scale):
    import psycopg2

    url = env["DATABASE_URL"].rsplit("/", 1)[0] + "/jj_bench_import"
    conn = psycopg2.connect(env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    with conn.cursor() as cur:
        cur.execute("DROP DATABASE IF EXISTS jj_bench_import")
        cur.execute("CREATE DATABASE jj_bench_import")
    conn.close()
    sub_env = {**env, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "jiujiang_inspect.settings"}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "enterprise_import.py"), "--json", "--reps",
                           str(min(reps, 3))], cwd=ROOT, env=sub_env, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"floor": "—", "subject": "failed", "ratio": None, "p95_ms": None, "met": False,
                "detail_lines": [proc.stderr[-500:]]}
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    ratio = round(r["import"]["work_s"] / max(r["floor"]["work_s"], 0.1), 2)
    peak = max(r["import"]["maxrss_mb"], r["reimport"]["maxrss_mb"])
    return {"floor": f"{r['floor']['work_s']} s", "subject": f"{r['import']['work_s']} s", "ratio": ratio,
            "p95_ms": None, "peak_mb": peak, "met": ratio <= 1.4 and peak <= 300, "runs": r,
            "detail_lines": [f"re-import {r['reimport']['work_s']} s; peak RSS {peak} MB; floor / import runs "
                             f"{r['floor']['work_s_all']} / {r['import']['work_s_all']} s (alternated, medians; each "
                             "phase a fresh process)"]}


# ---- S7: growth district → city ----------------------------------------------------------------------

def s7(*, current, here):
    files = {s: here / f"results-{s}.json" for s in ("district", "city")}
    data = {s: (current if current.get("scale") == s else json.loads(p.read_text()) if p.exists() else None)
            for s, p in files.items()}
    if not all(data.values()):
        return {"floor": "—", "subject": "—", "ratio": None, "p95_ms": None, "met": None,
                "detail_lines": ["needs results of both scales (make bench and make bench SCALE=city)"]}
    d, c = data["district"], data["city"]
    drift = {}
    for name in ("S1", "S3", "S4", "S6"):
        if d.get(name, {}).get("ratio") and c.get(name, {}).get("ratio"):
            drift[name] = round(abs(c[name]["ratio"] / d[name]["ratio"] - 1), 3)
    if d.get("S5", {}).get("p95_ms") and c.get("S5", {}).get("p95_ms"):
        drift["S5 p95"] = round(c["S5"]["p95_ms"] / d["S5"]["p95_ms"] - 1, 3)
    worst = max(drift.values()) if drift else None
    return {"floor": "district", "subject": "city", "ratio": worst, "p95_ms": None, "drift": drift,
            "met": worst is not None and worst <= 0.10, "detail_lines": [f"drift per scenario {drift}"]}
