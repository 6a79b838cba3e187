"""Matter equivalences, the guidance settings and 结果互认 itself (举措 12)."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checkcode.models import CheckCode, InspectionResult
from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record, model_changes, snapshot
from matters.models import InspectionMatter
from plans.models import Inspection

from ..exceptions import (
    EquivalenceSameAgency,
    InvalidState,
    PermissionDeniedError,
    RecognitionMattersNotCovered,
    ResultNotRecognisable,
)
from ..models import GuidancePolicy, MatterEquivalence, ResultRecognition
from ..selectors.recognition import recognisable_results
from .common import fail, require_text

POLICY_FIELDS = ["recognition_window_days", "checkcode_training_deadline"]


@transaction.atomic
def policy_update(*, by, reason: str = "", **fields) -> GuidancePolicy:
    """The 司法局 changes the recognition window or the training deadline; audited with a reason."""
    roles.require(by, roles.REVIEWER)
    policy = GuidancePolicy.objects.select_for_update().get(pk=GuidancePolicy.current().pk)
    before = snapshot(policy, POLICY_FIELDS)
    for key, value in fields.items():
        if key not in POLICY_FIELDS:
            continue
        setattr(policy, key, value)
    if policy.recognition_window_days is None or not 1 <= int(policy.recognition_window_days) <= 3650:
        fail("recognition_window_days", _("互认期限应在1到3650天之间。"))
    policy.save()
    changes = model_changes(policy, POLICY_FIELDS, before)
    if changes:
        audit_record(actor=by, action="guidance_policy.updated", target=policy, changes=changes, reason=reason)
    return policy


@transaction.atomic
def equivalence_create(*, by, matter_a: InspectionMatter, matter_b: InspectionMatter,
                       note: str = "") -> MatterEquivalence:
    """Record that two matters of different agencies check the same thing (reviewers)."""
    roles.require(by, roles.REVIEWER)
    if matter_a.pk == matter_b.pk or matter_a.agency_id == matter_b.agency_id:
        raise EquivalenceSameAgency(detail={"matter_b": [str(EquivalenceSameAgency.default_message)]})
    low, high = sorted([matter_a, matter_b], key=lambda m: m.pk)
    eq, created = MatterEquivalence.objects.get_or_create(
        matter_a=low, matter_b=high, defaults={"note": note or "", "created_by": by})
    if not created:
        if eq.is_active:
            fail("matter_b", _("这两个事项已登记为等效事项。"))
        eq.is_active, eq.note = True, note or eq.note
        eq.save(update_fields=["is_active", "note", "updated_at"])
    audit_record(actor=by, action="matter_equivalence.created", target=eq,
                 changes={"matter_a": low.code, "matter_b": high.code, "note": eq.note})
    return eq


@transaction.atomic
def equivalence_deactivate(*, equivalence: MatterEquivalence, by, reason: str) -> MatterEquivalence:
    roles.require(by, roles.REVIEWER)
    reason = require_text("reason", reason, _("原因"))
    if not equivalence.is_active:
        raise InvalidState(_("该等效关系已失效。"))
    equivalence.is_active = False
    equivalence.save(update_fields=["is_active", "updated_at"])
    audit_record(actor=by, action="matter_equivalence.deactivated", target=equivalence,
                 changes={"is_active": [True, False]}, reason=reason)
    return equivalence


def _require_agency_member(by, inspection):
    if (roles.is_inspector(by) or roles.is_agency_admin(by)) and by.agency_id == inspection.initiating_agency_id:
        return
    raise PermissionDeniedError(_("只有发起检查的单位可以互认其他单位的检查结果。"))


@transaction.atomic
def recognition_create(*, inspection: Inspection, result: InspectionResult, by, reason: str) -> ResultRecognition:
    """结果互认 (举措 12): the agency recognises another agency's recent result instead of inspecting.

    The draft is locked, checked against `recognisable_results` (same enterprise, within the window,
    another agency, every draft matter covered by the same or an equivalent matter), then cancelled.
    `plans` owns inspections but has no "cancelled by recognition" service, so the status is set by a
    direct conditional UPDATE (draft → cancelled) and audited here as `inspection.cancelled`. No 检查码
    is issued and no cap slot is taken (slots are taken only at code issuance)."""
    _require_agency_member(by, inspection)
    reason = require_text("reason", reason, _("互认理由"), 2000)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status != Inspection.Status.DRAFT:
        raise InvalidState(_("只有草稿状态的检查可以以结果互认代替。"))
    if ResultRecognition.objects.filter(inspection=inspection).exists():
        raise InvalidState(_("该检查已办理结果互认。"))
    if CheckCode.objects.filter(inspection=inspection, status__in=CheckCode.LIVE).exists():
        raise InvalidState(_("该检查已赋码，不能再以结果互认代替。"))
    match = next((c for c in recognisable_results(inspection=inspection) if c["result"].pk == result.pk), None)
    if match is None:
        raise ResultNotRecognisable()
    if not match["full"]:
        raise RecognitionMattersNotCovered(detail={"uncovered_matters": sorted(match["uncovered"])})
    now = timezone.now()
    updated = Inspection.objects.filter(pk=inspection.pk, status=Inspection.Status.DRAFT).update(
        status=Inspection.Status.CANCELLED, updated_at=now)
    if updated != 1:
        raise InvalidState()
    recognition = ResultRecognition.objects.create(
        inspection=inspection, result=result, agency_id=inspection.initiating_agency_id,
        enterprise_id=inspection.enterprise_id, reason=reason, recognised_by=by, created_at=now)
    audit_record(actor=by, action="inspection.cancelled", target=inspection,
                 changes={"status": [Inspection.Status.DRAFT, Inspection.Status.CANCELLED]},
                 reason=_("以结果互认代替检查：%(reason)s") % {"reason": reason})
    audit_record(actor=by, action="recognition.created", target=recognition,
                 changes={"inspection": inspection.pk, "result": result.pk,
                          "result_inspection": result.inspection_id, "enterprise": inspection.enterprise.uscc},
                 reason=reason)
    return recognition
