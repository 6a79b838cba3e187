"""区司法局 reviewer pages of the 检查码 side: individual 企业评议. Evaluations are anonymous to the
inspecting agency (举措 13): only reviewers see who said what, so this page is reviewer-only and an
agency user gets 403 (agencies see aggregates over ≥5 evaluations elsewhere)."""
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone

from jiujiang_inspect.excel import workbook_response
from jiujiang_inspect.web import reviewer_required
from plans.models import Participation

from .. import selectors
from ..filters import EvaluationFilterSet


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
