"""邀约 (举措 13): a non-inspection visit (行政指导, 调研, 培训 …) happens only with an Invitation the
enterprise made or accepted; without it the visit cannot be registered (`invitation_done`)."""
from django.db import transaction
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError, ValidationFailed

from ..models import Invitation


def _require_agency_staff(by, agency):
    if roles.is_reviewer(by):
        return
    if not (roles.is_staff_member(by) and by.agency_id == agency.pk):
        raise PermissionDeniedError(_("只能为本单位登记邀约。"))


@transaction.atomic
def invitation_create(*, by, enterprise, agency, activity: str, date, purpose: str,
                      invited_by_enterprise: bool = False) -> Invitation:
    """Record a proposed visit; an enterprise's own invitation is accepted from the start."""
    _require_agency_staff(by, agency)
    if activity not in Invitation.Activity.values:
        raise ValidationFailed(detail={"activity": [_("活动类型无效。")]})
    if not (purpose or "").strip():
        raise ValidationFailed(detail={"purpose": [_("请说明事由。")]})
    inv = Invitation.objects.create(
        enterprise=enterprise, agency=agency, activity=activity, date=date, purpose=purpose,
        invited_by_enterprise=invited_by_enterprise, created_by=by,
        status=Invitation.Status.ACCEPTED if invited_by_enterprise else Invitation.Status.PROPOSED)
    audit_record(actor=by, action="invitation.created", target=inv,
                 changes={"enterprise": enterprise.uscc, "activity": activity, "date": date, "status": inv.status})
    return inv


def _transition(inv, by, to, allowed, action, reason=""):
    inv = Invitation.objects.select_for_update().get(pk=inv.pk)
    if inv.status not in allowed:
        raise InvalidState()
    old = inv.status
    inv.status = to
    inv.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action=action, target=inv, changes={"status": [old, to]}, reason=reason)
    return inv


@transaction.atomic
def invitation_accept(*, invitation: Invitation, by=None, reason: str = "") -> Invitation:
    """The enterprise accepts (through staff recording its answer, or the public page: `by` None)."""
    return _transition(invitation, by, Invitation.Status.ACCEPTED, (Invitation.Status.PROPOSED,),
                       "invitation.accepted", reason)


@transaction.atomic
def invitation_decline(*, invitation: Invitation, by=None, reason: str = "") -> Invitation:
    return _transition(invitation, by, Invitation.Status.DECLINED, (Invitation.Status.PROPOSED,),
                       "invitation.declined", reason)


@transaction.atomic
def invitation_done(*, invitation: Invitation, by) -> Invitation:
    """Register the visit: only an accepted invitation may be done (a refused one is `invalid_state`)."""
    _require_agency_staff(by, invitation.agency)
    return _transition(invitation, by, Invitation.Status.DONE, (Invitation.Status.ACCEPTED,), "invitation.done")
