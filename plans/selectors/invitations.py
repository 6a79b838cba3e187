"""Reads of 邀约 (举措 13), scoped by role: agency staff see their own agency's invitations; reviewers
(and the platform, read-only) see all."""
from django.db.models import QuerySet

from jiujiang_inspect import roles

from ..models import Invitation


def invitation_list_for_user(*, user) -> QuerySet[Invitation]:
    qs = Invitation.objects.select_related("enterprise", "agency", "created_by")
    if roles.is_reviewer(user) or roles.is_platform(user):
        return qs
    if roles.is_staff_member(user) and getattr(user, "agency_id", None):
        return qs.filter(agency_id=user.agency_id)
    return qs.none()
