"""Who may do what in this app, and the small helpers every guidance service shares."""
from django.utils.translation import gettext as _

from jiujiang_inspect import roles

from ..exceptions import NotAnInspector, PermissionDeniedError, ValidationFailed


def fail(field, message):
    raise ValidationFailed(str(message), detail={field: [str(message)]})


def require_organiser(by, agency):
    """A training is managed by reviewers, or by an agency admin of the organising agency."""
    if roles.is_reviewer(by):
        return
    if roles.is_agency_admin(by) and by.agency_id == getattr(agency, "pk", None):
        return
    raise PermissionDeniedError(_("只有主办单位管理员或区司法局可以管理该培训。"))


def inspector_of(by):
    """The Inspector record behind an account: required to sign in or sit a test."""
    inspector = getattr(by, "inspector", None) if getattr(by, "inspector_id", None) else None
    if inspector is None:
        raise NotAnInspector()
    return inspector


def require_text(field, value, label, max_length=None):
    value = (value or "").strip()
    if not value:
        fail(field, _("请填写%(label)s。") % {"label": label})
    if max_length and len(value) > max_length:
        fail(field, _("%(label)s不能超过%(n)d个字符。") % {"label": label, "n": max_length})
    return value
