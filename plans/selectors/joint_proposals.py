"""Reads of 综合查一次 merge proposals (decision g), scoped by role: agency staff see the proposals their
agency made or must answer; reviewers (and the platform, read-only) see all."""
from django.db.models import Q, QuerySet

from jiujiang_inspect import roles

from ..models import JointProposal


def joint_proposal_list_for_user(*, user) -> QuerySet[JointProposal]:
    qs = JointProposal.objects.select_related("target__enterprise", "source__enterprise", "target__initiating_agency",
                                              "source__initiating_agency", "proposing_agency", "consenting_agency",
                                              "proposed_by", "decided_by")
    if roles.is_reviewer(user) or roles.is_platform(user):
        return qs
    if roles.is_staff_member(user) and getattr(user, "agency_id", None):
        return qs.filter(Q(proposing_agency_id=user.agency_id) | Q(consenting_agency_id=user.agency_id))
    return qs.none()


def joint_proposals_awaiting(*, user) -> QuerySet[JointProposal]:
    """Pending proposals the user, an agency admin, is to accept or decline (their home shows them)."""
    if not (roles.is_agency_admin(user) and getattr(user, "agency_id", None)):
        return JointProposal.objects.none()
    return (joint_proposal_list_for_user(user=user)
            .filter(consenting_agency_id=user.agency_id, status=JointProposal.Status.PENDING).order_by("created_at", "id"))


def joint_proposals_of_inspection(*, user, inspection) -> QuerySet[JointProposal]:
    """Proposals involving one inspection that the user may see, newest first."""
    return joint_proposal_list_for_user(user=user).filter(Q(target=inspection) | Q(source=inspection))
