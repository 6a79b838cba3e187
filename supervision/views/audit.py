"""频次监测 pages: job runs (status, start, end, counts, errors), run the audit for any month with a
progress view, and the 按月汇总 of triggered filings (agency admins confirm their own)."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiujiang_inspect import roles
from jiujiang_inspect.excel import workbook_response
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.web import manager_required, reviewer_required
from plans.services.filing_summaries import filing_summary_confirm

from ..filters import FilingSummaryFilterSet, JobRunFilterSet
from ..forms import MonthForm
from ..models import JobRun
from ..periods import previous_month
from ..selectors import lists
from ..services.audit import AUDIT_KIND, frequency_audit_queue


@reviewer_required
def jobrun_list(request):
    form = MonthForm(request.POST or None, initial={"month": previous_month()})
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"]
        # A background job (runs even if the broker loses its message); with no broker it runs here.
        frequency_audit_queue(month=month, by=request.user)
        messages.info(request, f"已提交 {month} 频次监测任务。")
        return redirect(f"{request.path}?kind={AUDIT_KIND}&period={month}")
    f = JobRunFilterSet(request.GET, queryset=lists.jobrun_list().order_by("-started_at", "-id"))
    if request.GET.get("export") == "xlsx":
        kinds = dict(JobRunFilterSet.KINDS)
        rows = ([kinds.get(r.kind, r.kind), r.period, r.get_status_display(), _local(r.started_at),
                 _local(r.finished_at), r.attempts, (r.counts or {}).get("alerts", ""),
                 (r.counts or {}).get("blocks", ""), r.error, str(r.triggered_by or "")]
                for r in f.qs.iterator(chunk_size=500))
        return workbook_response(f"频次监测任务_{timezone.localdate():%Y%m%d}.xlsx", [(
            "频次监测任务", ["任务", "期间", "状态", "开始", "结束", "次数", "预警", "阻断", "错误", "发起人"], rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/jobrun_list.html", {"form": form, "filter": f, "page": page})


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


@reviewer_required
def jobrun_detail(request, pk):
    run = get_object_or_404(lists.jobrun_list(), pk=pk)
    template = "supervision/jobrun_fragment.html" if request.headers.get("HX-Request") else "supervision/jobrun_detail.html"
    agencies = sorted((run.counts or {}).get("agencies", {}).items())
    return render(request, template, {"run": run, "agencies": agencies, "running": run.status == JobRun.Status.RUNNING})


@manager_required
def filing_summary_list(request):
    base = lists.filing_summary_list_for_user(user=request.user).order_by("-month", "agency__code", "id")
    f = FilingSummaryFilterSet(request.GET, queryset=base)
    if request.GET.get("export") == "xlsx":
        sources = {"complaint": "投诉举报", "referral": "交办转办", "data_monitoring": "数据监测",
                   "enterprise_request": "企业申请"}
        rows = ([s.month, s.agency.name, s.agency.code,
                 "；".join(f"{sources.get(k, k)} {v}" for k, v in (s.counts_by_source or {}).items()),
                 s.total, s.warnings, s.blocks, "已确认" if s.confirmed_at else "待单位确认",
                 str(s.confirmed_by or ""), _local(s.confirmed_at)] for s in f.qs.iterator(chunk_size=500))
        return workbook_response(f"触发式检查月度汇总_{timezone.localdate():%Y%m%d}.xlsx", [(
            "月度汇总", ["月份", "单位", "单位代码", "按来源", "合计", "预警", "阻断", "确认", "确认人", "确认时间"],
            rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/filing_summary_list.html", {
        "filter": f, "page": page, "can_confirm": roles.is_agency_admin(request.user)})


@manager_required
@require_POST
def filing_summary_confirm_view(request, pk):
    summary = get_object_or_404(lists.filing_summary_list_for_user(user=request.user), pk=pk)
    if not roles.is_agency_admin(request.user):
        raise PermissionDenied
    try:
        filing_summary_confirm(summary=summary, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已确认 {summary.month} 月度汇总。")
    return redirect("supervision:filing_summary_list")
