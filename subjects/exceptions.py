from django.utils.translation import gettext_lazy as _

from jiujiang_inspect.exceptions import ApplicationError, PermissionDeniedError, ValidationFailed

__all__ = ["ApplicationError", "PermissionDeniedError", "ValidationFailed", "InspectorNotInAgency"]


class InspectorNotInAgency(ApplicationError):
    code = "inspector_not_in_agency"
    default_message = _("所选执法人员不属于该单位。")
