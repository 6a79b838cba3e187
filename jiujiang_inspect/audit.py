"""The audit trail: one function every service calls after changing a regulated record."""
import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder

from .models import AuditEntry


def _jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, default=str))


def model_changes(instance, fields, before):
    """Return {field: [old, new]} for fields whose value differs from the `before` snapshot."""
    changes = {}
    for name in fields:
        new = getattr(instance, name)
        old = before.get(name)
        if old != new:
            changes[name] = [old, new]
    return _jsonable(changes)


def snapshot(instance, fields):
    return {name: getattr(instance, name) for name in fields}


def _entry(*, actor, action: str, target=None, changes=None, reason: str = "", agency_code: str = "",
           target_repr: str | None = None):
    entry = AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(actor.get_username() if getattr(actor, "pk", None) else "系统"),
        action=action,
        changes=_jsonable(changes or {}),
        reason=reason or "",
        agency_code=agency_code or _agency_code_of(actor),
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.target_id = str(target.pk)
        entry.target_repr = (str(target) if target_repr is None else target_repr)[:255]
    return entry


def audit_record(*, actor, action: str, target=None, changes=None, reason: str = "", agency_code: str = ""):
    """Append one audit entry: who (`actor`, a user or None for the system), what (`action`, e.g.
    "matter.filed"), on what (`target`), which fields changed (`changes`), and why (`reason`)."""
    entry = _entry(actor=actor, action=action, target=target, changes=changes, reason=reason,
                   agency_code=agency_code)
    entry.save()
    return entry


def audit_record_together(*, actor, entries):
    """Several `audit_record`s by one actor (a 检查码 and its inspection; the blocks a monthly audit
    opens), written in one INSERT per 500: `entries` are dicts of audit_record's keyword arguments
    (action, target, changes, reason; `target_repr` when the caller has str(target) at hand)."""
    return AuditEntry.objects.bulk_create([_entry(actor=actor, **e) for e in entries], batch_size=500)


def audit_record_many(*, actor, action: str, items, reason: str = ""):
    """`audit_record` for many targets at once (bulk imports): one entry per (target, changes) pair,
    written in one INSERT per 500."""
    items = list(items)
    if not items:
        return []
    ct = ContentType.objects.get_for_model(items[0][0], for_concrete_model=False)
    actor_pk = actor if getattr(actor, "pk", None) else None
    label = actor.get_username() if actor_pk else "系统"
    agency = _agency_code_of(actor)
    return AuditEntry.objects.bulk_create([
        AuditEntry(actor=actor_pk, actor_label=label, action=action, changes=_jsonable(changes or {}),
                   reason=reason or "", agency_code=agency, target_type=ct, target_id=str(target.pk),
                   target_repr=str(target)[:255]) for target, changes in items], batch_size=500)


def _agency_code_of(actor):
    agency = getattr(actor, "agency", None) if getattr(actor, "pk", None) else None
    return getattr(agency, "code", "") or ""


def audit_history(target):
    """The audit entries of one object, newest first (for its detail page)."""
    ct = ContentType.objects.get_for_model(target, for_concrete_model=False)
    # target_type too: the history panel reads it per entry (audit_display) and must not query per row
    return AuditEntry.objects.filter(target_type=ct, target_id=str(target.pk)).select_related("actor", "target_type")
