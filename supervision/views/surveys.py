"""满意度测评 pages: reviewers create, open and close campaigns and read results per agency; enterprises
answer through a public link, proving who they are with their 统一社会信用代码."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from checkcode.enterprise_access import recognised_enterprise
from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.excel import workbook_response
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.web import reviewer_required
from subjects.validators import uscc_normalise

from ..exceptions import SurveyNotEligible
from ..filters import SurveyFilterSet
from ..forms import SurveyForm, SurveyProofForm
from ..models import Survey
from ..selectors.surveys import survey_results
from ..services import surveys as survey_services
from .common import apply_errors


@reviewer_required
def survey_list(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            survey = survey_services.survey_create(
                by=request.user, title=d["title"], period_start=d["period_start"], period_end=d["period_end"],
                questions=[{"text": line} for line in d["questions"].splitlines()])
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("supervision:survey_detail", pk=survey.pk)
    f = SurveyFilterSet(request.GET, queryset=Survey.objects.select_related("created_by").order_by("-period_start", "-id"))
    if request.GET.get("export") == "xlsx":
        rows = ([s.title, s.period_start, s.period_end, s.get_status_display(), len(s.questions or []),
                 str(s.created_by or ""), timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M")]
                for s in f.qs.iterator(chunk_size=500))
        return workbook_response(f"满意度测评_{timezone.localdate():%Y%m%d}.xlsx", [(
            "满意度测评", ["测评名称", "期间起", "期间止", "状态", "题目数", "创建人", "创建时间"], rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/survey_list.html", {"form": form, "filter": f, "page": page})


@reviewer_required
def survey_detail(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    return render(request, "supervision/survey_detail.html", {
        "survey": survey, "results": survey_results(survey=survey),
        "public_url": request.build_absolute_uri(f"/supervision/s/{survey.pk}/"),
        "history": audit_history(survey)[:30]})


@reviewer_required
@require_POST
def survey_status(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    try:
        survey_services.survey_set_status(survey=survey, by=request.user, status=request.POST.get("status", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("supervision:survey_detail", pk=pk)


def survey_public(request, pk):
    """Public (no login). Step 1: the uscc. Step 2: one set of questions per agency that inspected
    the enterprise in the period; each answer is stored once."""
    survey = get_object_or_404(Survey, pk=pk, status__in=[Survey.Status.OPEN, Survey.Status.CLOSED])
    data = request.POST.copy() if request.method == "POST" else None
    firm = recognised_enterprise(request)
    if firm is not None:  # proved on this phone by SMS (我的检查): the USCC is not asked again
        data = data if data is not None else QueryDict(mutable=True)
        data["uscc"] = firm.uscc
    proof = SurveyProofForm(data)
    enterprise, agencies, done = None, [], False
    if data is not None and proof.is_valid():
        uscc = uscc_normalise(proof.cleaned_data["uscc"])
        try:
            enterprise = survey_services.survey_enterprise_by_uscc(uscc=uscc)
            agencies = list(survey_services.survey_agencies_for(survey=survey, enterprise=enterprise))
            agency_code = request.POST.get("agency")
            if agency_code:
                agency = next((a for a in agencies if a.code == agency_code), None)
                if agency is None:
                    raise SurveyNotEligible()
                answers = {q["key"]: request.POST.get(q["key"]) for q in survey.questions}
                survey_services.survey_answer(survey=survey, uscc=uscc, agency=agency, answers=answers,
                                              comment=request.POST.get("comment", ""))
                messages.success(request, f"感谢您对{agency.name}的评价！")
                done = True
        except ApplicationError as exc:
            apply_errors(proof, exc)
            enterprise = enterprise if exc.code != "uscc_mismatch" else None
    return render(request, "supervision/survey_public.html", {
        "survey": survey, "proof": proof, "enterprise": enterprise, "agencies": agencies, "done": done,
        "scale": range(5, 0, -1), "recognised": firm is not None})
