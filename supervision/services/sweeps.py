"""Daily sweeps (DOMAIN.md "Supervision"; 举措 9, 13, 14, 16): certificates about to expire, plans not
filed by 31 March; and, through checkcode's own services, 检查码 never shown and rectification deadlines.

Each sweep reads the models directly and raises Alerts with a dedupe key, so running a day twice
(or a redelivered task) raises nothing new. The run is recorded as a JobRun (kind daily_sweeps,
period = the day)."""
import hashlib
import logging
from datetime import date, datetime, time

from django.db.models import Count, Q
from django.utils import timezone

from checkcode.services.sweeps import checkcode_sweep_unshown, rectification_sweep
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
PLAN_DEADLINE = (3, 31)  # plans should be public by 31 March (举措 6)


def daily_sweeps_run(*, today: date | None = None) -> JobRun:
    today = today or timezone.localdate()
    run = jobrun_claim(kind=SWEEP_KIND, period=today.isoformat())
    if run is None:
        return JobRun.objects.get(kind=SWEEP_KIND, period=today.isoformat())
    try:
        counts = {
            "certificates_expiring": sweep_certificates(today=today),
            "plans_not_filed": sweep_plans_not_filed(today=today),
            # The 检查码 rules live in checkcode; the daily run only calls them (one rule, one place).
            # Low ratings raise their Alert when the evaluation is submitted (checkcode), not here.
            "codes_never_shown": checkcode_sweep_unshown(now=timezone.make_aware(datetime.combine(today, time.min))),
            **{f"rectifications_{k}": v for k, v in rectification_sweep(today=today).items()},
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
