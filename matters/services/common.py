"""Permission and input helpers shared by the matter services."""
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.exceptions import PermissionDeniedError, ValidationFailed


def fail(field: str, message) -> None:
    raise ValidationFailed(str(message), detail={field: [str(message)]})


def require_catalogue_manager(by, agency) -> None:
    """Reviewers manage every catalogue; an agency admin only their own agency's."""
    if roles.is_reviewer(by):
        return
    if roles.is_agency_admin(by) and by.agency_id == getattr(agency, "pk", agency):
        return
    raise PermissionDeniedError(_("只能管理本单位的检查事项。"))


def check_length(field: str, value, limit: int, label: str) -> None:
    if value is not None and len(str(value)) > limit:
        fail(field, _("%(label)s不能超过%(n)d个字符。") % {"label": label, "n": limit})
