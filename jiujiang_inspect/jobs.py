"""Background jobs with progress: imports and reports run in Celery, the page polls the job row.

`kind` is the dotted path of a function `f(*, job, fileobj)` (or `f(*, job)` without a file) living in
the owning app; the plumbing resolves it by name and so imports no app (and not its own `tasks`
module either: it sends the task by name). The function reports progress through `job_progress` and
returns a result dict; raising an ApplicationError (ValidationFailed with `detail["rows"]`) marks the
job failed with its per-row report.

Jobs always end (docs: issue 10 "Jobs that always end"):
- the row is the source of truth. A job is claimed by an atomic UPDATE: when queued, or when running
  with a heartbeat older than JOBS_STALE_AFTER_SECONDS (its worker died), so a redelivered message
  runs a dead worker's job again instead of doing nothing, and never runs a live one twice;
- a running job beats every JOBS_HEARTBEAT_SECONDS from a side thread with its own connection (on
  PostgreSQL), which also carries the progress, so the bar moves while the import's transaction is open;
- an upload job runs inside one transaction: a worker killed mid-import leaves nothing half-written;
- `jobs_reap` (beat) re-sends queued jobs whose message never reached the broker or was lost, and
  re-queues (up to JOBS_MAX_ATTEMPTS) or fails, retryable, running jobs whose worker died.
"""
import logging
import threading

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .availability import broker_required
from .exceptions import ApplicationError, InvalidState
from .models import BackgroundJob

log = logging.getLogger(__name__)

RUN_TASK = "jiujiang_inspect.tasks.background_job_run_task"
Status, Phase = BackgroundJob.Status, BackgroundJob.Phase


def _interrupted_message(job_id, attempts):
    return _("处理中断：执行任务的后台进程意外停止（已尝试 %(n)d 次），本次未写入任何数据。"
             "请点击“重新执行”；如仍失败，请联系系统管理员并告知任务编号 %(id)d。") % {"n": attempts, "id": job_id}


def _bug_message(job_id):
    return _("处理失败：系统内部错误，本次未写入任何数据。请点击“重新执行”；如仍失败，"
             "请联系系统管理员并告知任务编号 %(id)d。") % {"id": job_id}


def _timeout_message(job_id):
    return _("处理超时：任务运行超过 %(m)d 分钟被终止，本次未写入任何数据。请拆分文件后重新上传，"
             "或联系系统管理员并告知任务编号 %(id)d。") % {"m": settings.JOBS_TIME_LIMIT_SECONDS // 60, "id": job_id}


def job_create(*, kind: str, by, upload=None, params=None) -> BackgroundJob:
    """Store the upload and queue the job once the surrounding transaction commits.

    Raises ServiceUnavailable (503, nothing stored) at once when the job queue (Redis) is down."""
    import_string(kind)  # fail now, not in the worker, if the kind is wrong
    broker_required()
    job = BackgroundJob(kind=kind, created_by=by if getattr(by, "pk", None) else None, params=params or {})
    if upload is not None:
        job.file_name = (upload.name or "")[:255]
        job.file.save(upload.name or "upload.xlsx", upload, save=False)
    job.save()
    transaction.on_commit(lambda: job_send(job.pk), robust=True)
    return job


def job_send(job_id: int) -> bool:
    """Hand a queued job to the broker (or run it here when tasks are eager). A failed send is only
    logged: the job stays queued and the reaper sends it again once the broker is back."""
    if current_app.conf.task_always_eager:
        job_run(job_id)
        return True
    try:
        current_app.send_task(RUN_TASK, args=[job_id], ignore_result=True)
    except Exception:  # kombu/redis errors: the row is the truth, the message only a nudge
        log.warning("background job %s: broker unreachable, left queued for the reaper", job_id, exc_info=True)
        return False
    BackgroundJob.objects.filter(pk=job_id, status=Status.QUEUED).update(sent_at=timezone.now())
    return True


class _Run(threading.local):
    job = None
    beat = None
    depth = 0


_current = _Run()


def job_progress(job: BackgroundJob, *, done: int, total: int | None = None, phase: str | None = None):
    """Report progress at most every ~1% (a 100,000-row import does ~100 writes, not 100,000).

    `phase` (reading/checking/writing) defaults to "writing" inside a transaction the job opened
    itself and "checking" outside. On PostgreSQL the heartbeat thread writes it on its own
    connection, so progress made inside the import's transaction is visible at once."""
    step = max(1, (total or job.total or 100) // 100)
    if total is not None:
        job.total = total
    if phase is None and job.file:
        phase = Phase.WRITING if len(connection.atomic_blocks) > _current.depth else Phase.CHECKING
    changed_phase = phase is not None and phase != job.phase
    if not (changed_phase or done == job.total or done - job.done >= step):
        return
    job.done = min(done, job.total) if job.total else done
    if phase is not None:
        job.phase = phase
    if _current.beat is not None and _current.job is not None and _current.job.pk == job.pk:
        _current.beat.poke(done=job.done, total=job.total, phase=job.phase)
    else:
        BackgroundJob.objects.filter(pk=job.pk).update(done=job.done, total=job.total, phase=job.phase)


class _Heartbeat(threading.Thread):
    """Beats (and carries progress) for one running job on a connection of its own."""

    def __init__(self, job_id: int, attempt: int):
        super().__init__(name=f"job-heartbeat-{job_id}", daemon=True)
        self.job_id, self.attempt = job_id, attempt
        self.values = {}
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stopping = threading.Event()

    def poke(self, **values):
        with self.lock:
            self.values.update(values)
        self.wake.set()

    def run(self):
        from django.db import connections

        interval = settings.JOBS_HEARTBEAT_SECONDS
        try:
            while not self.stopping.is_set():
                with self.lock:
                    values, self.values = self.values, {}
                try:
                    BackgroundJob.objects.filter(pk=self.job_id, attempts=self.attempt, status=Status.RUNNING).update(
                        heartbeat_at=timezone.now(), **values)
                except Exception:  # a lost connection must not kill the job; the next beat retries
                    log.warning("background job %s: heartbeat failed", self.job_id, exc_info=True)
                    connections["default"].close()
                self.wake.wait(interval)
                self.wake.clear()
                if not self.stopping.is_set():
                    self.stopping.wait(min(0.5, interval))  # progress at most twice a second
        finally:
            connections.close_all()

    def stop(self):
        self.stopping.set()
        self.wake.set()
        self.join(timeout=10)


def _claim(job_id: int) -> BackgroundJob | None:
    now = timezone.now()
    stale = now - timezone.timedelta(seconds=settings.JOBS_STALE_AFTER_SECONDS)
    claimable = Q(status=Status.QUEUED) | Q(status=Status.RUNNING, heartbeat_at__lt=stale)
    claimed = BackgroundJob.objects.filter(claimable, pk=job_id).update(
        status=Status.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1, done=0,
        phase=Phase.NONE, retryable=False)
    return BackgroundJob.objects.get(pk=job_id) if claimed else None


def job_run(job_id: int) -> int:
    """Run a job if it can be claimed (queued, or running under a dead worker); else do nothing.

    An upload job runs in one transaction: all its rows are written or none. The outcome is stored
    only if this run still holds the claim (the reaper may have handed the job to another worker)."""
    job = _claim(job_id)
    if job is None:
        return job_id
    attempt = job.attempts
    beat = None
    if connection.vendor != "sqlite":  # SQLite has one writer: a side connection would wait on the job
        beat = _Heartbeat(job.pk, attempt)
        beat.start()
    _current.job, _current.beat = job, beat
    outcome = {"errors": [], "result": {}, "retryable": False}
    try:
        func = import_string(job.kind)
        if job.file:
            job_progress(job, done=0, phase=Phase.READING)
            with transaction.atomic(), job.file.open("rb") as fh:
                _current.depth = len(connection.atomic_blocks)
                result = func(job=job, fileobj=fh)
        else:
            result = func(job=job)
    except SoftTimeLimitExceeded:
        log.error("background job %s hit its time limit", job_id)
        outcome.update(status=Status.FAILED, message=_timeout_message(job_id))
    except ApplicationError as exc:
        outcome.update(status=Status.FAILED, message=exc.message,
                       errors=exc.detail.get("rows", []) if isinstance(exc.detail, dict) else [])
    except Exception:  # a bug must still end the job visibly, in words a user understands
        log.exception("background job %s failed", job_id)
        outcome.update(status=Status.FAILED, message=_bug_message(job_id), retryable=True)
    else:
        outcome.update(status=Status.SUCCEEDED, result=result or {},
                       message=(result or {}).get("message", _("处理完成。")))
    finally:
        _current.job, _current.beat, _current.depth = None, None, 0
        if beat is not None:
            beat.stop()
    # The upload goes with the finish (one update), unless the settings keep uploads or a retry needs it.
    release = bool(job.file) and not outcome["retryable"] and settings.JOBS_UPLOAD_RETENTION_DAYS <= 0
    finished = BackgroundJob.objects.filter(pk=job_id, attempts=attempt, status=Status.RUNNING).update(
        finished_at=timezone.now(), phase=Phase.NONE, heartbeat_at=None, **({"file": ""} if release else {}),
        **({"done": F("total")} if outcome["status"] == Status.SUCCEEDED else {}), **outcome)
    if not finished:
        log.warning("background job %s: attempt %s lost its claim before finishing", job_id, attempt)
    elif release:
        job.file.storage.delete(job.file.name)
    return job_id


def job_retry(*, job: BackgroundJob, by) -> BackgroundJob:
    """"重新执行" a job that failed through no fault of its input (worker died, a bug, a timeout).

    Preconditions: failed and retryable, and its upload still kept. Raises InvalidState otherwise,
    ServiceUnavailable when the queue is down. Resets the attempt count; queued after commit."""
    from .audit import audit_record

    if not (job.status == Status.FAILED and job.retryable):
        raise InvalidState(_("该任务不能重新执行：只有因系统原因中断的任务可以重新执行。"))
    if job.file_name and not job.file:
        raise InvalidState(_("上传的文件已按规定删除，请重新上传。"))
    broker_required()
    with transaction.atomic():
        updated = BackgroundJob.objects.filter(pk=job.pk, status=Status.FAILED, retryable=True).update(
            status=Status.QUEUED, retryable=False, attempts=0, done=0, phase=Phase.NONE, message="", errors=[],
            result={}, started_at=None, finished_at=None, heartbeat_at=None, sent_at=None)
        if not updated:
            raise InvalidState(_("该任务已在重新执行。"))
        audit_record(actor=by, action="job.retried", target=job, changes={"kind": job.kind})
        transaction.on_commit(lambda: job_send(job.pk), robust=True)
    job.refresh_from_db()
    return job


def jobs_reap() -> dict:
    """The reaper (beat, every JOBS_REAP_SECONDS). Returns counts {resent, requeued, failed}.

    - queued, and its message sent (or, if never sent, its row created) more than
      JOBS_RESEND_AFTER_SECONDS ago: sent again (a duplicate message finds the job claimed: harmless);
    - running with a heartbeat older than JOBS_STALE_AFTER_SECONDS (its worker died): queued again
      and sent, or, after JOBS_MAX_ATTEMPTS claims, failed with a message and a retry button."""
    now = timezone.now()
    stale = now - timezone.timedelta(seconds=settings.JOBS_STALE_AFTER_SECONDS)
    counts = {"resent": 0, "requeued": 0, "failed": 0}
    dead = BackgroundJob.objects.filter(status=Status.RUNNING).filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale))
    for job in dead.only("pk", "attempts", "file", "file_name"):
        still_dead = BackgroundJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts).filter(
            Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True))
        if job.attempts < settings.JOBS_MAX_ATTEMPTS and (job.file or not job.file_name):
            if still_dead.update(status=Status.QUEUED, phase=Phase.NONE, done=0, heartbeat_at=None, sent_at=None):
                log.warning("background job %s: worker died (attempt %s), queued again", job.pk, job.attempts)
                counts["requeued"] += 1
                job_send(job.pk)
        elif still_dead.update(status=Status.FAILED, phase=Phase.NONE, heartbeat_at=None, finished_at=now,
                               retryable=bool(job.file), message=_interrupted_message(job.pk, job.attempts)):
            log.error("background job %s: worker died %s times, failed", job.pk, job.attempts)
            counts["failed"] += 1
    resend_before = now - timezone.timedelta(seconds=settings.JOBS_RESEND_AFTER_SECONDS)
    lost = BackgroundJob.objects.filter(status=Status.QUEUED).annotate(
        last_sent=Coalesce("sent_at", "created_at")).filter(last_sent__lt=resend_before)
    for job_id in lost.values_list("pk", flat=True):
        if job_send(job_id):
            counts["resent"] += 1
        else:
            break  # the broker is still down: try again at the next beat
    return counts


def job_uploads_purge() -> dict:
    """Daily: delete uploads of finished jobs past JOBS_UPLOAD_RETENTION_DAYS, files kept for a retry
    past JOBS_RETRY_WINDOW_HOURS (the job is then no longer retryable), and stray files under jobs/
    older than a day that no job row names. Returns counts {deleted, orphans}."""
    from django.core.files.storage import default_storage

    now = timezone.now()
    keep_until = now - timezone.timedelta(days=settings.JOBS_UPLOAD_RETENTION_DAYS)
    retry_until = now - timezone.timedelta(hours=settings.JOBS_RETRY_WINDOW_HOURS)
    done = BackgroundJob.objects.exclude(file="").filter(status__in=[Status.SUCCEEDED, Status.FAILED]).filter(
        Q(retryable=False, finished_at__lte=keep_until) | Q(retryable=True, finished_at__lte=retry_until))
    deleted = 0
    for job in done:
        job.file.delete(save=False)
        BackgroundJob.objects.filter(pk=job.pk).update(file="", retryable=False)
        deleted += 1
    orphans = 0
    try:
        _dirs, files = default_storage.listdir("jobs")
    except FileNotFoundError:
        files = []
    named = set(BackgroundJob.objects.exclude(file="").values_list("file", flat=True))
    day_ago = now - timezone.timedelta(days=1)
    for name in files:
        path = f"jobs/{name}"
        if path not in named and default_storage.get_modified_time(path) < day_ago:
            default_storage.delete(path)
            orphans += 1
    return {"deleted": deleted, "orphans": orphans}
