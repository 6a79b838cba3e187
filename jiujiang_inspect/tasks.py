"""Celery tasks of the plumbing: run a background job, reap stuck jobs, purge old uploads.

Each calls one service in jiujiang_inspect.jobs (docs/style.md "Celery"); `jobs` sends the run task by name,
so this module imports `jobs` and not the other way round. Schedules: settings.CELERY_BEAT_SCHEDULE."""
from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def background_job_run_task(job_id: int) -> int:
    from .jobs import job_run

    return job_run(job_id)


@shared_task(ignore_result=True)
def jobs_reap_task() -> dict:
    """Every JOBS_REAP_SECONDS: re-send lost messages, re-queue or fail jobs whose worker died."""
    from .jobs import jobs_reap

    return jobs_reap()


@shared_task(ignore_result=True)
def job_uploads_purge_task() -> dict:
    """Daily: delete uploads past their retention."""
    from .jobs import job_uploads_purge

    return job_uploads_purge()


@shared_task(acks_late=True, ignore_result=True)
def outbox_deliver_task(message_id: int) -> str:
    """Deliver one outbox message (a redelivered task finds it claimed or done and sends nothing)."""
    from .outbox import outbox_deliver

    return outbox_deliver(message_id)


@shared_task(ignore_result=True)
def outbox_pump_task() -> int:
    """Every OUTBOX_PUMP_SECONDS: queue due outbox messages (retries, lost tasks, released chains)."""
    from .outbox import outbox_pump

    return outbox_pump()


@shared_task(ignore_result=True)
def outbox_sweep_task() -> dict:
    """Daily: alert on failed or stuck outbox messages."""
    from .outbox import outbox_sweep

    return outbox_sweep()
