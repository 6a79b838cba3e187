"""Reads of the 检查对象 registry: lists, one enterprise, its pool history and its year."""
import unicodedata

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from ..models import Enterprise, Inspection, PoolMembership


def enterprise_list() -> QuerySet[Enterprise]:
    """Every staff member and the platform may read the registry (it holds no personal data beyond a
    company contact)."""
    return Enterprise.objects.select_related("industry")


def enterprise_search(qs, text: str):
    """Enterprises found by what a person types (issue 15): part of the name, part of the 统一社会信用代码
    or the name's pinyin initials (`Enterprise.name_initials`, "whjj" for 芜湖鸠江…). Full-width
    characters and spaces from a Chinese input method are read as typed (NFKC)."""
    text = "".join(unicodedata.normalize("NFKC", text or "").split())
    if not text:
        return qs
    found = Q(name__icontains=text) | Q(uscc__icontains=text.upper())
    if text.isascii() and text.isalnum():
        found |= Q(name_initials__contains=text.lower())
    return qs.filter(found)


def enterprise_pick_list(text: str, *, limit: int = 10) -> list[Enterprise]:
    """Up to `limit` active enterprises for the new-inspection search: an exact 统一社会信用代码 first,
    then names and initials that start with the text, then those that contain it."""
    text = "".join(unicodedata.normalize("NFKC", text or "").split())
    if not text:
        return []
    qs = enterprise_search(Enterprise.objects.filter(is_active=True).select_related("industry"), text)
    rank = Case(When(uscc=text.upper(), then=Value(0)),
                When(Q(name__startswith=text) | Q(name_initials__startswith=text.lower()), then=Value(1)),
                default=Value(2), output_field=IntegerField())
    return list(qs.annotate(rank=rank).order_by("rank", "name", "id")[:limit])


def enterprise_pool_history(*, enterprise: Enterprise) -> QuerySet[PoolMembership]:
    return enterprise.pool_history.select_related("decided_by").order_by("-valid_from", "-id")


def enterprise_inspections_in_year(*, enterprise: Enterprise, year: int) -> QuerySet[Inspection]:
    """Inspections dated in the year, with their agencies (for the enterprise page)."""
    return (Inspection.objects.filter(enterprise=enterprise, date__year=year)
            .prefetch_related("participations__agency").order_by("-date", "-id"))


def enterprise_plans_in_year(*, enterprise: Enterprise, year: int):
    from ..models import AnnualPlan

    return AnnualPlan.objects.filter(year=year, targets__enterprise=enterprise).select_related("lead_agency").distinct()
