"""分析研判 dashboard (举措 20): reviewers see the district, agency admins their own agency. Every
figure comes from selectors.stats.overview (a fixed number of queries) and links to its list."""
import calendar
from urllib.parse import quote, urlencode

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from jiujiang_inspect import roles
from jiujiang_inspect.db_routing import replica_reads
from jiujiang_inspect.excel import workbook_response
from jiujiang_inspect.web import manager_required
from matters.models import Industry
from plans.models import Town
from plans.selectors.plans import plans_agencies_not_filed
from subjects.models import Agency

from ..selectors.stats import overview
from ..selectors.towns import per_town
from ..stats_params import stats_filter_from


def _url(name, *, query=""):
    """The list page behind a figure, with its filter (a wrong name fails loudly: NoReverseMatch)."""
    url = reverse(name)
    return f"{url}?{query}" if query else url


def _links(f, agency_code):
    y = f.year
    ag = f"&agency={agency_code}" if agency_code else ""
    return {
        "plans": _url("plans:plan_list", query=f"year={y}{ag}"),
        "plans_published": _url("plans:plan_list",
                                        query=f"year={y}&status=published{ag}"),
        "inspections": _url("plans:inspection_list",
                                    query=f"year={y}&happened=true{ag}"),
        "codes": _url("checkcode:code_list", query=f"year={y}"),
        "triggered": _url("plans:triggered_filing_list",
                                  query=f"year={y}{ag}"),
        "town": _url("supervision:dashboard", query=f"year={y}{ag}&town="),
        "summaries": _url("supervision:filing_summary_list"),
        "caps": _url("supervision:block_list", query=f"rule=yearly_cap&year={y}&status="),
        "blocks": _url("supervision:block_list", query="status=active"),
        "alerts": _url("supervision:alert_list", query="status=open"),
        "cases": _url("supervision:case_list", query="status=open"),
        "surveys": _url("supervision:survey_list"),
        "evaluations": _url("checkcode:evaluation_list"),
        "enterprises": _url("plans:enterprise_list"),
        "jobs": _url("supervision:jobrun_list"),
        "recognitions": _url("guidance:recognition_list"),
    }


def _inspections_url(f, agency_code, *, month=None):
    """The inspection list behind a figure: the inspections the dashboard counts in the year (or month),
    of the agency when one is chosen."""
    query = {"happened": "true", **({"agency": agency_code} if agency_code else {})}
    if month:
        last = calendar.monthrange(f.year, month)[1]
        query.update(date_from=f"{f.year}-{month:02d}-01", date_to=f"{f.year}-{month:02d}-{last:02d}")
    else:
        query["year"] = f.year
    return _url("plans:inspection_list", query=urlencode(query))


# Lists only 司法局 reviewers may open: an agency admin's figures stay plain numbers instead of links to a 403.
REVIEWER_ONLY_LINKS = ("caps", "blocks", "alerts", "cases", "surveys", "evaluations", "jobs")


def _links_for(f, agency_code, reviewer):
    links = _links(f, agency_code)
    if not reviewer:
        links.update(dict.fromkeys(REVIEWER_ONLY_LINKS, ""))
    return links


CHART_AGENCIES = 15  # the bar chart stays legible; the table below lists every agency
# Sortable columns of the per-agency table: query value → row key. Names sort by code (stable).
AGENCY_SORTS = {"agency": "agency__code", "total": "total", "onsite": "onsite", "joint": "joint",
                "triggered": "triggered", "recognitions": "recognitions", "problem_rate": "problem_rate",
                "rating": "rating"}


def sort_agencies(rows, sort: str):
    """Order the per-agency rows by `sort` (a key of AGENCY_SORTS, `-` for descending); empty values
    (no rate, no rating) always last, ties by agency code. Unknown keys keep the selector's order."""
    key = AGENCY_SORTS.get(sort.lstrip("-"))
    if key is None:
        return rows, ""
    desc = sort.startswith("-")
    present = sorted((r for r in rows if r[key] is not None), key=lambda r: r["agency__code"])
    present.sort(key=lambda r: r[key], reverse=desc)
    return present + [r for r in rows if r[key] is None], sort


@replica_reads
@manager_required
def dashboard(request):
    try:
        f = stats_filter_from(request.GET, user=request.user)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    o = overview(f=f)
    if request.GET.get("export") == "xlsx":
        return _export(o, f)
    reviewer = roles.is_reviewer(request.user)
    agency_code = request.GET.get("agency", "") if reviewer else (request.user.agency.code if request.user.agency else "")
    top = o["per_agency"][:CHART_AGENCIES]
    chart = {
        "months": [f"{m['month']}月" for m in o["per_month"]],
        "total": [m["total"] for m in o["per_month"]], "total_prev": [m["total_prev"] for m in o["per_month"]],
        "joint": [m["joint"] for m in o["per_month"]],
        "agencies": [r["agency__short_name"] or r["agency__name"] for r in top],
        "agency_total": [r["total"] for r in top], "agency_joint": [r["joint"] for r in top],
        "sources": [{"name": s["label"], "value": s["count"]} for s in o["triggered_by_source"]],
        "year": f.year,
        # Drill-down (issue 15): each bar or slice opens the list it counts.
        "month_links": [_inspections_url(f, agency_code, month=m["month"]) for m in o["per_month"]],
        "agency_links": [_inspections_url(f, r["agency__code"], month=f.month) for r in top],
        "source_links": [_url("plans:triggered_filing_list", query=urlencode(
            {"year": f.year, "source": s["source"], **({"agency": agency_code} if agency_code else {})}))
            for s in o["triggered_by_source"]],
    }
    this_year = timezone.localdate().year
    agency_rows, sort = sort_agencies(o["per_agency"], request.GET.get("sort", ""))
    # One reverse for the table's links, not one {% url %} per row (~20 % of the page's rendering).
    detail = reverse("subjects:agency_detail", args=["CODE"])
    agency_rows = [{**r, "detail_url": detail.replace("CODE", quote(r["agency__code"]))} for r in agency_rows]
    base = request.GET.copy()
    base.pop("sort", None)
    columns = []
    for k, label in (("agency", "单位"), ("total", "检查"), ("onsite", "现场"), ("joint", "联合"),
                     ("triggered", "触发式"), ("recognitions", "结果互认"), ("problem_rate", "问题发现率"),
                     ("rating", "评议平均分")):
        # Names sort A→Z first, figures largest first; a second click reverses.
        first, second = (k, f"-{k}") if k == "agency" else (f"-{k}", k)
        aria = "ascending" if sort == k else "descending" if sort == f"-{k}" else ""
        columns.append({"key": k, "label": label, "next": second if sort == first else first, "aria": aria})
    return render(request, "supervision/dashboard.html", {
        "o": o, "f": f, "chart": chart, "towns_rows": per_town(f=f), "agency_rows": agency_rows, "sort": sort, "columns": columns,
        "chart_agencies": CHART_AGENCIES, "sort_query": base.urlencode(), "links": _links_for(f, agency_code, reviewer), "reviewer": reviewer,
        "agency_code": agency_code, "years": range(this_year, this_year - 6, -1), "months": range(1, 13),
        "towns": Town.choices, "agencies": Agency.objects.filter(is_active=True).only("code", "name") if reviewer else [],
        "industries": Industry.objects.filter(level__in=["section", "division"], is_key=True).only("code", "name")
        if reviewer else [],
        "industry_code": request.GET.get("industry", ""),
        "query": request.GET.urlencode(),
        # 举措 6: plans should be public by 31 March; reviewers see who has not filed.
        "plans_not_filed": plans_agencies_not_filed(year=f.year, today=timezone.localdate()) if reviewer else [],
    })


def _export(o, f):
    i, prev = o["inspections"], o["inspections"]["prev"]
    overview_rows = [
        ("年度检查计划（已备案）", o["plans"]["filed"], o["plans"]["filed_prev"]),
        ("年度检查计划（已公布）", o["plans"]["published"], o["plans"]["published_prev"]),
        ("检查总数", i["total"], prev["total"]), ("现场检查", i["onsite"], prev["onsite"]),
        ("非现场检查", i["offsite"], prev["offsite"]), ("联合检查", i["joint"], prev["joint"]),
        ("单独检查", i["single"], prev["single"]),
        ("联合检查减少入企（次）", i["avoided_by_joining"], prev["avoided_by_joining"]),
        ("结果互认减少入企（次）", i["avoided_by_recognition"], prev["avoided_by_recognition"]),
        ("合计减少入企（次）", i["avoided_total"], prev["avoided_total"]),
        ("触发式检查", i["triggered"], prev["triggered"]),
        ("问题发现率（%）", i["problem_rate"], prev["problem_rate"]),
        ("赋码", o["codes"]["issued"], o["codes"]["issued_prev"]), ("亮码", o["codes"]["shown"], ""),
        ("事后补码", o["codes"]["late"], ""), ("达到年度上限", o["caps"]["hit"], o["caps"]["hit_prev"]),
        ("生效阻断", o["caps"]["blocks_open"], ""),
        ("企业评议平均分", o["satisfaction"]["evaluation_avg"], o["satisfaction"]["evaluation_avg_prev"]),
        ("满意度测评平均分", o["satisfaction"]["survey_avg"], ""),
    ] + [(f"触发式备案：{s['label']}", s["count"], "") for s in o["triggered_by_source"]]
    month_rows = ([f"{m['month']}月", m["total"], m["onsite"], m["joint"], m["problem_rate"], m["total_prev"], m["yoy"]]
                  for m in o["per_month"])
    agency_rows = ([r["agency__code"], r["agency__name"], r["total"], r["onsite"], r["joint"], r["triggered"],
                    r["recognitions"], r["problem_rate"], r["rating"]] for r in o["per_agency"])
    return workbook_response(f"分析研判_{f.year}{'-%02d' % f.month if f.month else ''}.xlsx", [
        ("总览", ["指标", f"{f.year}年", f"{f.year - 1}年"], overview_rows),
        ("按月", ["月份", "检查", "现场", "联合", "问题发现率（%）", "上年同期", "同比（%）"], month_rows),
        ("按单位", ["单位代码", "单位", "检查", "现场", "联合", "触发式", "结果互认", "问题发现率（%）", "评议平均分"],
         agency_rows),
    ])
