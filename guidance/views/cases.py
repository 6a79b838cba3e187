"""案例指导 pages: the searchable library, the cases relevant to my agency, a case, and editing."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.excel import workbook_response
from jiujiang_inspect.exceptions import ApplicationError

from .. import selectors, services
from ..filters import TypicalCaseFilterSet
from ..forms import TypicalCaseForm
from ..models import TypicalCase
from .common import apply_errors, reviewer_required, staff_required


@staff_required
def case_list(request):
    relevant = request.GET.get("relevant") == "1"
    base = (selectors.typical_cases_relevant_for_user(user=request.user) if relevant
            else selectors.typical_case_list_for_user(user=request.user)).order_by("-occurred_on", "-id")
    f = TypicalCaseFilterSet(request.GET, queryset=base)
    if request.GET.get("export") == "xlsx":
        rows = ([c.title, c.get_kind_display(), c.get_category_display(), c.agency.name if c.agency else "",
                 c.occurred_on, c.get_status_display(),
                 timezone.localtime(c.published_at).strftime("%Y-%m-%d %H:%M") if c.published_at else "", c.lesson]
                for c in f.qs.iterator(chunk_size=500))
        return workbook_response(f"典型案例_{timezone.localdate():%Y%m%d}.xlsx", [(
            "典型案例", ["案例标题", "类型", "类别", "涉及单位", "发生时间", "状态", "发布时间", "指导意义"], rows)])
    page = Paginator(f.qs, 20).get_page(request.GET.get("page"))
    return render(request, "guidance/case_list.html", {
        "filter": f, "page": page, "relevant": relevant, "is_reviewer": roles.is_reviewer(request.user)})


@staff_required
def case_detail(request, pk):
    case = get_object_or_404(selectors.typical_case_list_for_user(user=request.user), pk=pk)
    if request.method == "POST" and roles.is_reviewer(request.user):
        try:
            if request.POST.get("action") == "publish":
                services.typical_case_publish(case=case, by=request.user)
            elif request.POST.get("action") == "withdraw":
                services.typical_case_withdraw(case=case, by=request.user, reason=request.POST.get("reason", ""))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("guidance:case_detail", pk=case.pk)
    return render(request, "guidance/case_detail.html", {
        "case": case, "matters": case.matters.select_related("agency"), "negative_items": case.negative_items.all(),
        "is_reviewer": roles.is_reviewer(request.user),
        "history": audit_history(case)[:30] if roles.is_reviewer(request.user) else None})


@reviewer_required
def case_edit(request, pk=None):
    case = get_object_or_404(TypicalCase, pk=pk) if pk else None
    form = TypicalCaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in TypicalCaseForm.Meta.fields}
        try:
            case = services.typical_case_save(by=request.user, case=TypicalCase.objects.get(pk=pk) if pk else None,
                                              matters=list(data.pop("matters")),
                                              negative_items=list(data.pop("negative_items")), **data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "案例已保存。")
            return redirect("guidance:case_detail", pk=case.pk)
    return render(request, "guidance/form.html", {"form": form, "title": "编辑典型案例" if case else "新增典型案例"})
