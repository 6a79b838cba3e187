"""How much of its yearly quota an enterprise has used (docs/domain.md "Frequency rules" 1, 2, 6), as the
API and the public code page show it. The counting itself lives in `counting`."""
from ..models import Enterprise, FrequencyPolicy
from .counting import slots_used, yearly_cap_for


def enterprise_quota(*, enterprise: Enterprise, year: int) -> dict:
    """{"year", "pool", "yearly_cap", "used", "remaining", "per_agency_cap", "blocked", "blocks"}."""
    from .blocks import blocks_active_for_enterprise

    cap = yearly_cap_for(enterprise=enterprise)
    used = slots_used(enterprise=enterprise, year=year)
    blocks = list(blocks_active_for_enterprise(enterprise=enterprise))
    return {
        "year": year, "pool": enterprise.pool, "yearly_cap": cap, "used": used, "remaining": max(cap - used, 0),
        "per_agency_cap": FrequencyPolicy.current().per_agency_yearly_cap,
        "blocked": any(b.agency_id is None and b.inspector_id is None for b in blocks),
        "blocks": blocks,
    }
