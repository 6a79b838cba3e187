"""Blocks (阻断): created by the frequency rules (the gates and the monthly audit) or a reviewer; lifted
only by a 司法局 override with a reason (docs/domain.md "Frequency rules" 3, 4, 5). Every write to a Block
goes through this module; supervision's monthly audit calls `block_ensure` and `block_withdraw`.

An override (decision a of issue 11) records the count it allows (`allowed_count`: the count that
breached, or the count at the time of the override if higher). For the rest of the block's period the
same rule for the same subject (enterprise / agency at the enterprise / inspector at the enterprise)
refuses again only above that count (`gate_rules._breaches`), and the block's open alerts are resolved.
"""
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.alerts import alert_raise
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError, ValidationFailed
from jiujiang_inspect.models import Alert

from ..models import Block
from ..selectors import counting


@transaction.atomic
def block_create(*, enterprise, rule: str, reason: str, starts_on: date, ends_on: date | None = None,
                 agency=None, inspector=None, source: str = "", by=None, breach_count: int | None = None) -> Block:
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
                                 starts_on=starts_on, ends_on=ends_on, source=source, created_by=by,
                                 breach_count=breach_count)
    audit_record(actor=by, action="block.created", target=block, reason=reason,
                 changes={"rule": rule, "enterprise": enterprise.uscc, "agency": getattr(agency, "code", None),
                          "inspector": getattr(inspector, "pk", None), "starts_on": starts_on, "ends_on": ends_on,
                          "breach_count": breach_count})
    alert_raise(kind=f"block.{rule}", severity="block", title=_("阻断：%(name)s（%(rule)s）") % {
        "name": enterprise.name, "rule": block.get_rule_display()}, message=reason, agency=agency,
        enterprise_uscc=enterprise.uscc, target=block, source=source, dedupe_key=f"block:{block.pk}")
    return block


def block_current_count(block: Block) -> int | None:
    """The block's rule counted now for its subject and period (None for manual blocks)."""
    if block.rule == Block.Rule.YEARLY_CAP:
        year = block.starts_on.year
        if block.agency_id:
            return counting.slots_used_by_agency(enterprise=block.enterprise, year=year).get(block.agency_id, 0)
        return counting.slots_used(enterprise=block.enterprise, year=year)
    if block.rule == Block.Rule.TRIGGERED_FREQUENCY:
        return counting.triggered_count(enterprise=block.enterprise, grain="month", day=block.starts_on,
                                        agency=block.agency)
    if block.rule == Block.Rule.LOW_EFFICIENCY and block.inspector_id:
        return counting.no_finding_streak(enterprise=block.enterprise, inspector=block.inspector,
                                          until=timezone.localdate())[0]
    return None


def _resolve_alerts(block: Block, *, by, note: str) -> int:
    block_type = ContentType.objects.get_for_model(Block)
    return Alert.objects.filter(target_type=block_type, target_id=str(block.pk)).exclude(
        status=Alert.Status.RESOLVED).update(status=Alert.Status.RESOLVED, handled_by=by if getattr(by, "pk", None)
                                             else None, handled_at=timezone.now(), handling_note=note,
                                             updated_at=timezone.now())


@transaction.atomic
def block_override(*, block: Block, by, reason: str) -> Block:
    """司法局 lifts a block with a reason (audited). Records the count the override allows and
    resolves the block's open alerts."""
    roles.require(by, roles.REVIEWER, message=_("仅区司法局审核员可以解除阻断。"))
    if not (reason or "").strip():
        raise ValidationFailed(detail={"reason": [_("解除阻断必须说明理由。")]})
    block = Block.objects.select_for_update().get(pk=block.pk)  # no outer join: PostgreSQL locks no nullable side
    if block.status != Block.Status.ACTIVE:
        raise InvalidState(_("该阻断已不在生效状态。"))
    counts = [c for c in (block.breach_count, block_current_count(block)) if c is not None]
    block.status = Block.Status.OVERRIDDEN
    block.overridden_by, block.overridden_at, block.override_reason = by, timezone.now(), reason
    block.allowed_count = max(counts) if counts else None
    block.save(update_fields=["status", "overridden_by", "overridden_at", "override_reason", "allowed_count",
                              "updated_at"])
    resolved = _resolve_alerts(block, by=by, note=_("阻断已由区司法局解除：%(r)s") % {"r": reason})
    audit_record(actor=by, action="block.overridden", target=block, reason=reason,
                 changes={"status": ["active", "overridden"], "allowed_count": block.allowed_count,
                          "alerts_resolved": resolved})
    return block


def block_ensure(*, enterprise, agency, rule, reason, starts_on, ends_on, source, year_scope, breach_count=None,
                 by=None) -> Block:
    """The block an audit finding calls for: an existing one (active or overridden) if any, else a new
    one. A yearly-cap block is one per (enterprise, agency, year) whichever month's audit found it
    first, and an override by 司法局 stands for the rest of its period: the audit never re-opens it."""
    existing = Block.objects.filter(enterprise=enterprise, agency=agency, inspector__isnull=True, rule=rule,
                                    status__in=[Block.Status.ACTIVE, Block.Status.OVERRIDDEN])
    if year_scope:
        existing = existing.filter(source__startswith=f"audit:{starts_on.year}-", ends_on=ends_on)
    else:
        existing = existing.filter(source=source)
    block = existing.order_by("id").first()
    if block is not None:
        return block
    return block_create(enterprise=enterprise, agency=agency, rule=rule, reason=reason, starts_on=starts_on,
                        ends_on=ends_on, source=source, by=by, breach_count=breach_count)


@transaction.atomic
def block_withdraw(*, block: Block, by=None, reason: str = "频次监测复核：该情形已不存在") -> Block:
    """A re-run of the audit no longer finds what an earlier run blocked (the data was corrected): the
    block ends. Marked expired, never deleted, and audited, so the trail shows it existed and why it
    ended; its open alert is resolved."""
    Block.objects.filter(pk=block.pk).update(status=Block.Status.EXPIRED, updated_at=timezone.now())
    audit_record(actor=by, action="block.withdrawn", target=block, changes={"status": ["active", "expired"]},
                 reason=reason)
    Alert.objects.filter(dedupe_key=f"block:{block.pk}", status=Alert.Status.OPEN).update(
        status=Alert.Status.RESOLVED, handled_at=timezone.now(), handling_note="频次监测复核后撤回阻断。")
    block.status = Block.Status.EXPIRED
    return block
