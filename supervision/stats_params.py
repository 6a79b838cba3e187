"""Turn dashboard query parameters into a StatsFilter (shared by the page, the export and the API)
and the overview into JSON."""
from django.utils import timezone

from jiujiang_inspect import roles
from matters.models import Industry
from plans.models import Town
from subjects.models import Agency

from .selectors.stats import StatsFilter


def stats_filter_from(params, *, user) -> StatsFilter:
    """year (default this year), month 1–12, agency (code), town (code), industry (GB/T code).
    An agency admin always gets their own agency. Raises ValueError on a bad year or month."""
    today = timezone.localdate()
    year = int(params.get("year") or today.year)
    if not 2000 <= year <= 2100:
        raise ValueError("年份超出范围。")
    month = int(params.get("month") or 0) or None
    if month is not None and not 1 <= month <= 12:
        raise ValueError("月份应为 1–12。")
    agency_id = None
    if roles.is_reviewer(user) or roles.is_platform(user):
        code = params.get("agency") or ""
        if code:
            agency_id = Agency.objects.filter(code=code).values_list("pk", flat=True).first() or -1
    else:
        agency_id = user.agency_id
    town = params.get("town") or ""
    town = town if town in Town.values else ""
    industry_id = None
    if params.get("industry"):
        industry_id = Industry.objects.filter(code=params["industry"]).values_list("pk", flat=True).first() or -1
    return StatsFilter(year=year, month=month, agency_id=agency_id, town=town, industry_id=industry_id)


def stats_json(o: dict) -> dict:
    out = {k: v for k, v in o.items() if k not in ("alerts", "cases")}
    out["alerts"] = {**{k: v for k, v in o["alerts"].items() if k != "latest"}, "latest": [
        {"id": a.id, "kind": a.kind, "severity": a.severity, "title": a.title,
         "agency": a.agency.code if a.agency else None, "created_at": a.created_at} for a in o["alerts"]["latest"]]}
    out["cases"] = {**{k: v for k, v in o["cases"].items() if k != "latest"}, "latest": [
        {"id": c.id, "title": c.title, "agency": c.agency.code, "deadline": c.deadline, "status": c.status}
        for c in o["cases"]["latest"]]}
    return out
