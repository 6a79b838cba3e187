"""The monthly frequency audit (频次监测, 举措 7 and 11; docs/domain.md "Supervision").

`frequency_audit_run(month=…)` counts the month and the year to date in the database, then writes
what it found: Alerts (warnings) through `alert_raise` with a dedupe key, Blocks through
`plans.services.blocks` (block_ensure / block_withdraw), and the 按月汇总 of triggered filings per
agency through `plans.services.filing_summaries`. What counts comes from plans.selectors.counting.

Idempotent and safe to deliver twice (docs/style.md "Celery"):
- one JobRun row per (kind, period), claimed by an INSERT or an atomic UPDATE, so a second delivery
  while the first is running does nothing, and a run that died ("running" for longer than
  STALE_AFTER) or failed is taken over by the next delivery;
- every finding has a stable key, so writing it twice writes it once; at the end the run withdraws
  what an earlier run of the same month found and this one no longer finds (data corrected since).
  The writes are set-based (a fixed number of statements, not one per finding); a run killed
  halfway leaves some of them written (the alerts before the blocks; the blocks with their audit
  entries and alerts all or none); the rerun writes the rest and ends in exactly the state of an
  uninterrupted run.
- a block a reviewer has overridden stays overridden: the audit never re-opens it.
"""
import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from jiujiang_inspect.alerts import alert_raise, alerts_raise_many
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.jobs import job_create
from jiujiang_inspect.models import Alert, BackgroundJob
from plans.models import Block, Enterprise
from plans.services.blocks import blocks_ensure_many, blocks_withdraw_many
from plans.services.filing_summaries import filing_summaries_write
from subjects.models import Agency

from ..models import JobRun
from ..periods import iso_weeks_of_month, parse_month
from . import audit_rules

log = logging.getLogger(__name__)

AUDIT_KIND = "frequency_audit"
STALE_AFTER = timedelta(minutes=30)


def audit_source(month: str) -> str:
    return f"audit:{month}"


def jobrun_claim(*, kind: str, period: str, by=None) -> JobRun | None:
    """Claim the run row for (kind, period), or None if another worker holds a live claim."""
    now = timezone.now()
    by = by if getattr(by, "pk", None) else None
    try:
        with transaction.atomic():
            return JobRun.objects.create(kind=kind, period=period, status=JobRun.Status.RUNNING, started_at=now,
                                         triggered_by=by)
    except IntegrityError:
        pass
    claimed = (JobRun.objects.filter(kind=kind, period=period)
               .filter(~Q(status=JobRun.Status.RUNNING) | Q(started_at__lt=now - STALE_AFTER))
               .update(status=JobRun.Status.RUNNING, started_at=now, finished_at=None, error="",
                       attempts=F("attempts") + 1, triggered_by=by, counts={}))
    return JobRun.objects.get(kind=kind, period=period) if claimed else None


def jobrun_progress(run: JobRun, *, stage: str, percent: int):
    run.counts = {**(run.counts or {}), "stage": stage, "progress": percent}
    JobRun.objects.filter(pk=run.pk).update(counts=run.counts)


def jobrun_fail(run: JobRun, exc: Exception):
    """Mark the run failed and report it to 司法局 (one Alert per failed attempt)."""
    # People read this (the run list, the alert): a rule's own message, else plain Chinese; the
    # exception itself is in the log (frequency_audit_run logs it with its traceback).
    message = (exc.message if isinstance(exc, ApplicationError) else
               f"系统内部错误（已记录日志，任务编号 {run.pk}），请稍后重新运行；如仍失败，请联系系统管理员。")[:2000]
    JobRun.objects.filter(pk=run.pk).update(status=JobRun.Status.FAILED, finished_at=timezone.now(), error=message)
    alert_raise(kind="job.failed", title=f"定时任务失败：{run.kind} {run.period}（第{run.attempts}次）",
                message=message, target=run, source=f"job:{run.kind}",
                dedupe_key=f"jobrun:{run.pk}:{run.attempts}")


def frequency_audit_queue(*, month: str, by) -> BackgroundJob:
    """Queue the frequency audit of `month` asked for by a reviewer (page or API) as a background job,
    so it runs even if the broker lost its message (the reaper re-sends it; jiujiang_inspect.jobs).
    Raises ServiceUnavailable (503, nothing queued) at once when the job queue is down."""
    return job_create(kind="supervision.services.audit.frequency_audit_job", by=by, params={"month": month})


def frequency_audit_job(*, job) -> dict:
    """Background job body of `frequency_audit_queue`."""
    run = frequency_audit_run(month=job.params["month"], by=job.created_by)
    return {"job_run": run.pk, "message": f"{run.period} 频次监测已完成。"}


def frequency_audit_run(*, month: str, by=None) -> JobRun:
    """Run (or re-run) the frequency audit of `month` ("YYYY-MM", Asia/Shanghai calendar).

    Returns the JobRun. A second delivery while a live run holds the claim returns that run unchanged.
    Exceptions mark the run failed (with an Alert) and propagate so Celery retries it.
    """
    start, end = parse_month(month)
    run = jobrun_claim(kind=AUDIT_KIND, period=month, by=by)
    if run is None:
        log.info("frequency audit %s already running elsewhere; skipped", month)
        return JobRun.objects.get(kind=AUDIT_KIND, period=month)
    try:
        findings = audit_rules.Findings()
        jobrun_progress(run, stage="caps", percent=10)
        audit_rules.cap_findings(start=start, end=end, findings=findings)
        jobrun_progress(run, stage="triggered", percent=35)
        audit_rules.triggered_findings(start=start, end=end, weeks=iso_weeks_of_month(start, end), findings=findings)
        jobrun_progress(run, stage="write", percent=55)
        written = findings_write(findings=findings, month=month, by=by)
        jobrun_progress(run, stage="summaries", percent=85)
        summaries = filing_summaries_write(month=month, source=audit_source(month), by=by)
        counts = {**findings.counts, **written, "summaries": summaries,
                  "agencies": audit_rules.agency_totals(start=start, end=end), "stage": "done", "progress": 100}
    except Exception as exc:
        log.exception("frequency audit %s failed", month)
        jobrun_fail(run, exc)
        raise
    JobRun.objects.filter(pk=run.pk).update(status=JobRun.Status.SUCCEEDED, finished_at=timezone.now(),
                                            counts=counts, error="")
    audit_record(actor=by, action="frequency_audit.run", target=run, changes={
        k: v for k, v in counts.items() if isinstance(v, int)})
    run.refresh_from_db()
    return run


def findings_write(*, findings, month: str, by=None) -> dict:
    """Write the findings, then withdraw what earlier runs of this month found and this one did not.

    Set-based (issue 13): a fixed number of queries whatever the number of findings (one per batch of
    500–1,000 rows for the inserts): the enterprises and agencies named, this month's audit alerts
    read once, the new alerts in one INSERT, changed open alerts in one UPDATE, the blocks through
    `blocks_ensure_many` (one read, one INSERT … RETURNING, their audit entries and alerts), the stale
    alerts in one DELETE and the stale blocks through `blocks_withdraw_many`."""
    source = audit_source(month)
    ent_ids = {f["enterprise_id"] for f in findings.alerts + findings.blocks}
    enterprises = Enterprise.objects.only("id", "name", "uscc").in_bulk(ent_ids)
    agencies = Agency.objects.in_bulk({f["agency_id"] for f in findings.alerts + findings.blocks if f["agency_id"]})
    known = {a["dedupe_key"]: a for a in Alert.objects.filter(source=source).values(
        "pk", "dedupe_key", "kind", "status", "title", "message")}
    keys, new, changed = [], [], []
    now = timezone.now()
    for f in findings.alerts:
        ent = enterprises[f["enterprise_id"]]
        key = f"{source}:{f['key']}"
        keys.append(key)
        title = f"{ent.name}：{f['title']}"[:200]
        had = known.get(key)
        if had is None:
            new.append(dict(kind=f["kind"], title=title, message=f["message"], agency=agencies.get(f["agency_id"]),
                            enterprise_uscc=ent.uscc, source=source, dedupe_key=key))
        elif had["status"] == Alert.Status.OPEN and (had["title"], had["message"]) != (title, f["message"]):
            # Same finding, new figures (data corrected since the last run): the open alert tells the truth.
            changed.append(Alert(pk=had["pk"], title=title, message=f["message"], updated_at=now))
    alerts_raise_many(new)
    Alert.objects.bulk_update(changed, ["title", "message", "updated_at"], batch_size=500)
    block_ids = blocks_ensure_many(findings=findings.blocks, source=source, enterprises=enterprises,
                                   agencies=agencies, by=by)
    # Withdraw stale findings of an earlier run of this month. Alerts a reviewer already handled stay.
    current = set(keys)
    stale_alerts = [a["pk"] for a in known.values() if a["kind"].startswith("audit.")
                    and a["status"] == Alert.Status.OPEN and a["dedupe_key"] not in current]
    withdrawn_alerts = 0
    for i in range(0, len(stale_alerts), 500):
        withdrawn_alerts += Alert.objects.filter(pk__in=stale_alerts[i:i + 500]).delete()[0]
    kept = set(block_ids)
    stale_blocks = [pk for pk in Block.objects.filter(source=source, status=Block.Status.ACTIVE)
                    .values_list("pk", flat=True) if pk not in kept]
    withdrawn_blocks = blocks_withdraw_many(block_ids=stale_blocks, by=by)
    return {"alerts": len(keys), "blocks": len(block_ids), "withdrawn_alerts": withdrawn_alerts,
            "withdrawn_blocks": withdrawn_blocks}
