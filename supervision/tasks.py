"""Celery tasks of supervision. Each takes strings or ids and calls one service (docs/style.md "Celery").
Schedules: settings.CELERY_BEAT_SCHEDULE (audit 02:00 on the 1st, sweeps 06:30 daily, Asia/Shanghai).

A failure is recorded on the JobRun (status, error, an Alert to 司法局) by the service and retried
here with backoff; the services are idempotent, so a retry or a redelivery is harmless."""
from celery import shared_task

RETRY = dict(autoretry_for=(Exception,), retry_backoff=60, retry_backoff_max=900, retry_jitter=True,
             max_retries=3, acks_late=True)


@shared_task(**RETRY)
def frequency_audit_run_task(month: str | None = None, by_id: int | None = None) -> int:
    """Monthly frequency audit; `month` defaults to the previous month in Asia/Shanghai."""
    from subjects.models import User

    from .periods import previous_month
    from .services.audit import frequency_audit_run

    by = User.objects.filter(pk=by_id).first() if by_id else None
    return frequency_audit_run(month=month or previous_month(), by=by).pk


@shared_task(acks_late=True)
def scheduled_runs_catch_up_task() -> list[str]:
    """Hourly: run the monthly audit or today's sweeps if beat's message for them was lost."""
    from .services.catch_up import missed_runs_catch_up

    return missed_runs_catch_up()


@shared_task(**RETRY)
def daily_sweeps_run_task(day: str | None = None) -> int:
    """Daily sweeps (certificates, plans, codes, rectifications, ratings) for `day` (default today)."""
    from datetime import date

    from .services.sweeps import daily_sweeps_run

    return daily_sweeps_run(today=date.fromisoformat(day) if day else None).pk


@shared_task(**RETRY)
def rollups_refresh_task() -> dict:
    """Bring the dashboard rollups up to date (every minute; a no-op when nothing changed)."""
    from .services.rollups import rollup_refresh

    return rollup_refresh()
