"""检查任务: drafting, approval (审批, runs every gate) and cancellation; joint merges (综合查一次) go
through proposals with consent (joint_proposals.py) (docs/domain.md "检查码 workflow" 1–3; 举措 7, 8, 9, 10).

Creating a draft refuses only malformed input (400, `ValidationFailed`); the rules run at approval and
again when the 检查码 is issued (checkcode.services).
"""
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record, model_changes, snapshot
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError, ValidationFailed

from ..models import Enterprise, Inspection, Participation
from .gates import GateReport, draft_participations, gate_attempt, inspection_gate_report
from .joint_proposals import joint_proposals_lapse

PENDING = (Inspection.Status.DRAFT, Inspection.Status.APPROVED)
#: What the initiating agency may still edit or cancel: a draft, one its admin returned, or one approved
#: but without a 检查码 (editing it needs a new approval).
EDITABLE = (Inspection.Status.DRAFT, Inspection.Status.RETURNED, Inspection.Status.APPROVED)
FIELDS = ["kind", "mode", "date", "plan_id", "trigger_source", "trigger_reference", "trigger_reason",
          "special_approval_ref", "rechecks_id", "notified_at", "notice_method", "notice_content",
          "notice_exempt_reason", "onsite_justification", "is_emergency", "emergency_reason", "status"]
TEXT_LIMITS = {"trigger_reference": 100, "notice_method": 100, "special_approval_ref": 100}


def _messages(value):
    """Field messages as plain strings; a nested field (`advance_notice.notified_at`) stays nested."""
    if isinstance(value, dict):
        return {k: _messages(v) for k, v in value.items()}
    return [str(m) for m in value]


def _first(value):
    return _first(next(iter(value.values()))) if isinstance(value, dict) else value[0]


def _fail(detail):
    raise ValidationFailed(str(_first(detail)), detail=_messages(detail))


def _notice_errors(inspection: Inspection, *, at_approval: bool = False) -> dict:
    """Notice comes before the visit (issue 11, decision h): `notified_at` may not
    fall after the inspection day (local date), and at approval it may not lie in the future (a notice
    is recorded once given, not planned). Returns `{"advance_notice": {"notified_at": [...]}}` or {}."""
    notified = inspection.notified_at
    if not notified:
        return {}
    if isinstance(inspection.date, date) and timezone.localtime(notified).date() > inspection.date:
        msg = _("告知时间不能晚于检查日期（%(day)s），须在检查前告知企业。") % {"day": f"{inspection.date:%Y-%m-%d}"}
        return {"advance_notice": {"notified_at": [msg]}}
    if at_approval and notified > timezone.now():
        return {"advance_notice": {"notified_at": [_("告知时间不能晚于现在：请在告知企业后再记录告知时间并审批。")]}}
    return {}


def user_may_act_for(user, inspection: Inspection) -> bool:
    """Staff of a participating agency (or a reviewer) may act on an inspection."""
    if roles.is_reviewer(user):
        return True
    if not roles.is_staff_member(user) or not user.agency_id:
        return False
    if "participations" in getattr(inspection, "_prefetched_objects_cache", {}):
        return any(p.agency_id == user.agency_id for p in inspection.participations.all())
    return inspection.participations.filter(agency_id=user.agency_id).exists()


def user_may_draft(user) -> bool:
    """Who drafts inspections (issue 11, decision m): staff of an enforcement agency (inspectors and
    agency admins), for their own agency. 区司法局 reviewers supervise and never draft or edit one, in
    the API (403) as in the pages (no button, 403)."""
    return roles.is_staff_member(user) and not roles.is_reviewer(user) and bool(getattr(user, "agency_id", None))


def _require_drafter(user):
    if not user_may_draft(user):
        raise PermissionDeniedError(_("只有执法单位的工作人员可以起草和修改检查任务，区司法局负责监督。"))


def user_may_edit(user, inspection: Inspection) -> bool:
    """The initiating agency's staff edit its inspection (issue 11, decision k); reviewers never do (m).
    The status (`EDITABLE`) is checked by the service, with its own message."""
    return user_may_draft(user) and user.agency_id == inspection.initiating_agency_id


def user_may_return(user, inspection: Inspection) -> bool:
    """The initiating agency's admin approves, and so may instead return it for changes."""
    return roles.is_agency_admin(user) and user.agency_id == inspection.initiating_agency_id


def _require_actor(user, inspection):
    if not user_may_act_for(user, inspection):
        raise PermissionDeniedError(_("只有参与单位的工作人员可以操作该检查。"))


def _validate(inspection: Inspection, participations):
    errors = {}
    if inspection.kind not in Inspection.Kind.values:
        errors["kind"] = [_("检查类型无效。")]
    if inspection.mode not in Inspection.Mode.values:
        errors["mode"] = [_("检查方式无效。")]
    if not isinstance(inspection.date, date):
        errors["date"] = [_("请填写计划检查日期。")]
    if inspection.kind == Inspection.Kind.TRIGGERED:
        if inspection.trigger_source not in Inspection.TriggerSource.values:
            errors["trigger"] = [_("触发式检查须注明触发来源（投诉举报、交办转办、数据监测或企业申请）。")]
        elif not (inspection.trigger_reason or "").strip():
            errors["trigger"] = [_("触发式检查须说明触发原因。")]
    if inspection.kind == Inspection.Kind.RECHECK and not inspection.rechecks_id:
        errors["rechecks"] = [_("整改复查须指明所复查的检查。")]
    if inspection.is_emergency and not (inspection.emergency_reason or "").strip():
        errors["emergency_reason"] = [_("紧急检查须说明原因。")]
    errors.update(_notice_errors(inspection))
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(inspection, name) or "") > limit:
            errors[name] = [_("不能超过%(n)s个字符。") % {"n": limit}]
    if participations is not None:
        if not participations:
            errors["participations"] = [_("至少需要一个参与单位。")]
        agencies = [p["agency"].pk for p in participations]
        if len(set(agencies)) != len(agencies):
            errors["participations"] = [_("同一单位不能重复参与。")]
        if any(not p["agency"].is_active for p in participations):
            errors["participations"] = [_("参与单位已停用。")]
    if errors:
        _fail(errors)


def _set_participations(inspection, participations):
    inspection.participations.all().delete()
    for n, p in enumerate(participations):
        part = Participation.objects.create(inspection=inspection, agency=p["agency"], is_lead=(n == 0))
        part.inspectors.set(p.get("inspectors") or [])
        part.matters.set(p.get("matters") or [])


def _participation_summary(participations):
    return [{"agency": p["agency"].code, "inspectors": sorted(i.pk for i in p.get("inspectors") or []),
             "matters": sorted(m.code for m in p.get("matters") or [])} for p in participations]


def _apply_notice(inspection, advance_notice):
    if advance_notice is None:
        return
    inspection.notified_at = advance_notice.get("notified_at")
    inspection.notice_method = advance_notice.get("method", "") or ""
    inspection.notice_content = advance_notice.get("content", "") or ""


def _apply_trigger(inspection, trigger):
    if trigger is None:
        return
    inspection.trigger_source = trigger.get("source", "") or ""
    inspection.trigger_reference = trigger.get("reference", "") or ""
    inspection.trigger_reason = trigger.get("reason", "") or ""


@transaction.atomic
def inspection_create(*, by, enterprise: Enterprise, kind: str, mode: str, date: date, participations: list[dict],
                      plan=None, trigger: dict | None = None, advance_notice: dict | None = None,
                      notice_exempt_reason: str = "", onsite_justification: str = "", special_approval_ref: str = "",
                      rechecks=None, is_emergency: bool = False, emergency_reason: str = "") -> Inspection:
    """Draft an inspection. `participations` = [{"agency", "inspectors", "matters"}] (resolved objects),
    the first is the lead. A draft is never filed as 触发式检查备案: the filing is made when the
    inspection takes place (plans.services.triggered_filings, decision d)."""
    _require_drafter(by)
    if by.agency_id not in [p["agency"].pk for p in participations]:
        raise PermissionDeniedError(_("只能为本单位参与的检查建立任务。"))
    initiating = next((p["agency"] for p in participations if p["agency"].pk == by.agency_id),
                      participations[0]["agency"] if participations else None)
    inspection = Inspection(enterprise=enterprise, initiating_agency=initiating, kind=kind, mode=mode, date=date,
                            plan=plan, notice_exempt_reason=notice_exempt_reason or "",
                            onsite_justification=onsite_justification or "",
                            special_approval_ref=special_approval_ref or "", rechecks=rechecks,
                            is_emergency=is_emergency, emergency_reason=emergency_reason or "", created_by=by)
    _apply_trigger(inspection, trigger)
    _apply_notice(inspection, advance_notice)
    _validate(inspection, participations)
    if kind not in (Inspection.Kind.PLANNED, Inspection.Kind.SPECIAL):
        inspection.plan = None  # planned and special inspections run under a plan (the gates check which)
    inspection.save()
    _set_participations(inspection, participations)
    changes = snapshot(inspection, FIELDS) | {"enterprise": enterprise.uscc,
                                              "participations": _participation_summary(participations)}
    audit_record(actor=by, action="inspection.created", target=inspection, changes=changes)
    return inspection


#: Fields of an inspection the draft form sets directly (the rest come through `trigger`, `advance_notice`).
PREVIEW_FIELDS = ("enterprise", "kind", "mode", "date", "plan", "notice_exempt_reason", "onsite_justification",
                  "special_approval_ref")


def inspection_gate_preview(*, by, participations: list[dict], inspection: Inspection | None = None,
                            trigger: dict | None = None, advance_notice: dict | None = None,
                            **fields) -> GateReport:
    """What approval would say of an inspection as the form holds it now, before it is saved (issue 15:
    the rule panel of the new-inspection and edit pages): every gate of `gate_rules.GATES`, in order,
    on an unsaved copy (`inspection` = the one being edited, so its own slot is not counted twice;
    None for a new one). Takes `inspection_create`'s arguments; reads only, never raises a rule."""
    if inspection is not None:
        draft = Inspection.objects.select_related("enterprise", "initiating_agency").get(pk=inspection.pk)
    else:
        draft = Inspection(initiating_agency_id=by.agency_id, created_by=by, status=Inspection.Status.DRAFT)
    for key in PREVIEW_FIELDS:
        if key in fields:
            setattr(draft, key, fields[key])
    _apply_trigger(draft, trigger)
    _apply_notice(draft, advance_notice)
    if draft.kind not in (Inspection.Kind.PLANNED, Inspection.Kind.SPECIAL):
        draft.plan = None
    return inspection_gate_report(inspection=draft, parts=draft_participations(participations))


@transaction.atomic
def inspection_update(*, inspection: Inspection, by, participations: list[dict] | None = None,
                      trigger: dict | None = None, advance_notice: dict | None = None, reason: str = "",
                      **fields) -> Inspection:
    """Edit a draft, a returned or an approved inspection (not yet coded) of the user's own initiating
    agency; it goes back to draft for the admin to approve (issue 11, decision k)."""
    _require_drafter(by)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not user_may_edit(by, inspection):
        raise PermissionDeniedError(_("只有发起单位的工作人员可以修改该检查。"))
    if inspection.status not in EDITABLE:
        raise InvalidState(_("只有草稿、退回修改或已审批未赋码的检查可以修改。"))
    before = snapshot(inspection, FIELDS)
    for key, value in fields.items():
        if key in ("enterprise",) and value.pk != inspection.enterprise_id:
            raise ValidationFailed(detail={"enterprise": [_("检查对象不能修改，请新建检查。")]})
        setattr(inspection, key, value)
    _apply_trigger(inspection, trigger)
    _apply_notice(inspection, advance_notice)
    _validate(inspection, participations)
    if inspection.status in (Inspection.Status.APPROVED, Inspection.Status.RETURNED):
        # Back to the admin: the approval covered the old content; a return is answered by the edit.
        inspection.status = Inspection.Status.DRAFT
        inspection.approved_by, inspection.approved_at = None, None
    inspection.save()
    changes = model_changes(inspection, FIELDS, before)
    if participations is not None:
        _set_participations(inspection, participations)
        changes["participations"] = _participation_summary(participations)
    if changes:
        audit_record(actor=by, action="inspection.updated", target=inspection, changes=changes, reason=reason)
    return inspection


def inspection_approve(*, inspection: Inspection, by) -> Inspection:
    """审批 by the agency admin of the initiating agency: runs every gate through `gate_attempt` (409
    with the first failing rule's code; all of them in `detail`; the refusal recorded)."""
    if not (roles.is_agency_admin(by) and by.agency_id == inspection.initiating_agency_id):
        raise PermissionDeniedError(_("只有发起单位的单位管理员可以审批检查。"))

    def precheck(locked, _policy):
        if locked.status != Inspection.Status.DRAFT:
            raise InvalidState(_("只有草稿状态的检查可以审批。"))
        notice = _notice_errors(locked, at_approval=True)
        if notice:
            _fail(notice)

    with gate_attempt(inspection=inspection, by=by, stage="approve", precheck=precheck) as attempt:
        locked = attempt.inspection
        locked.status, locked.approved_by, locked.approved_at = Inspection.Status.APPROVED, by, timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        audit_record(actor=by, action="inspection.approved", target=locked, changes={"status": ["draft", "approved"]})
    return locked


@transaction.atomic
def inspection_return(*, inspection: Inspection, by, comment: str) -> Inspection:
    """退回修改 (issue 11, decision k): the initiating agency's admin sends a draft (or an approved
    inspection without a code) back to its drafters with a comment saying what to change. Audited;
    the drafters see it on their home page with the last refusal and edit it back to draft."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not user_may_return(by, inspection):
        raise PermissionDeniedError(_("只有发起单位的单位管理员可以退回检查。"))
    if inspection.status not in PENDING:
        raise InvalidState(_("只有草稿或已审批未赋码的检查可以退回修改。"))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed(detail={"comment": [_("请写明退回意见：需要修改什么。")]})
    if len(comment) > 2000:
        raise ValidationFailed(detail={"comment": [_("不能超过%(n)s个字符。") % {"n": 2000}]})
    old = inspection.status
    inspection.status, inspection.return_comment = Inspection.Status.RETURNED, comment
    inspection.approved_by, inspection.approved_at = None, None
    inspection.save(update_fields=["status", "return_comment", "approved_by", "approved_at", "updated_at"])
    audit_record(actor=by, action="inspection.returned", target=inspection, reason=comment,
                 changes={"status": [old, Inspection.Status.RETURNED]})
    return inspection


@transaction.atomic
def inspection_cancel(*, inspection: Inspection, by, reason: str) -> Inspection:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require_actor(by, inspection)
    if inspection.status not in EDITABLE:
        raise InvalidState(_("已赋码的检查请先撤销检查码。"))
    if not (reason or "").strip():
        raise ValidationFailed(detail={"reason": [_("请说明取消原因。")]})
    old = inspection.status
    inspection.status = Inspection.Status.CANCELLED
    inspection.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action="inspection.cancelled", target=inspection, changes={"status": [old, "cancelled"]},
                 reason=reason)
    joint_proposals_lapse(inspection=inspection, by=by, reason=_("检查已取消"))
    return inspection
