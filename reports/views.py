"""Report pages: the list with the request form, the printable report, Excel and Word exports."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.web import apply_errors, reviewer_required

from . import selectors, services
from .exports import key_rows, report_workbook
from .forms import ReportRequestForm
from .models import Report


@reviewer_required
def report_list(request):
    today = timezone.localdate()
    form = ReportRequestForm(request.POST or None, initial={"period_start": today.replace(month=1, day=1),
                                                            "period_end": today})
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_request(by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("reports:report_detail", pk=report.pk)
    page = Paginator(selectors.report_list_for_user(user=request.user).order_by("-requested_at", "-id"), 30).get_page(
        request.GET.get("page"))
    return render(request, "reports/report_list.html", {"page": page, "form": form})


def _context(report):
    f = report.figures
    return {"report": report, "f": f, "key_rows": list(key_rows(f)) if f else [],
            "sources": [(f["labels"]["sources"].get(k, k), v) for k, v in f["key"]["triggered_by_source"].items()]
            if f else [],
            "case_rows": [(f["labels"]["case_status"].get(k, k), v)
                          for k, v in f["supervision_cases"]["by_status"].items()] if f else [],
            "measure_rows": [(f["labels"]["measures"].get(k, k), v)
                             for k, v in f["supervision_cases"]["measures_by_kind"].items()] if f else []}


@reviewer_required
def report_detail(request, pk):
    report = get_object_or_404(selectors.report_list_for_user(user=request.user), pk=pk)
    if request.GET.get("poll"):
        # htmx polls while the job runs; a finished report makes the page reload itself.
        response = HttpResponse(status=204)
        if report.status in (Report.Status.DONE, Report.Status.FAILED):
            response = HttpResponse(status=200)
            response["HX-Refresh"] = "true"
        return response
    if request.method == "POST" and request.POST.get("action") == "regenerate":
        try:
            new = services.report_regenerate(report=report, by=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("reports:report_detail", pk=report.pk)
        messages.success(request, f"已开始生成第 {new.version} 版，原版本保留不变。")
        return redirect("reports:report_detail", pk=new.pk)
    if report.status == Report.Status.DONE and request.GET.get("export") == "xlsx":
        return report_workbook(report)
    if report.status == Report.Status.DONE and request.GET.get("export") == "doc":
        # Word opens HTML saved as .doc; the same snapshot, no second template language.
        html = render_to_string("reports/report_word.html", _context(report), request=request)
        response = HttpResponse(html, content_type="application/msword; charset=utf-8")
        from urllib.parse import quote

        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(report.title)}_v{report.version}.doc"
        return response
    versions = Report.objects.filter(period_start=report.period_start, period_end=report.period_end).order_by("version")
    return render(request, "reports/report_detail.html", _context(report) | {
        "versions": versions, "history": audit_history(report)[:20]})
