"""频次监测 pages: job runs (status, start, end, counts, errors), run the audit for any month with a
progress view, and the 按月汇总 of triggered filings (agency admins confirm their own)."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jiujiang_inspect import roles
from jiujiang_inspect.exceptions import ApplicationError

from ..forms import MonthForm
from ..models import JobRun
from ..periods import previous_month
from ..selectors import lists
from ..services.audit import AUDIT_KIND
from ..services.summaries import filing_summary_confirm
from ..tasks import frequency_audit_run_task
from .common import manager_required, reviewer_required


@reviewer_required
def jobrun_list(request):
    form = MonthForm(request.POST or None, initial={"month": previous_month()})
    if request.method == "POST" and form.is_valid():
        month, user_id = form.cleaned_data["month"], request.user.pk
        # Queued after commit; with no broker (make run) it runs eagerly right here.
        transaction.on_commit(lambda: _queue(month, user_id))
        messages.info(request, f"已提交 {month} 频次监测任务。")
        return redirect(f"{request.path}?kind={AUDIT_KIND}&period={month}")
    qs = lists.jobrun_list()
    if request.GET.get("kind"):
        qs = qs.filter(kind=request.GET["kind"])
    if request.GET.get("period"):
        qs = qs.filter(period=request.GET["period"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/jobrun_list.html", {"form": form, "page": page})


def _queue(month, user_id):
    try:
        frequency_audit_run_task.delay(month, user_id)
    except Exception:  # eager mode re-raises; the failure is already on the JobRun and in an Alert
        pass


@reviewer_required
def jobrun_detail(request, pk):
    run = get_object_or_404(lists.jobrun_list(), pk=pk)
    template = "supervision/jobrun_fragment.html" if request.headers.get("HX-Request") else "supervision/jobrun_detail.html"
    agencies = sorted((run.counts or {}).get("agencies", {}).items())
    return render(request, template, {"run": run, "agencies": agencies, "running": run.status == JobRun.Status.RUNNING})


@manager_required
def filing_summary_list(request):
    qs = lists.filing_summary_list_for_user(user=request.user).order_by("-month", "agency__code")
    month = request.GET.get("month", "")
    if month:
        qs = qs.filter(month=month)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/filing_summary_list.html", {
        "page": page, "month": month, "can_confirm": roles.is_agency_admin(request.user)})


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
