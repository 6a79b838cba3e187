"""综合查一次 with consent (decision g; docs/domain.md "Joint matching with consent").

Staff of an agency propose to merge their pending inspection with a match the rules offer
(`joint_match_candidates`: another agency's pending inspection of the same joint-pool enterprise within
the window), in either direction. Nothing of the other agency's inspection changes until the admin of
that inspection's initiating agency accepts; the proposal can be declined (by that admin) or withdrawn
(by the proposing agency). Every step is audited on the proposal and on both inspections.
"""
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError, ValidationFailed

from ..exceptions import JointMatchNotOffered
from ..models import Inspection, JointProposal
from ..selectors.inspections import joint_match_candidates
from . import inspections as inspection_services

PENDING = JointProposal.Status.PENDING


def _own_and_other(proposal):
    """(the proposing agency's inspection, the other agency's inspection)."""
    if proposal.target.initiating_agency_id == proposal.consenting_agency_id:
        return proposal.source, proposal.target
    return proposal.target, proposal.source


def _offered(own: Inspection, other: Inspection) -> bool:
    return joint_match_candidates(inspection=own).filter(pk=other.pk).exists()


def _audit_both(proposal, by, action, changes, reason=""):
    audit_record(actor=by, action=f"joint_proposal.{action}", target=proposal, changes=changes, reason=reason)
    for insp in (proposal.target, proposal.source):
        audit_record(actor=by, action=f"inspection.joint_proposal_{action}", target=insp, reason=reason,
                     changes={"proposal": proposal.pk, "target": proposal.target_id, "source": proposal.source_id,
                              **changes})


@transaction.atomic
def joint_proposal_create(*, by, inspection: Inspection, other: Inspection, direction: str,
                          note: str = "") -> JointProposal:
    """Propose a merge of `inspection` (the proposer's agency initiated it) with `other`, a match the
    rules offer for it. `direction` "into": this inspection is merged into the other; "from": the other
    is merged into this one. Returns the pending proposal; the merge waits for the other agency's admin.

    Errors: PermissionDeniedError (not staff of the initiating agency, or a reviewer),
    ValidationFailed (direction), JointMatchNotOffered (409, `other` not offered), InvalidState (already
    a pending proposal for the pair)."""
    if (roles.is_reviewer(by) or not inspection_services.user_may_act_for(by, inspection)
            or by.agency_id != inspection.initiating_agency_id):
        # A participant that did not initiate would be merging a third agency's inspection unasked.
        raise PermissionDeniedError(_("只有发起该检查的单位工作人员可以申请合并。"))
    if direction not in JointProposal.Direction.values:
        raise ValidationFailed(detail={"direction": [_("请选择合并方向。")]})
    locked = {i.pk: i for i in Inspection.objects.select_for_update().filter(pk__in=sorted([inspection.pk, other.pk]))}
    own, other = locked[inspection.pk], locked.get(other.pk)
    if other is None or not _offered(own, other):
        raise JointMatchNotOffered()
    target, source = (other, own) if direction == JointProposal.Direction.INTO else (own, other)
    if JointProposal.objects.filter(status=PENDING, target__in=[own, other], source__in=[own, other]).exists():
        raise InvalidState(_("这两项检查已有待确认的合并申请。"))
    proposal = JointProposal.objects.create(target=target, source=source, proposing_agency_id=by.agency_id,
                                            consenting_agency_id=other.initiating_agency_id, proposed_by=by,
                                            note=(note or "").strip())
    _audit_both(proposal, by, "proposed", {"status": [None, PENDING], "direction": direction,
                                           "consenting_agency": other.initiating_agency.code})
    return proposal


def _locked_pending(proposal):
    proposal = JointProposal.objects.select_for_update().select_related(
        "target", "source", "consenting_agency", "proposing_agency").get(pk=proposal.pk)
    if proposal.status != PENDING:
        raise InvalidState(_("该合并申请已处理（%(s)s）。") % {"s": proposal.get_status_display()})
    return proposal


def _require_consenting_admin(by, proposal):
    if not (roles.is_agency_admin(by) and by.agency_id == proposal.consenting_agency_id):
        raise PermissionDeniedError(_("只有被申请单位的单位管理员可以同意或拒绝合并申请。"))


def _decide(proposal, by, status, reason):
    old = proposal.status
    proposal.status, proposal.decided_by, proposal.decided_at = status, by, timezone.now()
    proposal.decision_reason = (reason or "").strip()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    return {"status": [old, status]}


def _merge(*, target: Inspection, source: Inspection, by, proposal) -> Inspection:
    """Move the source's participations into the target: one joint inspection that counts once for the
    enterprise. The source becomes `merged`; an approved target goes back to draft (its approval
    covered fewer agencies) and is approved again with every gate."""
    target_agencies = set(target.participations.values_list("agency_id", flat=True))
    moved = []
    for part in source.participations.select_related("agency"):
        if part.agency_id in target_agencies:
            raise ValidationFailed(detail={"source": [_("%(a)s已参与目标检查。") % {"a": part.agency.name}]})
        part.inspection, part.is_lead = target, False
        part.save(update_fields=["inspection", "is_lead"])
        moved.append(part.agency.code)
    old_source = source.status
    source.status, source.merged_into = Inspection.Status.MERGED, target
    source.save(update_fields=["status", "merged_into", "updated_at"])
    old_target = target.status
    if target.status == Inspection.Status.APPROVED:
        target.status, target.approved_by, target.approved_at = Inspection.Status.DRAFT, None, None
    target.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_record(actor=by, action="inspection.merged_into", target=target,
                 changes={"merged_from": source.pk, "agencies": moved, "proposal": proposal.pk,
                          "status": [old_target, target.status]})
    audit_record(actor=by, action="inspection.merged", target=source,
                 changes={"status": [old_source, "merged"], "merged_into": target.pk, "proposal": proposal.pk})
    return target


@transaction.atomic
def joint_proposal_accept(*, proposal: JointProposal, by, reason: str = "") -> JointProposal:
    """The admin of the consenting agency accepts: the merge takes effect now, if the match is still
    one the rules offer (both inspections pending, same window, joint-pool enterprise). Other pending
    proposals of the merged source lapse. Errors: PermissionDeniedError, InvalidState (not pending),
    JointMatchNotOffered (409, the match no longer holds)."""
    _require_consenting_admin(by, proposal)
    proposal = _locked_pending(proposal)
    pks = sorted([proposal.target_id, proposal.source_id])
    locked = {i.pk: i for i in Inspection.objects.select_for_update().filter(pk__in=pks).order_by("pk")}
    proposal.target, proposal.source = locked[proposal.target_id], locked[proposal.source_id]
    own, other = _own_and_other(proposal)
    if not _offered(own, other):
        raise JointMatchNotOffered(_("两项检查已不再符合联合检查匹配条件（状态、日期或企业对象库已变化），不能合并。"))
    joint = _merge(target=proposal.target, source=proposal.source, by=by, proposal=proposal)
    changes = _decide(proposal, by, JointProposal.Status.ACCEPTED, reason)
    _audit_both(proposal, by, "accepted", changes, reason)
    joint_proposals_lapse(inspection=proposal.source, by=by, reason=_("该检查已并入其他检查"))
    proposal.target = joint
    return proposal


@transaction.atomic
def joint_proposal_decline(*, proposal: JointProposal, by, reason: str = "") -> JointProposal:
    """The admin of the consenting agency declines; nothing changes on either inspection."""
    _require_consenting_admin(by, proposal)
    proposal = _locked_pending(proposal)
    _audit_both(proposal, by, "declined", _decide(proposal, by, JointProposal.Status.DECLINED, reason), reason)
    return proposal


@transaction.atomic
def joint_proposal_withdraw(*, proposal: JointProposal, by, reason: str = "") -> JointProposal:
    """Staff of the proposing agency withdraw their pending proposal."""
    if roles.is_reviewer(by) or not (roles.is_staff_member(by) and by.agency_id == proposal.proposing_agency_id):
        raise PermissionDeniedError(_("只有申请单位的工作人员可以撤回合并申请。"))
    proposal = _locked_pending(proposal)
    _audit_both(proposal, by, "withdrawn", _decide(proposal, by, JointProposal.Status.WITHDRAWN, reason), reason)
    return proposal


def joint_proposals_lapse(*, inspection: Inspection, by, reason: str) -> int:
    """Pending proposals involving an inspection that can no longer be merged (cancelled, merged) lapse,
    audited on the proposal. Call inside the caller's transaction. Returns how many lapsed."""
    pending = list(JointProposal.objects.select_for_update().filter(
        Q(target=inspection) | Q(source=inspection), status=PENDING))
    for proposal in pending:
        changes = _decide(proposal, None, JointProposal.Status.LAPSED, reason)
        audit_record(actor=by, action="joint_proposal.lapsed", target=proposal, changes=changes, reason=reason)
    return len(pending)

