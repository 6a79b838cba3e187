"""Scheduled runs that never happened are run late, once (issue 10 "queued work is sent when the broker
returns"): Celery beat hands the monthly frequency audit (02:00 on the 1st) and the daily sweeps (06:30)
to the broker; if Redis is down at that moment the message is lost and beat does not try again. Every
hour (settings.CELERY_BEAT_SCHEDULE "scheduled-runs-catch-up") this looks for the run that should exist
by now and runs it if there is none. A run that exists (running, succeeded or failed) is left alone:
a failed one has already alerted 司法局, who re-runs it from the job-run page.
"""
import logging
from datetime import datetime, time, timedelta

from django.utils import timezone

from ..models import JobRun
from ..periods import previous_month
from .audit import AUDIT_KIND, frequency_audit_run
from .sweeps import SWEEP_KIND, daily_sweeps_run

log = logging.getLogger(__name__)

# When each scheduled run is due (local time), plus a grace period so the catch-up never races beat.
AUDIT_DUE = time(2, 0)
SWEEPS_DUE = time(6, 30)
GRACE = timedelta(minutes=30)


def _due(day, at: time, now: datetime) -> bool:
    return now >= timezone.make_aware(datetime.combine(day, at)) + GRACE


def missed_runs_catch_up(*, now: datetime | None = None) -> list[str]:
    """Run the previous month's frequency audit and today's daily sweeps if each is due and has no
    JobRun. `now`: an aware datetime (default: now); read in Asia/Shanghai.

    Returns the runs started, as "kind period" strings (empty when nothing was missed). The runs claim
    their (kind, period) row (audit.jobrun_claim), so this racing a late beat delivery runs each once.
    """
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    started = []
    month = previous_month(today)
    if _due(today.replace(day=1), AUDIT_DUE, now) and not JobRun.objects.filter(kind=AUDIT_KIND, period=month).exists():
        log.warning("frequency audit %s was never run (broker down at its time?): running it now", month)
        frequency_audit_run(month=month)
        started.append(f"{AUDIT_KIND} {month}")
    if _due(today, SWEEPS_DUE, now) and not JobRun.objects.filter(kind=SWEEP_KIND, period=today.isoformat()).exists():
        log.warning("daily sweeps of %s were never run (broker down at their time?): running them now", today)
        daily_sweeps_run(today=today)
        started.append(f"{SWEEP_KIND} {today.isoformat()}")
    return started
