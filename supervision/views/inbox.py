"""The agency's 收件箱 (issue 15): warnings, blocks, refusals and supervision cases about its own agency,
and its answer to a 责令改正 (整改报告 with attachments, issue 14). Agency admins see their own agency only."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from jiujiang_inspect import roles
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.uploads import stored_file_response
from jiujiang_inspect.web import role_required

from ..forms import CorrectionReportForm
from ..models import CaseMeasure, CorrectionReportFile, SupervisionCase
from ..selectors.inbox import agency_cases, agency_inbox, measures_awaiting_report
from ..services.cases import case_correction_report
from .common import alert_links, apply_errors

agency_admin_required = role_required(roles.is_agency_admin)


@agency_admin_required
def inbox(request):
    box = agency_inbox(agency_id=request.user.agency_id)
    alert_links(box.alerts, for_agency=True)
    for case in box.cases:
        case.awaiting = measures_awaiting_report(case)
    return render(request, "supervision/inbox.html", {"box": box})


@agency_admin_required
def inbox_case(request, pk):
    case = get_object_or_404(agency_cases(agency_id=request.user.agency_id), pk=pk)
    awaiting = measures_awaiting_report(case)
    form = CorrectionReportForm()
    if request.method == "POST":
        form = CorrectionReportForm(request.POST, request.FILES)
        measure = get_object_or_404(CaseMeasure, pk=request.POST.get("measure"), case=case)
        if form.is_valid():
            try:
                case_correction_report(measure=measure, by=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "整改报告已提交区司法局。")
                return redirect("supervision:inbox_case", pk=case.pk)
    return render(request, "supervision/inbox_case.html", {
        "case": case, "awaiting": awaiting, "form": form,
        "answerable": case.status == SupervisionCase.Status.OPEN and any(
            m.kind == CaseMeasure.Kind.CORRECTION for m in case.measures.all())})


def user_may_see_case(user, case) -> bool:
    """Reviewers see every case; the supervised agency's admins see theirs."""
    return roles.is_reviewer(user) or (roles.is_agency_admin(user) and user.agency_id == case.agency_id)


@role_required(lambda u: roles.is_reviewer(u) or roles.is_agency_admin(u))
def correction_report_file(request, pk):
    """One attachment of a 整改报告, served only to those who may see the case (never via /media/)."""
    stored = get_object_or_404(CorrectionReportFile.objects.select_related("report__measure__case"), pk=pk)
    if not user_may_see_case(request.user, stored.report.measure.case):
        raise PermissionDenied
    return stored_file_response(stored)
