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
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.alerts import alert_raise, alerts_raise_many
from jiujiang_inspect.audit import audit_record, audit_record_together
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError, ValidationFailed
from jiujiang_inspect.models import Alert

from ..events import block_event_publish, blocks_event_publish
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
    block_event_publish("block.created", block)
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
    block_event_publish("block.overridden", block)
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


def _ensure_matches(row, f, *, source) -> bool:
    if f["year_scope"]:
        return row["source"].startswith(f"audit:{f['starts_on'].year}-") and row["ends_on"] == f["ends_on"]
    return row["source"] == source


@transaction.atomic
def blocks_ensure_many(*, findings, source, enterprises, agencies, by=None) -> list[int]:
    """`block_ensure` for every finding of one audit run, in a fixed number of queries whatever their
    number: one read of the blocks that may already hold (active or overridden, this run's source or,
    for yearly-cap findings, any audit of the year with the same end), one INSERT … RETURNING of the
    missing blocks per 1,000, their audit entries and their Alerts in one INSERT each per batch; all in
    one transaction, so a block never exists without its audit entry and alert.

    `findings`: dicts (enterprise_id, agency_id, rule, reason, starts_on, ends_on, breach_count,
    year_scope); `enterprises` / `agencies`: {id: row} covering them. Returns the block ids, one per
    finding, in order."""
    if not findings:
        return []
    scope = Q(source=source)
    for year in sorted({f["starts_on"].year for f in findings if f["year_scope"]}):
        scope |= Q(source__startswith=f"audit:{year}-")
    held: dict[tuple, list] = {}
    for row in (Block.objects.filter(scope, inspector__isnull=True, rule__in={f["rule"] for f in findings},
                                     status__in=[Block.Status.ACTIVE, Block.Status.OVERRIDDEN])
                .order_by("id").values("id", "enterprise_id", "agency_id", "rule", "source", "ends_on")):
        held.setdefault((row["enterprise_id"], row["agency_id"], row["rule"]), []).append(row)
    ids, new, new_at = [], [], []
    for n, f in enumerate(findings):
        found = next((r["id"] for r in held.get((f["enterprise_id"], f["agency_id"], f["rule"]), ())
                      if _ensure_matches(r, f, source=source)), None)
        ids.append(found)
        if found is None:
            new_at.append(n)
            new.append(Block(enterprise=enterprises[f["enterprise_id"]], agency=agencies.get(f["agency_id"]),
                             rule=f["rule"], reason=f["reason"], starts_on=f["starts_on"], ends_on=f["ends_on"],
                             source=source, created_by=by if getattr(by, "pk", None) else None,
                             breach_count=f["breach_count"]))
    Block.objects.bulk_create(new, batch_size=1000)
    for n, block in zip(new_at, new, strict=True):
        ids[n] = block.pk
    # Each rule's label translated once (get_rule_display per row was half the run's CPU).
    label = {rule: str(text) for rule, text in Block.Rule.choices}
    title = _("阻断：%(name)s（%(rule)s）")
    audit_record_together(actor=by, entries=[dict(
        action="block.created", target=b, reason=b.reason, target_repr=f"{b.enterprise} · {label[b.rule]}",
        changes={"rule": b.rule, "enterprise": b.enterprise.uscc, "agency": getattr(b.agency, "code", None),
                 "inspector": None, "starts_on": b.starts_on, "ends_on": b.ends_on,
                 "breach_count": b.breach_count}) for b in new])
    alerts_raise_many(dict(
        kind=f"block.{b.rule}", severity="block", title=title % {"name": b.enterprise.name, "rule": label[b.rule]},
        message=b.reason, agency=b.agency,
        enterprise_uscc=b.enterprise.uscc, target=b, source=source, dedupe_key=f"block:{b.pk}") for b in new)
    blocks_event_publish("block.created", new)
    return ids


def blocks_withdraw_many(*, block_ids, by=None, reason: str = "频次监测复核：该情形已不存在") -> int:
    """`block_withdraw` for many blocks in a fixed number of queries, in one transaction: one UPDATE,
    their audit entries in one INSERT, their open alerts resolved in one UPDATE (per 500 blocks)."""
    block_ids = sorted(block_ids)
    if block_ids:
        with transaction.atomic():
            _withdraw(block_ids, by=by, reason=reason)
    return len(block_ids)


def _withdraw(block_ids, *, by, reason):
    now = timezone.now()
    for i in range(0, len(block_ids), 500):
        chunk = block_ids[i:i + 500]
        Block.objects.filter(pk__in=chunk).update(status=Block.Status.EXPIRED, updated_at=now)
        blocks = list(Block.objects.filter(pk__in=chunk).select_related("enterprise", "agency").order_by("id"))
        audit_record_together(actor=by, entries=[dict(
            action="block.withdrawn", target=b, changes={"status": ["active", "expired"]}, reason=reason)
            for b in blocks])
        blocks_event_publish("block.expired", blocks)
        Alert.objects.filter(dedupe_key__in=[f"block:{pk}" for pk in chunk], status=Alert.Status.OPEN).update(
            status=Alert.Status.RESOLVED, handled_at=now, handling_note="频次监测复核后撤回阻断。", updated_at=now)


@transaction.atomic
def block_withdraw(*, block: Block, by=None, reason: str = "频次监测复核：该情形已不存在") -> Block:
    """A re-run of the audit no longer finds what an earlier run blocked (the data was corrected): the
    block ends. Marked expired, never deleted, and audited, so the trail shows it existed and why it
    ended; its open alert is resolved."""
    Block.objects.filter(pk=block.pk).update(status=Block.Status.EXPIRED, updated_at=timezone.now())
    audit_record(actor=by, action="block.withdrawn", target=block, changes={"status": ["active", "expired"]},
                 reason=reason)
    Alert.objects.filter(dedupe_key=f"block:{block.pk}", status=Alert.Status.OPEN).update(
        status=Alert.Status.RESOLVED, handled_at=timezone.now(), handling_note="频次监测复核后撤回阻断。",
        updated_at=timezone.now())
    block.status = Block.Status.EXPIRED
    block_event_publish("block.expired", block)
    return block


def blocks_expire_due(*, today: date) -> int:
    """Daily: an active block whose period ended (`ends_on` before today) is marked expired, audited,
    its open alert resolved and `block.expired` published, so a syncing client sees it end (issue 14)
    instead of a block that silently stops applying. Returns how many."""
    n = 0
    for block in Block.objects.filter(status=Block.Status.ACTIVE, ends_on__lt=today).select_related("enterprise"):
        with transaction.atomic():
            if not Block.objects.filter(pk=block.pk, status=Block.Status.ACTIVE).update(
                    status=Block.Status.EXPIRED, updated_at=timezone.now()):
                continue  # a concurrent run or an override got there first
            block.status = Block.Status.EXPIRED
            audit_record(actor=None, action="block.expired", target=block,
                         changes={"status": ["active", "expired"], "ends_on": block.ends_on})
            Alert.objects.filter(dedupe_key=f"block:{block.pk}", status=Alert.Status.OPEN).update(
                status=Alert.Status.RESOLVED, handled_at=timezone.now(), handling_note="阻断期限届满。",
                updated_at=timezone.now())
            block_event_publish("block.expired", block)
        n += 1
    return n
