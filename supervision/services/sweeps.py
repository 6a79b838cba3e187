"""Daily sweeps (docs/domain.md "Supervision"; 举措 9, 13, 14, 16): certificates about to expire, plans not
filed by 31 March; and, through checkcode's own services, 检查码 never shown and rectification deadlines.

Each sweep reads the models directly and raises Alerts with a dedupe key, so running a day twice
(or a redelivered task) raises nothing new. The run is recorded as a JobRun (kind daily_sweeps,
period = the day)."""
import hashlib
import logging
from datetime import date, datetime, time

from django.utils import timezone

from checkcode.services.sweeps import checkcode_sweep_unshown, rectification_sweep
from jiujiang_inspect.alerts import alert_raise
from jiujiang_inspect.models import Alert
from plans.selectors.plans import plans_agencies_not_filed
from plans.services.blocks import blocks_expire_due
from subjects.selectors import certificates_expiring
from subjects.services import certificates_touch_state_changes

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
            # Derived changes a syncing client reads (issue 14): blocks past their end, certificate states.
            "blocks_expired": blocks_expire_due(today=today),
            "inspectors_certificate_state_changed": certificates_touch_state_changes(today=today),
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
    """From 1 April: one alert per agency listed by plans.selectors.plans.plans_agencies_not_filed
    (active, with published matters, neither lead nor member of a filed or published plan)."""
    if (today.month, today.day) <= PLAN_DEADLINE:
        return 0
    rows = plans_agencies_not_filed(year=today.year, today=today)
    for row in rows:
        agency = row["agency"]
        alert_raise(kind="sweep.plan_not_filed", title=f"{agency.name}：{today.year}年度检查计划未按期备案",
                    message="年度检查计划应于3月31日前备案并公布（举措6）。", agency=agency, source="sweep",
                    dedupe_key=f"sweep:plan:{agency.pk}:{today.year}")
    return len(rows)
