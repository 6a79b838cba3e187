"""What moves `updated_at` for a syncing client when a change it reads on a record does not save that row
(issue 14, "sync that misses nothing"; docs/api.md, `updated_since`). Called inside the change's
transaction by the services that make such derived changes."""
from django.utils import timezone

from ..models import AnnualPlan, Inspection, PlanTarget


def inspections_touch(**lookup) -> int:
    """Move `updated_at` of the inspections matching `lookup` (e.g. `pk=…`, `enterprise_id__in=[…]`) to now.

    For derived changes read on the inspection that do not save its row: its 检查码 expiring
    (`check_code`), its enterprise renamed (`enterprise_name`). Returns how many rows moved."""
    return Inspection.objects.filter(**lookup).update(updated_at=timezone.now())


def enterprise_dependents_touch(enterprise_ids) -> None:
    """An enterprise's name is read on its inspections (`enterprise_name`) and on the plans that target it
    (`targets[].name`): when it changes, those records move `updated_at` so an `updated_since` pull
    returns them. Called by `enterprise_update` and the Excel import. `enterprise_ids`: primary keys."""
    ids = list(enterprise_ids)
    if not ids:
        return
    inspections_touch(enterprise_id__in=ids)
    AnnualPlan.objects.filter(pk__in=PlanTarget.objects.filter(enterprise_id__in=ids).values("plan_id")).update(
        updated_at=timezone.now())
