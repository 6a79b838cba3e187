"""How much of its yearly quota an enterprise has used (DOMAIN.md "Frequency rules" 1, 2, 6).

A slot is used when a 检查码 is issued (or a late code registered): the service that issues it sets
`Inspection.slot_year`. A joint inspection is one Inspection, so it counts once for the enterprise,
and once for each participating agency on the per-agency counter. Off-site inspections, rechecks
and enterprise-requested checks never take a slot (`counts_toward_cap` False).
"""
from django.db.models import Count

from ..models import CapPolicy, Enterprise, FrequencyPolicy, Inspection, Participation


def yearly_cap_for(*, enterprise: Enterprise) -> int:
    policy = CapPolicy.objects.filter(pool=enterprise.pool).first()
    return policy.yearly_onsite_cap if policy else 0


def used_slots(*, enterprise: Enterprise, year: int) -> int:
    """Slots used this year by the enterprise across all agencies (a joint visit counts once)."""
    return Inspection.objects.filter(enterprise=enterprise, slot_year=year, counts_toward_cap=True).count()


def used_slots_by_agency(*, enterprise: Enterprise, agency, year: int) -> int:
    return Participation.objects.filter(
        inspection__enterprise=enterprise, inspection__slot_year=year, inspection__counts_toward_cap=True,
        agency=agency,
    ).count()


def used_slots_by_agency_map(*, enterprise: Enterprise, year: int) -> dict[int, int]:
    rows = (Participation.objects.filter(inspection__enterprise=enterprise, inspection__slot_year=year,
                                         inspection__counts_toward_cap=True)
            .values("agency_id").annotate(n=Count("id")))
    return {r["agency_id"]: r["n"] for r in rows}


def enterprise_quota(*, enterprise: Enterprise, year: int) -> dict:
    """The quota as the API and the public code page show it."""
    from .blocks import blocks_active_for_enterprise

    cap = yearly_cap_for(enterprise=enterprise)
    used = used_slots(enterprise=enterprise, year=year)
    blocks = list(blocks_active_for_enterprise(enterprise=enterprise))
    return {
        "year": year, "pool": enterprise.pool, "yearly_cap": cap, "used": used, "remaining": max(cap - used, 0),
        "per_agency_cap": FrequencyPolicy.current().per_agency_yearly_cap,
        "blocked": any(b.agency_id is None and b.inspector_id is None for b in blocks),
        "blocks": blocks,
    }
