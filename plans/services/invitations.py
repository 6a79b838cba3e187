"""邀约 (举措 13): a non-inspection visit (行政指导, 调研, 培训 …) happens only with an Invitation the
enterprise made or accepted; without it the visit cannot be registered (`invitation_not_accepted`).

The enterprise answers either through agency staff recording its answer, or itself on the public
invitation page, proving who it is with its 统一社会信用代码 (like the code page's evaluation)."""
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError, ValidationFailed
from jiujiang_inspect.outbox import Outgoing, outbox_publish
from subjects.validators import uscc_normalise

from ..exceptions import InvitationNotAccepted, UsccMismatch
from ..models import Invitation

_TOKEN_SALT = "plans.invitation.public"


def invitation_public_token(invitation: Invitation) -> str:
    """The unguessable part of the public invitation link (id + 80-bit HMAC): the id alone would let
    anyone walk through other enterprises' invitations."""
    mac = salted_hmac(_TOKEN_SALT, str(invitation.pk), algorithm="sha256").hexdigest()[:20]
    return f"{invitation.pk}-{mac}"


def invitation_from_public_token(token: str) -> Invitation | None:
    pk, _sep, mac = (token or "").partition("-")
    if not pk.isdigit() or not mac:
        return None
    inv = Invitation.objects.select_related("enterprise", "agency").filter(pk=int(pk)).first()
    if inv is None or not constant_time_compare(invitation_public_token(inv), token):
        return None
    return inv


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
    if not invited_by_enterprise:  # the enterprise answers on its public page: send it the link
        invitation_sms_publish(inv, invitation_public_token(inv))
    return inv


def _transition(inv, by, to, allowed, action, reason="", refused=InvalidState):
    inv = Invitation.objects.select_for_update().get(pk=inv.pk)
    if inv.status not in allowed:
        raise refused()
    old = inv.status
    inv.status = to
    inv.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action=action, target=inv, changes={"status": [old, to]}, reason=reason,
                 agency_code=inv.agency.code if by is None else "")
    return inv


@transaction.atomic
def invitation_accept(*, invitation: Invitation, by=None, reason: str = "") -> Invitation:
    """The enterprise accepts (through staff of the inviting agency recording its answer, or the public
    page: `by` None)."""
    if by is not None:
        _require_agency_staff(by, invitation.agency)
    return _transition(invitation, by, Invitation.Status.ACCEPTED, (Invitation.Status.PROPOSED,),
                       "invitation.accepted", reason)


@transaction.atomic
def invitation_decline(*, invitation: Invitation, by=None, reason: str = "") -> Invitation:
    """The enterprise declines; the visit can then never be registered."""
    if by is not None:
        _require_agency_staff(by, invitation.agency)
    return _transition(invitation, by, Invitation.Status.DECLINED, (Invitation.Status.PROPOSED,),
                       "invitation.declined", reason)


@transaction.atomic
def invitation_respond_public(*, invitation: Invitation, uscc: str, accept: bool, reason: str = "") -> Invitation:
    """The enterprise answers on the public page; its 统一社会信用代码 is the proof (`uscc_mismatch`)."""
    if uscc_normalise(uscc) != invitation.enterprise.uscc:
        raise UsccMismatch(_("统一社会信用代码与受邀企业不一致。"))
    note = reason.strip() or _("企业通过公开页面答复")
    service = invitation_accept if accept else invitation_decline
    return service(invitation=invitation, by=None, reason=note)


@transaction.atomic
def invitation_done(*, invitation: Invitation, by) -> Invitation:
    """Register the visit: only an accepted invitation may be done. A proposed or declined one is
    refused with `invitation_not_accepted` (举措 13: no invitation, no visit)."""
    _require_agency_staff(by, invitation.agency)
    if invitation.status == Invitation.Status.DONE:
        raise InvalidState(_("此次走访已登记。"))
    return _transition(invitation, by, Invitation.Status.DONE, (Invitation.Status.ACCEPTED,), "invitation.done",
                       refused=InvitationNotAccepted)


def invitation_sms_publish(invitation, token: str) -> None:
    """invitation.sent: the enterprise's registered contact phone gets the link of its public invitation
    page, where it accepts or declines (举措 13)."""
    link = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("plans:public_invitation", args=[token])
    firm, agency = invitation.enterprise, invitation.agency
    text = (f"【鸠江区综合查一次】{firm.name}：{agency.short_name or agency.name}拟于{invitation.date:%Y年%m月%d日}"
            f"到贵单位开展{invitation.get_activity_display()}（非检查），请查看并答复：{link}")
    outbox_publish("invitation.sent", key=f"invitation:{invitation.pk}", data=None,
                   extra=[Outgoing(channel="sms", recipient=firm.contact_phone, payload={"text": text, "link": link})])
