"""司法局 handles 提醒预警 (举措 16): acknowledge, resolve with a note, or open a supervision case.
Alerts are raised anywhere through `alert_raise`; what follows is decided here."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import InvalidState, ValidationFailed
from jiujiang_inspect.models import Alert

from ..models import SupervisionCase
from .cases import case_create

NEXT = {Alert.Status.OPEN: {Alert.Status.ACKNOWLEDGED, Alert.Status.RESOLVED},
        Alert.Status.ACKNOWLEDGED: {Alert.Status.RESOLVED}}


@transaction.atomic
def alert_set_status(*, alert: Alert, by, status: str, note: str = "") -> Alert:
    """open → acknowledged (已知悉) → resolved (已处理, note required); audited."""
    roles.require(by, roles.REVIEWER, message=_("仅区司法局审核员可以处理预警。"))
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if status not in NEXT.get(alert.status, set()):
        raise InvalidState(_("预警当前为“%(s)s”，不能改为该状态。") % {"s": alert.get_status_display()})
    if status == Alert.Status.RESOLVED and not (note or "").strip():
        raise ValidationFailed(detail={"note": [_("处理预警须填写处理说明。")]})
    before = alert.status
    alert.status, alert.handled_by, alert.handled_at = status, by, timezone.now()
    if note:
        alert.handling_note = note
    alert.save(update_fields=["status", "handled_by", "handled_at", "handling_note", "updated_at"])
    audit_record(actor=by, action=f"alert.{status}", target=alert, changes={"status": [before, status]}, reason=note)
    return alert


@transaction.atomic
def alerts_set_status(*, alert_ids, by, status: str, note: str = "") -> dict:
    """Handle many alerts at once (预警 list, 批量处理): each through `alert_set_status` (same rule, same
    audit entry), in one transaction. Alerts whose status does not allow the change (already resolved)
    are skipped and counted, not an error. Returns {"changed": n, "skipped": n}.
    Raises PermissionDeniedError, ValidationFailed (a resolution needs a note) before anything changes."""
    roles.require(by, roles.REVIEWER, message=_("仅区司法局审核员可以处理预警。"))
    if status == Alert.Status.RESOLVED and not (note or "").strip():
        raise ValidationFailed(detail={"note": [_("处理预警须填写处理说明。")]})
    if status not in {s for targets in NEXT.values() for s in targets}:
        raise ValidationFailed(detail={"status": [_("状态无效。")]})
    changed = skipped = 0
    for alert in Alert.objects.filter(pk__in=list(alert_ids)).order_by("pk"):
        if status in NEXT.get(alert.status, set()):
            alert_set_status(alert=alert, by=by, status=status, note=note)
            changed += 1
        else:
            skipped += 1
    return {"changed": changed, "skipped": skipped}


@transaction.atomic
def alert_open_case(*, alert: Alert, by, title: str = "", problem: str = "", deadline=None) -> SupervisionCase:
    """Turn an alert into a 监督案件 against its agency; the alert is resolved with a pointer to the case."""
    roles.require(by, roles.REVIEWER, message=_("仅区司法局审核员可以处理预警。"))
    if alert.agency_id is None:
        raise ValidationFailed(detail={"agency": [_("该预警未关联单位，无法立案。")]})
    source = SupervisionCase.Source.EVALUATION if alert.kind == "sweep.low_rating" else SupervisionCase.Source.AUDIT
    case = case_create(by=by, source=source, agency=alert.agency, title=title or alert.title,
                       problem=problem or alert.message or alert.title, deadline=deadline)
    alert_set_status(alert=alert, by=by, status=Alert.Status.RESOLVED, note=f"已立案：监督案件 #{case.pk}")
    return case
