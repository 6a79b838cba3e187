"""分析研判 by 镇（街道） (issue 15, "a map or table by 镇/街道"): per town, the inspections the dashboard
counts, how many were on site or joint, the problem rate, the enterprises registered there and the
inspections per hundred enterprises. From the rollups (call after `overview`, which refreshes them);
an industry filter, which the rollups do not keep, reads the inspection rows instead."""
from django.db.models import Count, Exists, OuterRef, Q, Sum

from plans.models import Enterprise, Participation, Town
from plans.selectors import counting

from ..models import AgencyMonthlyRollup, MonthlyRollup, PoolRollup
from .stats import PROBLEM, StatsFilter, _enterprise_q, _rate, _year

KEYS = ("total", "onsite", "joint", "with_outcome", "problems")


def _from_rollups(f: StatsFilter) -> dict:
    model = AgencyMonthlyRollup if f.agency_id else MonthlyRollup
    rows = model.objects.filter(_year(f.year, f.month, "month"))
    if f.agency_id:
        rows = rows.filter(agency_id=f.agency_id)
    return {r.pop("town"): r for r in rows.values("town").annotate(**{k: Sum(k) for k in KEYS}).order_by()}


def _from_rows(f: StatsFilter) -> dict:
    qs = counting.happened().filter(_year(f.year, f.month)).filter(_enterprise_q(f, "enterprise__"))
    if f.agency_id:
        qs = qs.filter(Exists(Participation.objects.filter(inspection=OuterRef("pk"), agency_id=f.agency_id)))
    out = {}
    for r in counting.with_joint(qs).values("enterprise__town").annotate(
            total=Count("id"), onsite=Count("id", filter=Q(mode="onsite")), joint=Count("id", filter=Q(joint=True)),
            with_outcome=Count("id", filter=~Q(outcome="")),
            problems=Count("id", filter=Q(outcome__in=PROBLEM))).order_by():
        out[r.pop("enterprise__town")] = r
    return out


def per_town(*, f: StatsFilter) -> list[dict]:
    """One row per town of 鸠江区 in the district's order, zero rows included:
    {"town", "label", "total", "onsite", "joint", "problem_rate" (% or None), "enterprises",
    "per_hundred" (inspections per 100 registered enterprises, or None)}. A constant number of queries."""
    figures = _from_rows(f) if f.industry_id else _from_rollups(f)
    if f.industry_id:
        firms = dict(Enterprise.objects.filter(_enterprise_q(f, "")).values("town").annotate(n=Count("id"))
                     .values_list("town", "n").order_by())
    else:
        firms = dict(PoolRollup.objects.values("town").annotate(n=Sum("n")).values_list("town", "n").order_by())
    rows = []
    for code, label in Town.choices:
        if f.town and code != f.town:
            continue
        g = figures.get(code, {})
        total, firms_here = g.get("total") or 0, firms.get(code) or 0
        rows.append({"town": code, "label": str(label), "total": total, "onsite": g.get("onsite") or 0,
                     "joint": g.get("joint") or 0, "problem_rate": _rate(g.get("problems") or 0, g.get("with_outcome") or 0),
                     "enterprises": firms_here,
                     "per_hundred": round(total * 100.0 / firms_here, 1) if firms_here else None})
    return rows
