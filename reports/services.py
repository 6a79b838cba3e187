"""Summary reports (举措 19, 21): requested by a reviewer, generated in the background, kept as a
snapshot. Regenerating a period makes a new version; old versions are never rewritten."""
import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from guidance.models import TypicalCase
from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import ApplicationError, InvalidState, ValidationFailed
from jiujiang_inspect.jobs import job_create, job_progress

from . import figures as f
from .models import Report

log = logging.getLogger(__name__)

JOB_KIND = "reports.services.report_generate_job"
MAX_PERIOD_DAYS = 3 * 366


def _validate_period(start, end):
    if not start or not end:
        raise ValidationFailed(_("请填写统计期间。"), detail={"period_start": [_("请填写统计期间。")]})
    if end < start:
        raise ValidationFailed(_("统计期间止不能早于起。"), detail={"period_end": [_("统计期间止不能早于起。")]})
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ValidationFailed(_("统计期间不能超过三年。"), detail={"period_end": [_("统计期间不能超过三年。")]})


@transaction.atomic
@transaction.atomic
def report_request(*, by, period_start: date, period_end: date, title: str = "", typical_cases=(),
                   note: str = "") -> Report:
    """Queue the generation of a report for a period (a new version if the period had one).

    One transaction: when the job queue is down, job_create raises ServiceUnavailable (503 with
    Retry-After) and no report row is left behind waiting for a job that was never made."""
    roles.require(by, roles.REVIEWER, message=_("仅区司法局审核员可以生成总结报告。"))
    _validate_period(period_start, period_end)
    title = (title or "").strip() or _("鸠江区“综合查一次”改革试点工作总结报告（%(s)s至%(e)s）") % {
        "s": f"{period_start:%Y年%-m月%-d日}", "e": f"{period_end:%Y年%-m月%-d日}"}
    if len(title) > 200:
        raise ValidationFailed(_("报告名称不能超过200个字符。"), detail={"title": [_("报告名称不能超过200个字符。")]})
    cases = list(typical_cases)
    if any(c.status != TypicalCase.Status.PUBLISHED for c in cases):
        raise ValidationFailed(_("只能选用已发布的典型案例。"), detail={"typical_cases": [_("只能选用已发布的典型案例。")]})
    last = Report.objects.filter(period_start=period_start, period_end=period_end).aggregate(v=Max("version"))["v"]
    try:
        with transaction.atomic():
            report = Report.objects.create(title=title, period_start=period_start, period_end=period_end,
                                           version=(last or 0) + 1, note=note or "", requested_by=by)
    except IntegrityError:  # two reviewers asked at the same moment: the other one got this version
        raise InvalidState(_("该期间的报告正在生成，请稍后刷新。"))
    report.typical_cases.set(cases)
    report.job = job_create(kind=JOB_KIND, by=by, params={"report_id": report.pk})
    report.save(update_fields=["job"])
    audit_record(actor=by, action="report.requested", target=report,
                 changes={"period": [str(period_start), str(period_end)], "version": report.version,
                          "typical_cases": [c.pk for c in cases]})
    return report


def report_regenerate(*, report: Report, by) -> Report:
    """A new version for the same period, with the same chosen cases and note; the old one stays."""
    return report_request(by=by, period_start=report.period_start, period_end=report.period_end, title=report.title,
                          typical_cases=report.typical_cases.all(), note=report.note)


def report_compute(*, start: date, end: date, case_ids, progress=lambda step: None) -> dict:
    """Every figure of the report, as plain JSON (the snapshot)."""
    prev_start, prev_end = f.previous_period(start, end)
    current = f.key_figures(start, end)
    progress(1)
    previous = f.key_figures(prev_start, prev_end)
    progress(2)
    agencies = f.per_agency(start, end)
    progress(3)
    cases = f.supervision_cases(start, end)
    progress(4)
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "previous_period": {"start": prev_start.isoformat(), "end": prev_end.isoformat()},
        "key": current, "previous": previous, "comparison": f.comparison(current, previous),
        "agencies": agencies, "supervision_cases": cases,
        "typical_cases": f.typical_cases_snapshot(case_ids), "labels": f.labels(),
        "generated_at": timezone.localtime().isoformat(),
    }


def report_generate_job(*, job):
    """Background job (jiujiang_inspect.jobs): compute and store the snapshot once. A redelivered job
    finds the report done and leaves it as it is."""
    report = Report.objects.get(pk=job.params["report_id"])
    if report.status == Report.Status.DONE:
        return {"report_id": report.pk, "message": _("报告已生成。")}
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING)
    total = 5
    job_progress(job, done=0, total=total)
    try:
        data = report_compute(start=report.period_start, end=report.period_end,
                              case_ids=list(report.typical_cases.values_list("pk", flat=True)),
                              progress=lambda step: job_progress(job, done=step, total=total))
    except Exception as exc:
        log.exception("report %s failed", report.pk)
        Report.objects.filter(pk=report.pk).update(  # people read this: Chinese, never an exception name
            status=Report.Status.FAILED, error=exc.message if isinstance(exc, ApplicationError) else
            "系统内部错误，已记录日志，请点击“重新生成”；如仍失败，请联系系统管理员")
        raise
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(status=Report.Status.DONE, figures=data,
                                                   generated_at=timezone.now(), error="")
        audit_record(actor=job.created_by, action="report.generated", target=report,
                     changes={"inspections": data["key"]["inspections"],
                              "avoided_total": data["key"]["avoided_total"]})
    job_progress(job, done=total, total=total)
    return {"report_id": report.pk, "message": _("报告已生成。")}
