"""Open blocks (阻断) that stop issuance of a 检查码."""
from datetime import date

from django.db.models import Q
from django.utils import timezone

from ..models import Block


def blocks_active_for_enterprise(*, enterprise, on_date: date | None = None, status: str = Block.Status.ACTIVE):
    """Active (or `status`) blocks of any scope on the enterprise whose period covers `on_date`
    (default today)."""
    on_date = on_date or timezone.localdate()
    return (Block.objects.filter(enterprise=enterprise, status=status, starts_on__lte=on_date)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on_date))
            .select_related("agency", "inspector").order_by("created_at", "id"))


def blocks_applying_to(*, enterprise, agencies=(), inspectors=(), on_date: date | None = None,
                       status: str = Block.Status.ACTIVE):
    """Blocks (active, or `status`) that concern an inspection by these agencies with these
    inspectors: enterprise-wide blocks, blocks on one of the agencies, and blocks on one of the
    inspectors."""
    agency_ids = [a.pk if hasattr(a, "pk") else a for a in agencies]
    inspector_ids = [i.pk if hasattr(i, "pk") else i for i in inspectors]
    scope = Q(agency__isnull=True, inspector__isnull=True) | Q(agency_id__in=agency_ids, inspector__isnull=True) \
        | Q(inspector_id__in=inspector_ids)
    return blocks_active_for_enterprise(enterprise=enterprise, on_date=on_date, status=status).filter(scope)


def blocks_on(*, enterprise, on_date: date) -> list[Block]:
    """Every active or overridden block of any scope on the enterprise whose period covers `on_date`,
    in one query: what the gates of one attempt read (`blocks_among` filters it like
    `blocks_applying_to`)."""
    return list(Block.objects.filter(enterprise=enterprise, status__in=(Block.Status.ACTIVE, Block.Status.OVERRIDDEN),
                                     starts_on__lte=on_date)
                .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on_date))
                .select_related("agency", "inspector").order_by("created_at", "id"))


def blocks_among(blocks, *, agencies=(), inspectors=(), status: str = Block.Status.ACTIVE) -> list[Block]:
    """`blocks_applying_to` over an already read list (`blocks_on`): enterprise-wide blocks, blocks on
    one of the agencies, blocks on one of the inspectors, with the given status."""
    agency_ids = {a.pk if hasattr(a, "pk") else a for a in agencies}
    inspector_ids = {i.pk if hasattr(i, "pk") else i for i in inspectors}
    return [b for b in blocks if b.status == status and (
        (b.agency_id is None and b.inspector_id is None) or (b.agency_id in agency_ids and b.inspector_id is None)
        or b.inspector_id in inspector_ids)]
