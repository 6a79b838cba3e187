"""Blocks (阻断): created by the frequency rules, the monthly audit (supervision) or a reviewer;
lifted only by a 司法局 override with a reason (DOMAIN.md "Frequency rules" 3, 4, 5)."""
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.alerts import alert_raise
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError, ValidationFailed

from ..models import Block


@transaction.atomic
def block_create(*, enterprise, rule: str, reason: str, starts_on: date, ends_on: date | None = None,
                 agency=None, inspector=None, source: str = "", by=None) -> Block:
    """Open a block and raise its Alert. Idempotent per (enterprise, agency, inspector, rule, source,
    starts_on) while active, so a job that runs twice opens it once."""
    if by is not None and rule == Block.Rule.MANUAL and not roles.is_reviewer(by):
        raise PermissionDeniedError(_("仅区司法局可以设置阻断。"))
    if not reason:
        raise ValidationFailed(detail={"reason": [_("请说明阻断原因。")]})
    existing = Block.objects.filter(enterprise=enterprise, agency=agency, inspector=inspector, rule=rule,
                                    source=source, starts_on=starts_on, status=Block.Status.ACTIVE).first()
    if existing:
        return existing
    block = Block.objects.create(enterprise=enterprise, agency=agency, inspector=inspector, rule=rule, reason=reason,
                                 starts_on=starts_on, ends_on=ends_on, source=source, created_by=by)
    audit_record(actor=by, action="block.created", target=block, reason=reason,
                 changes={"rule": rule, "enterprise": enterprise.uscc, "agency": getattr(agency, "code", None),
                          "inspector": getattr(inspector, "pk", None), "starts_on": starts_on, "ends_on": ends_on})
    alert_raise(kind=f"block.{rule}", severity="block", title=_("阻断：%(name)s（%(rule)s）") % {
        "name": enterprise.name, "rule": block.get_rule_display()}, message=reason, agency=agency,
        enterprise_uscc=enterprise.uscc, target=block, source=source, dedupe_key=f"block:{block.pk}")
    return block


@transaction.atomic
def block_override(*, block: Block, by, reason: str) -> Block:
    """司法局 lifts a block with a reason (audited)."""
    roles.require(by, roles.REVIEWER, message=_("仅区司法局审核员可以解除阻断。"))
    if not (reason or "").strip():
        raise ValidationFailed(detail={"reason": [_("解除阻断必须说明理由。")]})
    block = Block.objects.select_for_update().get(pk=block.pk)
    if block.status != Block.Status.ACTIVE:
        raise InvalidState(_("该阻断已不在生效状态。"))
    block.status = Block.Status.OVERRIDDEN
    block.overridden_by, block.overridden_at, block.override_reason = by, timezone.now(), reason
    block.save(update_fields=["status", "overridden_by", "overridden_at", "override_reason", "updated_at"])
    audit_record(actor=by, action="block.overridden", target=block, reason=reason,
                 changes={"status": ["active", "overridden"]})
    return block
