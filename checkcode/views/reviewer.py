"""区司法局 reviewer pages of the 检查码 side: individual 企业评议, and the 行政检查文书 kinds (title and
number word, docs/documents.md "Numbers"). Evaluations are anonymous to the
inspecting agency (举措 13): only reviewers see who said what, so this page is reviewer-only and an
agency user gets 403 (agencies see aggregates over ≥5 evaluations elsewhere)."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from jiujiang_inspect.excel import workbook_response
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.web import apply_errors, reviewer_required
from plans.models import Participation

from .. import selectors, services
from ..filters import EvaluationFilterSet
from ..forms import DocumentKindForm
from ..models import DocumentKind


@reviewer_required
def evaluation_list(request):
    parts = Participation.objects.select_related("agency").order_by("-is_lead", "id")
    base = (selectors.evaluation_list_for_user(user=request.user)
            .select_related("check_code__inspection__initiating_agency")
            .prefetch_related(Prefetch("check_code__inspection__participations", queryset=parts))
            .order_by("-created_at", "-id"))
    f = EvaluationFilterSet(request.GET, queryset=base)
    if request.GET.get("export") == "xlsx":
        rows = [[e.pk, timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"), e.check_code.code,
                 e.check_code.inspection.enterprise.name, e.check_code.inspection.enterprise.uscc,
                 "、".join(p.agency.name for p in e.check_code.inspection.participations.all()), e.rating,
                 "是" if e.code_shown else "否", "是" if e.notified_in_advance else "否",
                 "、".join(n.title for n in e.negative_items.all()), e.comment] for e in f.qs]
        return workbook_response(f"企业评议_{timezone.localdate():%Y%m%d}.xlsx", [(
            "企业评议", ["编号", "评议时间", "检查码", "企业", "统一社会信用代码", "检查单位", "评分", "出示检查码",
                     "事先告知", "负面清单行为", "意见建议"], rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "checkcode/evaluation_list.html", {"filter": f, "page": page})


@reviewer_required
def document_kinds(request):
    """文书种类与文号: each kind's title, its number word (鸠市监**检通**〔2026〕15号) and whether the
    enterprise sees it. One form per kind; saving calls document_kind_update (audited)."""
    kinds = list(DocumentKind.objects.order_by("id"))
    forms = {k.pk: DocumentKindForm(instance=k, prefix=f"k{k.pk}") for k in kinds}
    if request.method == "POST":
        kind = get_object_or_404(DocumentKind, pk=request.POST.get("kind"))
        form = DocumentKindForm(request.POST, instance=DocumentKind.objects.get(pk=kind.pk), prefix=f"k{kind.pk}")
        forms[kind.pk] = form
        if form.is_valid():
            try:
                services.document_kind_update(kind=kind, by=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已保存：{kind.title}。")
                return redirect("checkcode:document_kinds")
    return render(request, "checkcode/document_kinds.html", {"rows": [(k, forms[k.pk]) for k in kinds]})
