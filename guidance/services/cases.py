"""The case library (案例指导, 举措 17): typical cases kept and published by the 区司法局."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record, model_changes, snapshot

from ..exceptions import InvalidState
from ..models import TypicalCase
from .common import fail, require_text

CASE_FIELDS = ["title", "kind", "category", "agency_id", "occurred_on", "facts", "rule", "handling", "lesson",
               "status"]
TEXT_LIMITS = {"title": (_("案例标题"), 200), "facts": (_("基本案情"), 8000), "rule": (_("规则依据"), 4000),
               "handling": (_("处理结果"), 4000), "lesson": (_("指导意义"), 4000)}


@transaction.atomic
def typical_case_save(*, by, case: TypicalCase | None = None, matters=None, negative_items=None, reason: str = "",
                      **fields) -> TypicalCase:
    """Create or edit a typical case with its links to matters and negative-list items."""
    roles.require(by, roles.REVIEWER)
    before = snapshot(case, CASE_FIELDS) if case else {}
    case = case or TypicalCase(created_by=by)
    for key, value in fields.items():
        if key in ("status", "published_at"):
            continue
        setattr(case, key, value)
    for key, (label, limit) in TEXT_LIMITS.items():
        setattr(case, key, require_text(key, getattr(case, key), label, limit))
    if case.kind not in TypicalCase.Kind.values:
        fail("kind", _("请选择案例类型。"))
    if case.category not in TypicalCase.Category.values:
        fail("category", _("请选择案例类别。"))
    case.save()
    changes = model_changes(case, CASE_FIELDS, before)
    if matters is not None:
        old = sorted(case.matters.values_list("code", flat=True)) if before else []
        case.matters.set(matters)
        if old != sorted(m.code for m in matters):
            changes["matters"] = [old, sorted(m.code for m in matters)]
    if negative_items is not None:
        old = sorted(case.negative_items.values_list("code", flat=True)) if before else []
        case.negative_items.set(negative_items)
        if old != sorted(n.code for n in negative_items):
            changes["negative_items"] = [old, sorted(n.code for n in negative_items)]
    if changes:
        audit_record(actor=by, action="typical_case.updated" if before else "typical_case.created", target=case,
                     changes=changes, reason=reason)
    return case


@transaction.atomic
def typical_case_publish(*, case: TypicalCase, by) -> TypicalCase:
    roles.require(by, roles.REVIEWER)
    if case.status == TypicalCase.Status.PUBLISHED:
        raise InvalidState(_("该案例已发布。"))
    case.status, case.published_at = TypicalCase.Status.PUBLISHED, timezone.now()
    case.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(actor=by, action="typical_case.published", target=case, changes={"status": ["draft", "published"]})
    return case


@transaction.atomic
def typical_case_withdraw(*, case: TypicalCase, by, reason: str) -> TypicalCase:
    roles.require(by, roles.REVIEWER)
    reason = require_text("reason", reason, _("撤回原因"))
    if case.status != TypicalCase.Status.PUBLISHED:
        raise InvalidState(_("只有已发布的案例可以撤回。"))
    case.status = TypicalCase.Status.DRAFT
    case.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action="typical_case.withdrawn", target=case, changes={"status": ["published", "draft"]},
                 reason=reason)
    return case
