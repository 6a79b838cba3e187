"""Demo data of the 检查码 workflow (checkcode part of `manage.py seed_demo`): inspections in every
state over the current and previous year, with codes, scans, results, evaluations, rectifications,
triggered filings, a joint (merged) inspection, a late code, a revoked and an expired code.

Uses whatever agencies, inspectors, published matters, enterprises and users exist (does nothing when
they are missing). Historic records are written as records (not through the gates: they happened);
idempotent through a marker in `notice_content`.
"""
import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from matters.models import InspectionMatter, NegativeListItem
from plans.models import AnnualPlan, Enterprise, Inspection, Participation, Pool, TriggeredFiling
from subjects.models import Certificate, Inspector, User

from . import codes
from .models import CheckCode, CodeScan, Evaluation, InspectionResult, Rectification
from .services.issue import validity_window

MARKER = "【演示数据】"
FINDINGS = ["消防通道堆放杂物", "灭火器压力不足", "食品留样记录不全", "危化品台账未及时更新", "从业人员健康证过期",
            "安全培训记录缺失", "排污口标识不清", "价格标签不规范"]
COMMENTS = ["执法人员出示了检查码，态度很好", "一次查完多个事项，省时间", "告知及时，检查规范", "希望提前一天通知",
            "检查时间稍长"]
UAS = ["Mozilla/5.0 (iPhone) MicroMessenger", "Mozilla/5.0 (Linux; Android 14) Chrome", "Mozilla/5.0 (Windows) Edg"]


def _teams():
    """Agencies with ≥2 certified inspectors, a published matter and a user: (agency, inspectors, matters, user)."""
    out = []
    today = timezone.localdate()
    matters = {}
    for m in InspectionMatter.objects.filter(status=InspectionMatter.Status.PUBLISHED).order_by("code"):
        matters.setdefault(m.agency_id, []).append(m)
    people = {}
    for i in Inspector.objects.filter(is_active=True, is_helper=False, certificate__status=Certificate.Status.VALID,
                                      certificate__valid_until__gte=today).select_related("agency").order_by("id"):
        people.setdefault(i.agency_id, []).append(i)
    users = {}
    for u in User.objects.filter(role__in=["inspector", "agency_admin"], agency__isnull=False).order_by("role", "id"):
        users.setdefault(u.agency_id, u)
    fallback = User.objects.filter(is_superuser=True).first() or User.objects.order_by("id").first()
    for agency_id, ms in matters.items():
        if len(people.get(agency_id, [])) >= 2 and (users.get(agency_id) or fallback):
            out.append((people[agency_id][0].agency, people[agency_id], ms, users.get(agency_id) or fallback))
    return out


def _aware(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def seed(*, stdout=None, today=None):
    today = today or timezone.localdate()
    if Inspection.objects.filter(notice_content__startswith=MARKER).exists():
        return 0
    teams = _teams()
    enterprises = list(Enterprise.objects.filter(is_active=True).exclude(pool=Pool.WHITELIST).order_by("id")[:400])
    if not teams or not enterprises:
        if stdout:
            stdout.write("  检查码演示数据：缺少执法单位、已公布事项或检查对象，跳过")
        return 0
    rng = random.Random(20250308)
    negative = list(NegativeListItem.objects.filter(is_active=True)[:3])
    ent_iter = iter(rng.sample(enterprises, len(enterprises)))
    made = 0

    special_plans = {}

    def special_plan(agency, day, extra_team):
        """The published 专项检查计划 a special inspection runs under (decision f of issue 11)."""
        key = (agency.pk, f"{day:%Y-%m}")
        if key not in special_plans:
            filed = _aware(day.replace(day=1) - timedelta(days=20))
            special_plans[key] = AnnualPlan.objects.create(
                year=day.year, kind=AnnualPlan.Kind.SPECIAL, title=f"{MARKER}{agency.display_name}{day:%Y年%m月}专项检查计划",
                lead_agency=agency, months=[f"{day:%Y-%m}"], status=AnnualPlan.Status.PUBLISHED, filed_at=filed,
                published_at=filed + timedelta(days=5))
        if extra_team:
            special_plans[key].member_agencies.add(extra_team[0])
        return special_plans[key]

    def make(day, status, *, kind="special", mode="onsite", team=None, outcome="", extra_team=None, **kw):
        nonlocal made
        agency, people, matters, user = team or rng.choice(teams)
        ent = kw.pop("enterprise", None) or next(ent_iter)
        if kind == "special":
            kw.setdefault("plan", special_plan(agency, day, extra_team))
        insp = Inspection.objects.create(
            enterprise=ent, initiating_agency=agency, kind=kind, mode=mode, date=day, status=status, outcome=outcome,
            special_approval_ref="鸠司审〔%d〕%d号" % (day.year, rng.randint(1, 99)) if kind == "special" else "",
            notified_at=_aware(day - timedelta(days=2)), notice_method=rng.choice(["电话", "短信", "书面通知"]),
            notice_content=f"{MARKER}检查时间、依据和方式已告知企业负责人", created_by=user,
            approved_by=user if status != "draft" else None, approved_at=_aware(day - timedelta(days=3)) if status != "draft" else None,
            **kw)
        for n, (ag, ps, ms, _u) in enumerate([(agency, people, matters, user)] + ([extra_team] if extra_team else [])):
            part = Participation.objects.create(inspection=insp, agency=ag, is_lead=(n == 0))
            part.inspectors.set(rng.sample(ps, 2))
            part.matters.set(rng.sample(ms, min(len(ms), 2)))
        if kind == "triggered" and status in ("code_issued", "result_recorded", "closed"):  # took place (decision d)
            TriggeredFiling.objects.create(inspection=insp, agency=agency, enterprise=ent, source=insp.trigger_source,
                                           reference=insp.trigger_reference, reason=insp.trigger_reason,
                                           month=f"{day:%Y-%m}", filed_at=_aware(day - timedelta(days=1)))
        made += 1
        return insp, user

    def coded(insp, user, code_status, *, late=False):
        start, end = validity_window(insp.date)
        code = CheckCode.objects.create(
            inspection=insp, code=codes.generate(), status=code_status, valid_from=start, valid_until=end,
            issued_by=user, issued_at=start - timedelta(days=1) if not late else start + timedelta(days=3),
            is_late=late, late_reason="夜间危化品泄漏应急处置，事后补码" if late else "",
            first_shown_at=start + timedelta(hours=1) if code_status in ("shown", "completed", "closed") else None)
        if insp.mode == "onsite" and insp.kind not in ("recheck",) and insp.trigger_source != "enterprise_request" \
                and insp.kind != "triggered":
            Inspection.objects.filter(pk=insp.pk).update(slot_year=insp.date.year, counts_toward_cap=True)
        else:
            Inspection.objects.filter(pk=insp.pk).update(counts_toward_cap=False)
        if code.first_shown_at:
            for n in range(rng.randint(1, 3)):
                CodeScan.objects.create(check_code=code, at=code.first_shown_at + timedelta(minutes=5 * n),
                                        client=rng.choice(UAS)[:40], ip_prefix=f"36.7.{rng.randint(1, 250)}.0/24")
        return code

    def finished(insp, user, code, outcome, *, rect_status=None, evaluate=True):
        result = InspectionResult.objects.create(inspection=insp, outcome=outcome, recorded_by=user,
                                                 findings="未发现问题" if outcome == "no_issue" else rng.choice(FINDINGS),
                                                 recorded_at=_aware(insp.date, 16))
        if outcome == "rectification":
            Rectification.objects.create(
                result=result, items=[{"item": rng.choice(FINDINGS) + "，限期整改"}],
                deadline=insp.date + timedelta(days=15), status=rect_status or "open",
                enterprise_response="已整改到位，附照片" if rect_status in ("responded", "closed") else "",
                verification_note="现场复查合格" if rect_status == "closed" else "")
        if evaluate:
            rating = rng.choice([5, 5, 5, 4, 4, 3, 2])
            ev = Evaluation.objects.create(check_code=code, rating=rating, code_shown=rating > 2,
                                           notified_in_advance=True, comment=rng.choice(COMMENTS),
                                           created_at=_aware(insp.date, 18))
            if rating <= 2 and negative:
                ev.negative_items.set(negative[:1])

    last_year = today.year - 1
    # Previous year: a closed history, mostly no-issue, some rectified.
    for n in range(24):
        day = date(last_year, 1 + n % 12, 3 + (n * 7) % 24)
        outcome = rng.choice(["no_issue", "no_issue", "rectification", "case_transferred"])
        insp, user = make(day, "closed", outcome=outcome, kind=rng.choice(["special", "triggered"]),
                          trigger_source="complaint", trigger_reference=f"12345-{last_year}-{1000 + n}",
                          trigger_reason="群众投诉")
        code = coded(insp, user, "closed")
        finished(insp, user, code, outcome, rect_status="closed")
    # This year, in every state.
    past = [today - timedelta(days=d) for d in (40, 30, 21, 14, 9, 6)]
    for day in past:
        insp, user = make(day, "closed", outcome="no_issue")
        finished(insp, user, coded(insp, user, "closed"), "no_issue")
    for status in ("open", "responded"):
        insp, user = make(today - timedelta(days=8), "result_recorded", outcome="rectification")
        finished(insp, user, coded(insp, user, "completed"), "rectification", rect_status=status, evaluate=status == "open")
    insp, user = make(today - timedelta(days=25), "result_recorded", outcome="rectification")
    finished(insp, user, coded(insp, user, "completed"), "rectification", rect_status="open", evaluate=False)
    Rectification.objects.filter(result__inspection=insp).update(deadline=today - timedelta(days=2))  # overdue
    # The demo inspector account (scjg_zhifa) has an inspection today and tomorrow, so its home page
    # shows "出示检查码" right after `make run`.
    demo_user = User.objects.filter(username="scjg_zhifa").select_related("inspector").first()
    demo_team = next((t for t in teams if demo_user and t[0].pk == demo_user.agency_id), None)
    for day, code_status in ((today, "shown"), (today + timedelta(days=1), "issued")):
        insp, user = make(day, "code_issued", team=demo_team)
        if demo_team and demo_user.inspector_id:
            lead = insp.participations.get(is_lead=True)
            others = [i for i in demo_team[1] if i.pk != demo_user.inspector_id][:1]
            lead.inspectors.set([demo_user.inspector, *others])
        coded(insp, user, code_status)
    insp, user = make(today - timedelta(days=3), "code_issued", is_emergency=True,
                      emergency_reason="夜间危化品泄漏应急处置")
    coded(insp, user, "shown", late=True)
    insp, user = make(today - timedelta(days=5), "code_issued")
    coded(insp, user, "expired")
    insp, user = make(today + timedelta(days=6), "approved")
    revoked = coded(insp, user, "revoked")
    CheckCode.objects.filter(pk=revoked.pk).update(revoked_reason="企业停产检修，改期检查", revoked_at=timezone.now())
    Inspection.objects.filter(pk=insp.pk).update(slot_year=None)
    for day in (today + timedelta(days=3), today + timedelta(days=10)):
        make(day, "approved")
        make(day, "draft")
    make(today + timedelta(days=4), "draft", kind="triggered", trigger_source="referral",
         trigger_reference=f"交办-{today.year}-017", trigger_reason="区政府交办：群众反映夜间噪音扰民")
    make(today + timedelta(days=2), "draft", mode="document")
    make(today + timedelta(days=12), "cancelled")
    if len(teams) >= 2:
        # 综合查一次: agency B's draft merged into agency A's pending inspection of the same enterprise.
        ent = next(ent_iter)
        target, _u = make(today + timedelta(days=7), "draft", team=teams[0], enterprise=ent, extra_team=teams[1])
        source, _u = make(today + timedelta(days=9), "merged", team=teams[1], enterprise=ent)
        Participation.objects.filter(inspection=source).delete()
        Inspection.objects.filter(pk=source.pk).update(merged_into=target)
    if stdout:
        stdout.write(f"  检查任务 {made} 个（含检查码、扫码、结果、评议、整改）")
    return made
