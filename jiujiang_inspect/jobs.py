"""Background jobs with progress: imports and reports run in Celery, the page polls the job row.

`kind` is the dotted path of a function `f(*, job, fileobj)` (or `f(*, job)` without a file) living in
the owning app; the plumbing resolves it by name and so imports no app. The function reports
progress through `job_progress` and returns a result dict; raising ValidationFailed with row errors
marks the job failed with its per-row report.
"""
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .exceptions import ApplicationError
from .models import BackgroundJob

log = logging.getLogger(__name__)


def job_create(*, kind: str, by, upload=None, params=None) -> BackgroundJob:
    """Store the upload and queue the job once the surrounding transaction commits."""
    import_string(kind)  # fail now, not in the worker, if the kind is wrong
    job = BackgroundJob(kind=kind, created_by=by if getattr(by, "pk", None) else None, params=params or {})
    if upload is not None:
        job.file.save(upload.name or "upload.xlsx", upload, save=False)
    job.save()
    from .tasks import background_job_run_task

    transaction.on_commit(lambda: background_job_run_task.delay(job.pk))
    return job


def job_progress(job: BackgroundJob, *, done: int, total: int | None = None):
    """Write progress at most every ~1% so a 100,000-row import does not do 100,000 updates."""
    step = max(1, (total or job.total or 100) // 100)
    if total is not None:
        job.total = total
    if done == job.total or done - job.done >= step:
        job.done = done
        BackgroundJob.objects.filter(pk=job.pk).update(done=job.done, total=job.total)


def job_run(job_id: int) -> int:
    """Run a queued job. Claimed by an atomic UPDATE, so a redelivered task is a no-op."""
    claimed = BackgroundJob.objects.filter(pk=job_id, status=BackgroundJob.Status.QUEUED).update(
        status=BackgroundJob.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return job_id
    job = BackgroundJob.objects.get(pk=job_id)
    func = import_string(job.kind)
    try:
        if job.file:
            with job.file.open("rb") as fh:
                result = func(job=job, fileobj=fh)
        else:
            result = func(job=job)
    except ApplicationError as exc:
        job.status = BackgroundJob.Status.FAILED
        job.message = exc.message
        job.errors = exc.detail.get("rows", []) if isinstance(exc.detail, dict) else []
    except Exception as exc:  # a bug must still end the job visibly, not leave it "running" forever
        log.exception("background job %s failed", job_id)
        job.status = BackgroundJob.Status.FAILED
        job.message = f"处理失败：{exc.__class__.__name__}"
    else:
        job.status = BackgroundJob.Status.SUCCEEDED
        job.result = result or {}
        job.message = (result or {}).get("message", "处理完成。")
        job.done = job.total
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "errors", "result", "done", "finished_at"])
    return job_id
