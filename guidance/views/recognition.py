"""结果互认 pages: recognisable results of a draft and the recognition itself; the list; the
equivalence table and the settings (reviewers)."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from jiujiang_inspect import roles
from jiujiang_inspect.excel import workbook_response
from jiujiang_inspect.exceptions import ApplicationError
from plans.models import Inspection

from .. import selectors, services
from ..filters import RecognitionFilterSet
from ..forms import EquivalenceForm, PolicyForm, RecognitionForm
from ..models import GuidancePolicy, MatterEquivalence
from .common import apply_errors, reviewer_required, staff_required


def _draft_for(request, pk) -> Inspection:
    qs = Inspection.objects.select_related("enterprise", "initiating_agency")
    if not roles.is_reviewer(request.user):
        qs = qs.filter(initiating_agency_id=request.user.agency_id or -1)
    return get_object_or_404(qs, pk=pk)


@staff_required
def recognition_candidates(request, inspection_pk):
    """Shown while drafting: other agencies' recent results on the same or equivalent matters."""
    inspection = _draft_for(request, inspection_pk)
    form = RecognitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from checkcode.models import InspectionResult

        result = get_object_or_404(InspectionResult, pk=form.cleaned_data["result"])
        try:
            services.recognition_create(inspection=inspection, result=result, by=request.user,
                                        reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            apply_errors(form, exc)
            messages.error(request, exc.message)
        else:
            messages.success(request, "已办理结果互认：本次检查已取消，不赋码、不入企。")
            return redirect("guidance:recognition_list")
    candidates = selectors.recognisable_results(inspection=inspection)
    return render(request, "guidance/recognition_candidates.html", {
        "inspection": inspection, "candidates": candidates, "form": form,
        "policy": GuidancePolicy.current(),
        "can_recognise": inspection.status == Inspection.Status.DRAFT and not roles.is_reviewer(request.user)})


@staff_required
def recognition_list(request):
    base = selectors.recognition_list_for_user(user=request.user).order_by("-created_at", "-id")
    f = RecognitionFilterSet(request.GET, queryset=base)
    if request.GET.get("export") == "xlsx":
        rows = ([timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"), r.agency.name, r.enterprise.name,
                 r.result.get_outcome_display(), r.result.inspection.date, str(r.recognised_by), r.reason]
                for r in f.qs.iterator(chunk_size=500))
        return workbook_response(f"结果互认_{timezone.localdate():%Y%m%d}.xlsx", [(
            "结果互认", ["互认时间", "互认单位", "企业", "互认结果", "原检查日期", "办理人", "互认理由"], rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "guidance/recognition_list.html", {"filter": f, "page": page})


@reviewer_required
def equivalence_list(request):
    form = EquivalenceForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "deactivate":
            eq = get_object_or_404(MatterEquivalence, pk=request.POST.get("pk"))
            try:
                services.equivalence_deactivate(equivalence=eq, by=request.user, reason=request.POST.get("reason", ""))
            except ApplicationError as exc:
                messages.error(request, exc.message)
            return redirect("guidance:equivalence_list")
        if form.is_valid():
            try:
                services.equivalence_create(by=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已登记等效事项。")
                return redirect("guidance:equivalence_list")
    page = Paginator(selectors.equivalence_list(), 50).get_page(request.GET.get("page"))
    return render(request, "guidance/equivalence_list.html", {"page": page, "form": form})


@reviewer_required
def policy_edit(request):
    policy = GuidancePolicy.current()
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            services.policy_update(by=request.user, reason=reason, **data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "设置已保存。")
            return redirect("guidance:home")
    return render(request, "guidance/form.html", {"form": form, "title": "培训与互认设置"})
