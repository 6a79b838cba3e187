"""Daily sweeps (DOMAIN.md "Supervision"; 举措 9, 13, 14, 16): certificates about to expire, plans not
filed by 31 March, 检查码 issued but never shown, rectification deadlines, low ratings.

Each sweep reads the models directly and raises Alerts with a dedupe key, so running a day twice
(or a redelivered task) raises nothing new. The run is recorded as a JobRun (kind daily_sweeps,
period = the day)."""
import hashlib
import logging
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from checkcode.models import CheckCode, Evaluation, Rectification
from jiujiang_inspect.alerts import alert_raise
from jiujiang_inspect.models import Alert
from plans.models import AnnualPlan
from subjects.models import Agency
from subjects.selectors import certificates_expiring

from ..models import JobRun
from .audit import jobrun_claim, jobrun_fail

log = logging.getLogger(__name__)

SWEEP_KIND = "daily_sweeps"
CERT_WITHIN_DAYS = 30
RECTIFICATION_REMIND_DAYS = 3
PLAN_DEADLINE = (3, 31)  # plans should be public by 31 March (举措 6)
LOW_RATING = 2


def daily_sweeps_run(*, today: date | None = None) -> JobRun:
    today = today or timezone.localdate()
    run = jobrun_claim(kind=SWEEP_KIND, period=today.isoformat())
    if run is None:
        return JobRun.objects.get(kind=SWEEP_KIND, period=today.isoformat())
    try:
        counts = {
            "certificates_expiring": sweep_certificates(today=today),
            "plans_not_filed": sweep_plans_not_filed(today=today),
            "codes_never_shown": sweep_codes_never_shown(today=today),
            **sweep_rectifications(today=today),
            "low_ratings": sweep_low_ratings(today=today),
        }
    except Exception as exc:
        log.exception("daily sweeps %s failed", today)
        jobrun_fail(run, exc)
        raise
    JobRun.objects.filter(pk=run.pk).update(status=JobRun.Status.SUCCEEDED, finished_at=timezone.now(),
                                            counts=counts, error="")
    run.refresh_from_db()
    return run


def sweep_certificates(*, today: date) -> int:
    """One alert per agency listing its inspectors whose 执法证 expires within 30 days; a new alert
    only when the list changes."""
    by_agency: dict[int, list] = {}
    for cert in certificates_expiring(agency=None, within_days=CERT_WITHIN_DAYS, today=today):
        by_agency.setdefault(cert.inspector.agency_id, []).append(cert)
    for agency_id, certs in by_agency.items():
        digest = hashlib.sha1(",".join(f"{c.pk}:{c.valid_until}" for c in certs).encode()).hexdigest()[:12]
        names = "、".join(f"{c.inspector.name}（{c.valid_until:%Y年%m月%d日}）" for c in certs[:20])
        alert_raise(kind="sweep.certificate_expiring", severity=Alert.Severity.INFO,
                    title=f"{certs[0].inspector.agency.name}：{len(certs)}名执法人员证件30日内到期",
                    message=f"请及时办理换证：{names}", agency=certs[0].inspector.agency, source="sweep",
                    dedupe_key=f"sweep:cert:{agency_id}:{digest}")
    return len(by_agency)


def sweep_plans_not_filed(*, today: date) -> int:
    """From 1 April: agencies with inspectors but no filed or published plan of the year (as lead or
    member)."""
    if (today.month, today.day) <= PLAN_DEADLINE:
        return 0
    done = Q(led_plans__year=today.year, led_plans__status__in=[AnnualPlan.Status.FILED, AnnualPlan.Status.PUBLISHED])
    member = Q(member_plans__year=today.year,
               member_plans__status__in=[AnnualPlan.Status.FILED, AnnualPlan.Status.PUBLISHED])
    agencies = (Agency.objects.filter(is_active=True).annotate(
        n_inspectors=Count("inspectors", filter=Q(inspectors__is_active=True), distinct=True),
        n_plans=Count("led_plans", filter=done, distinct=True),
        n_member=Count("member_plans", filter=member, distinct=True))
        .filter(n_inspectors__gt=0, n_plans=0, n_member=0))
    n = 0
    for agency in agencies:
        n += 1
        alert_raise(kind="sweep.plan_not_filed", title=f"{agency.name}：{today.year}年度检查计划未按期备案",
                    message="年度检查计划应于3月31日前备案并公布（举措6）。", agency=agency, source="sweep",
                    dedupe_key=f"sweep:plan:{agency.pk}:{today.year}")
    return n


def sweep_codes_never_shown(*, today: date) -> int:
    """检查码 whose window has closed without a single scan: the visit happened without showing the
    code, or did not happen and the code should be revoked (举措 8)."""
    cutoff = timezone.make_aware(datetime.combine(today, time.min))
    codes = (CheckCode.objects.filter(status=CheckCode.Status.ISSUED, first_shown_at__isnull=True,
                                      valid_until__lt=cutoff)
             .select_related("inspection__enterprise", "inspection__initiating_agency"))
    n = 0
    for code in codes.iterator():
        n += 1
        ins = code.inspection
        alert_raise(kind="sweep.code_never_shown", title=f"{ins.enterprise.name}：检查码{code.code}有效期内未亮码",
                    message=f"检查码有效期至{timezone.localtime(code.valid_until):%Y年%m月%d日}，期间未被扫描查验。",
                    agency=ins.initiating_agency, enterprise_uscc=ins.enterprise.uscc, target=code, source="sweep",
                    dedupe_key=f"sweep:code:{code.pk}")
    return n


def sweep_rectifications(*, today: date) -> dict:
    """Reminder 3 days before a rectification deadline; an Alert when it has passed (举措 14)."""
    open_states = [Rectification.Status.OPEN, Rectification.Status.REJECTED]
    base = Rectification.objects.filter(status__in=open_states).select_related(
        "result__inspection__enterprise", "result__inspection__initiating_agency")
    due = overdue = 0
    for r in base.filter(deadline__gte=today, deadline__lte=today + timedelta(days=RECTIFICATION_REMIND_DAYS)):
        due += 1
        ins = r.result.inspection
        alert_raise(kind="sweep.rectification_due", severity=Alert.Severity.INFO,
                    title=f"{ins.enterprise.name}：整改将于{r.deadline:%m月%d日}到期",
                    message="请督促企业按期整改并及时复查。", agency=ins.initiating_agency,
                    enterprise_uscc=ins.enterprise.uscc, target=r, source="sweep",
                    dedupe_key=f"sweep:rect_due:{r.pk}:{r.deadline}")
    for r in base.filter(deadline__lt=today):
        overdue += 1
        ins = r.result.inspection
        alert_raise(kind="sweep.rectification_overdue", title=f"{ins.enterprise.name}：整改已逾期（期限{r.deadline:%m月%d日}）",
                    message="整改期限已过，尚未复查通过。", agency=ins.initiating_agency,
                    enterprise_uscc=ins.enterprise.uscc, target=r, source="sweep",
                    dedupe_key=f"sweep:rect_overdue:{r.pk}:{r.deadline}")
    return {"rectifications_due": due, "rectifications_overdue": overdue}


def sweep_low_ratings(*, today: date) -> int:
    """企业评议 of ≤2 stars or reporting any negative-list behaviour, for 司法局 to follow up."""
    evaluations = (Evaluation.objects.annotate(n_neg=Count("negative_items"))
                   .filter(Q(rating__lte=LOW_RATING) | Q(n_neg__gt=0))
                   .select_related("check_code__inspection__enterprise", "check_code__inspection__initiating_agency"))
    n = 0
    for ev in evaluations.iterator():
        n += 1
        ins = ev.check_code.inspection
        reason = f"评分{ev.rating}星" + (f"，反映{ev.n_neg}项负面清单行为" if ev.n_neg else "")
        alert_raise(kind="sweep.low_rating", title=f"{ins.enterprise.name}：企业评议{reason}",
                    message=ev.comment or "", agency=ins.initiating_agency, enterprise_uscc=ins.enterprise.uscc,
                    target=ev, source="sweep", dedupe_key=f"sweep:rating:{ev.pk}")
    return n
