"""Reads of the 检查对象 registry: lists, one enterprise, its pool history and its year."""
from django.db.models import Q, QuerySet

from ..models import Enterprise, Inspection, PoolMembership


def enterprise_list() -> QuerySet[Enterprise]:
    """Every staff member and the platform may read the registry (it holds no personal data beyond a
    company contact)."""
    return Enterprise.objects.select_related("industry")


def enterprise_search(qs, text: str):
    text = (text or "").strip()
    if not text:
        return qs
    return qs.filter(Q(name__icontains=text) | Q(uscc__icontains=text.upper()))


def enterprise_pool_history(*, enterprise: Enterprise) -> QuerySet[PoolMembership]:
    return enterprise.pool_history.select_related("decided_by").order_by("-valid_from", "-id")


def enterprise_inspections_in_year(*, enterprise: Enterprise, year: int) -> QuerySet[Inspection]:
    """Inspections dated in the year, with their agencies (for the enterprise page)."""
    return (Inspection.objects.filter(enterprise=enterprise, date__year=year)
            .prefetch_related("participations__agency").order_by("-date", "-id"))


def enterprise_plans_in_year(*, enterprise: Enterprise, year: int):
    from ..models import AnnualPlan

    return AnnualPlan.objects.filter(year=year, targets__enterprise=enterprise).select_related("lead_agency").distinct()
