"""监督案件 and 12345工单 pages: lists, case detail with measures and history, triage, Excel upload."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.excel import template_response, workbook_response
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.jobs import job_create
from jiujiang_inspect.web import job_redirect, reviewer_required

from ..filters import HotlineTicketFilterSet, SupervisionCaseFilterSet
from ..forms import (
    CaseForm,
    CloseCaseForm,
    MeasureForm,
    ReasonForm,
    TriageCaseForm,
    TypicalCasesForm,
    UploadForm,
)
from ..models import HotlineTicket, SupervisionCase
from ..selectors import lists
from ..services import cases as case_services
from ..services import hotline
from ..services.hotline import hotline_ticket_close, hotline_ticket_open_case
from .common import apply_errors


@reviewer_required
def case_list(request):
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = "open"
    f = SupervisionCaseFilterSet(params, queryset=lists.case_list().order_by("deadline", "-id"))
    if request.GET.get("export") == "xlsx":
        rows = ([c.pk, c.title, c.agency.name, c.get_source_display(), c.problem, c.deadline, c.get_status_display(),
                 c.outcome, timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M")]
                for c in f.qs.iterator(chunk_size=500))
        return workbook_response(f"监督案件_{timezone.localdate():%Y%m%d}.xlsx", [(
            "监督案件", ["编号", "案件名称", "被监督单位", "来源", "问题描述", "办理期限", "状态", "办理结果", "立案时间"],
            rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/case_list.html", {"filter": f, "page": page,
                                                           "today": timezone.localdate()})


@reviewer_required
def case_create(request):
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_services.case_create(by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已立案。")
            return redirect("supervision:case_detail", pk=case.pk)
    return render(request, "supervision/form.html", {"form": form, "title": "新建监督案件"})


@reviewer_required
def case_detail(request, pk):
    case = get_object_or_404(lists.case_list().prefetch_related(
        "measures__reports__submitted_by", "measures__reports__files", "inspections__enterprise", "typical_cases"), pk=pk)
    measure_form = MeasureForm(initial={"date": timezone.localdate()})
    close_form = CloseCaseForm()
    typical_form = TypicalCasesForm(initial={"typical_cases": case.typical_cases.all()})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "typical_cases":
                typical_form = TypicalCasesForm(request.POST)
                if typical_form.is_valid():
                    case_services.case_typical_cases_set(case=case, by=request.user, **typical_form.cleaned_data)
                    messages.success(request, "已更新相关典型案例。")
                    return redirect("supervision:case_detail", pk=case.pk)
            elif action == "close":
                close_form = CloseCaseForm(request.POST)
                if close_form.is_valid():
                    case_services.case_close(case=case, by=request.user, outcome=close_form.cleaned_data["outcome"])
                    messages.success(request, "案件已办结。")
                    return redirect("supervision:case_detail", pk=case.pk)
            else:
                measure_form = MeasureForm(request.POST)
                if measure_form.is_valid():
                    case_services.case_measure_add(case=case, by=request.user, **measure_form.cleaned_data)
                    messages.success(request, "已记录监督措施。")
                    return redirect("supervision:case_detail", pk=case.pk)
        except ApplicationError as exc:
            apply_errors({"close": close_form, "typical_cases": typical_form}.get(action, measure_form), exc)
    return render(request, "supervision/case_detail.html", {
        "case": case, "measure_form": measure_form, "close_form": close_form, "typical_form": typical_form,
        "history": audit_history(case)[:50], "open": case.status == SupervisionCase.Status.OPEN})


@reviewer_required
def hotline_list(request):
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = "new"
    f = HotlineTicketFilterSet(params, queryset=lists.hotline_ticket_list().order_by("-received_at", "-id"))
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/hotline_list.html", {"filter": f, "page": page})


@reviewer_required
def hotline_detail(request, pk):
    ticket = get_object_or_404(lists.hotline_ticket_list(), pk=pk)
    case_form = TriageCaseForm(initial={"agency": ticket.agency})
    close_form = ReasonForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                close_form = ReasonForm(request.POST)
                if close_form.is_valid():
                    hotline_ticket_close(ticket=ticket, by=request.user, reason=close_form.cleaned_data["reason"])
                    messages.success(request, "工单已办结。")
                    return redirect("supervision:hotline_list")
            else:
                case_form = TriageCaseForm(request.POST)
                if case_form.is_valid():
                    case = hotline_ticket_open_case(ticket=ticket, by=request.user, **case_form.cleaned_data)
                    messages.success(request, "已转为监督案件。")
                    return redirect("supervision:case_detail", pk=case.pk)
        except ApplicationError as exc:
            apply_errors(close_form if request.POST.get("action") == "close" else case_form, exc)
    return render(request, "supervision/hotline_detail.html", {
        "ticket": ticket, "case_form": case_form, "close_form": close_form,
        "new": ticket.status == HotlineTicket.Status.NEW, "cases": ticket.cases.all(),
        "history": audit_history(ticket)[:50]})


@reviewer_required
def hotline_import(request):
    if request.GET.get("template"):
        return template_response("12345工单导入模板.xlsx", [("工单", hotline.SPEC, hotline.TEMPLATE_EXAMPLE)])
    form = UploadForm(request.POST or None, request.FILES or None)
    job = None
    if request.method == "POST" and form.is_valid():
        job = job_create(kind="supervision.services.hotline.hotline_tickets_import", by=request.user,
                         upload=form.cleaned_data["file"])
        return job_redirect(request, job)
    return render(request, "supervision/hotline_import.html", {"form": form})
