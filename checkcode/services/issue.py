"""Issuing, late registration and revocation of the 检查码 (举措 8, 10; docs/domain.md "Frequency rules" 5).

"No code, no on-site inspection": the code is the moment a yearly-cap slot is taken, so issuing it is
serialised per enterprise by locking the enterprise row before the gates count anything.
"""
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record, audit_record_together
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError, ValidationFailed
from matters.services import matter_mark_used
from plans.models import Inspection
from plans.selectors.counting import takes_slot
from plans.services.gates import gate_attempt, inspection_gate_report
from plans.services.inspections import user_may_act_for
from plans.services.triggered_filings import triggered_filing_record, triggered_filing_withdraw

from .. import codes
from ..events import code_event_publish
from ..models import CheckCode


def validity_window(day, *, days: int | None = None):
    """The whole inspection day in Asia/Shanghai (or `CHECKCODE_VALIDITY_DAYS` days from it)."""
    days = days or getattr(settings, "CHECKCODE_VALIDITY_DAYS", 1)
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    return start, start + timedelta(days=days) - timedelta(seconds=1)


def _require_issuer(user, inspection):
    if not (roles.is_inspector(user) or roles.is_agency_admin(user)) or not user_may_act_for(user, inspection):
        raise PermissionDeniedError(_("只有参与单位的执法人员或单位管理员可以申领检查码。"))


def _create_code(**fields) -> CheckCode:
    for _attempt in range(5):  # 80 random bits: a clash is practically impossible, but never fatal
        try:
            with transaction.atomic():
                return CheckCode.objects.create(code=codes.generate(), **fields)
        except IntegrityError:
            if CheckCode.objects.filter(inspection=fields["inspection"], status__in=CheckCode.LIVE).exists():
                raise InvalidState(_("该检查已有有效的检查码。")) from None
    raise InvalidState(_("检查码生成失败，请重试。"))


def checkcode_can_issue(*, inspection: Inspection, user) -> tuple[bool, list]:
    """Read-only hint for the UI (greys out the button); enforces nothing."""
    if inspection.status != Inspection.Status.APPROVED or inspection.mode != Inspection.Mode.ONSITE:
        return False, []
    if not user_may_act_for(user, inspection) or roles.is_reviewer(user):
        return False, []
    report = inspection_gate_report(inspection=inspection)
    return not report.errors, report.errors


def _issue(*, inspection, issued_by, late_reason: str = "") -> CheckCode:
    late = bool(late_reason)

    def precheck(insp, policy):
        _require_issuer(issued_by, insp)
        if insp.mode != Inspection.Mode.ONSITE:
            raise InvalidState(_("只有现场检查需要检查码。"))
        if insp.status != Inspection.Status.APPROVED:
            raise InvalidState(_("检查须经审批后才能赋码。"))
        today = timezone.localdate()
        if late:
            limit = policy.late_code_days
            if insp.date > today or (today - insp.date).days > limit:
                raise InvalidState(_("事后补码只能在检查后%(n)s日内办理。") % {"n": limit})
        elif insp.date < today:
            raise InvalidState(_("检查日期已过，紧急检查请办理事后补码。"))

    # The gate protocol locks the enterprise row FIRST: it serialises competitors for the last slot.
    # The writes below reuse what the attempt read (policy, participations, matters, the enterprise):
    # bench/issuance_queries.py counts them; checkcode/tests/test_issue_queries.py pins the count.
    with gate_attempt(inspection=inspection, by=issued_by, stage="late_code" if late else "issue", late=late,
                      precheck=precheck) as attempt:
        insp = attempt.inspection
        valid_from, valid_until = validity_window(insp.date)
        code = _create_code(inspection=insp, issued_by=issued_by, valid_from=valid_from, valid_until=valid_until,
                            is_late=late, late_reason=late_reason)
        takes = takes_slot(inspection=insp, policy=attempt.policy)
        insp.slot_year = insp.date.year if takes else None
        insp.counts_toward_cap = takes
        insp.status = Inspection.Status.CODE_ISSUED
        fields = ["slot_year", "counts_toward_cap", "status", "updated_at"]
        if late:
            insp.is_emergency, insp.emergency_reason = True, late_reason
            fields += ["is_emergency", "emergency_reason"]
        insp.save(update_fields=fields)
        # "Unused for years" clean-up lists (举措 2) read last_used_on; an issued code is a use.
        matter_mark_used(matters=attempt.matters, on_date=insp.date)
        audit_record_together(actor=issued_by, entries=[
            dict(action="checkcode.issued_late" if late else "checkcode.issued", target=code, reason=late_reason,
                 changes={"inspection": insp.pk, "slot_year": insp.slot_year, "valid_from": valid_from,
                          "valid_until": valid_until}),
            dict(action="inspection.code_issued", target=insp,
                 changes={"status": ["approved", "code_issued"], "code": code.code, "late": late})])
        # 触发式检查备案: filed when the code is issued or the late code registered (decision d).
        filed = []  # the filing's event goes out with the code's, in one outbox INSERT
        triggered_filing_record(inspection=insp, by=issued_by, events=filed)
        code_event_publish("check_code.late" if late else "check_code.issued", code, also=filed)
    return code


def checkcode_issue(*, inspection: Inspection, issued_by) -> CheckCode:
    """Issue the 检查码 of an approved on-site inspection (举措 8, 10).

    Inside one transaction: lock the enterprise row, run every gate again (caps counted under the
    lock), create the code, take the slot. A refusal (409, RuleViolations) is recorded as GateRefusal
    after the rollback. Do not call inside an outer transaction: the refusal record must commit."""
    return _issue(inspection=inspection, issued_by=issued_by)


def checkcode_issue_late(*, inspection: Inspection, issued_by, reason: str) -> CheckCode:
    """事后补码 for an emergency inspection done without a code, within FrequencyPolicy.late_code_days,
    with a reason; the code is flagged late everywhere and still takes its slot."""
    if not (reason or "").strip():
        raise ValidationFailed(detail={"reason": [_("事后补码须说明紧急原因。")]})
    return _issue(inspection=inspection, issued_by=issued_by, late_reason=reason.strip())


@transaction.atomic
def checkcode_revoke(*, code: CheckCode, by, reason: str) -> CheckCode:
    """Revoke a code with a reason. Before its window opens the slot is freed (docs/api.md semantics) and a
    triggered inspection's filing is withdrawn; the inspection returns to `approved` so a new code can
    be issued."""
    if not (reason or "").strip():
        raise ValidationFailed(detail={"reason": [_("撤销检查码须说明原因。")]})
    code = CheckCode.objects.select_for_update().select_related("inspection").get(pk=code.pk)
    insp = Inspection.objects.select_for_update().get(pk=code.inspection_id)
    if not user_may_act_for(by, insp):
        raise PermissionDeniedError(_("只有参与单位的工作人员可以撤销检查码。"))
    if code.status not in (CheckCode.Status.ISSUED, CheckCode.Status.SHOWN) or hasattr(insp, "result"):
        raise InvalidState(_("已录入结果或已失效的检查码不能撤销。"))
    now = timezone.now()
    old = code.status
    code.status, code.revoked_reason, code.revoked_at = CheckCode.Status.REVOKED, reason, now
    code.save(update_fields=["status", "revoked_reason", "revoked_at", "updated_at"])
    freed = now < code.valid_from
    if freed:
        insp.slot_year = None
    insp.status = Inspection.Status.APPROVED
    insp.save(update_fields=["slot_year", "status", "updated_at"])
    audit_record(actor=by, action="checkcode.revoked", target=code, reason=reason,
                 changes={"status": [old, "revoked"], "slot_freed": freed})
    audit_record(actor=by, action="inspection.code_revoked", target=insp, reason=reason,
                 changes={"status": ["code_issued", "approved"], "slot_freed": freed})
    withdrawn = []
    if freed:  # revoked before its window: the inspection did not take place (decision d)
        triggered_filing_withdraw(inspection=insp, by=by, reason=reason, events=withdrawn)
    code_event_publish("check_code.revoked", code, also=withdrawn)
    return code
