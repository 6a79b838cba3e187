"""检查计划公示: the public page of published annual plans (no login, phone-friendly, Excel download).

Target enterprises are not listed publicly: the plan's scope, agencies and months are public, while
naming the drawn firms in advance would defeat the random, unannounced selection (双随机).
"""
from django.shortcuts import render
from django.utils import timezone

from jiujiang_inspect.excel import workbook_response

from ..models import AnnualPlan
from ..selectors.plans import public_plans as public_plans_selector

HEADERS = ["年度", "计划名称", "牵头单位", "参与单位", "行业", "联查事项清单", "计划月份", "检查对象（家）", "版本", "公布日期"]


def _months_label(months):
    return "、".join(f"{int(m[5:7])}月" for m in months)


def public_plans(request):
    years = sorted(set(AnnualPlan.objects.filter(status=AnnualPlan.Status.PUBLISHED).values_list("year", flat=True)),
                   reverse=True)
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else timezone.localdate().year
    plans = list(public_plans_selector(year=year))
    for p in plans:
        p.months_label = _months_label(p.months)
        p.members_label = "、".join(a.short_name or a.name for a in p.member_agencies.all())
    if request.GET.get("export") == "xlsx":
        rows = ([p.year, p.title, p.lead_agency.name, p.members_label, p.industry.name if p.industry else "",
                 str(p.joint_matter_list) if p.joint_matter_list else "", p.months_label, p.target_count,
                 f"第{p.version}版", timezone.localtime(p.published_at).date() if p.published_at else None]
                for p in plans)
        return workbook_response(f"鸠江区{year}年度涉企行政检查计划.xlsx", [(f"{year}年度检查计划", HEADERS, rows)])
    groups = {}
    for p in plans:
        groups.setdefault(p.lead_agency, []).append(p)
    return render(request, "plans/plan_public.html", {
        "year": year, "years": years or [year], "groups": list(groups.items()), "count": len(plans)})
