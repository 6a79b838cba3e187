"""Domain errors of the enterprise registry, pools, caps and annual plans (codes per API.md)."""
from django.utils.translation import gettext_lazy as _

from jiujiang_inspect.exceptions import (
    ApplicationError,
    InvalidState,
    PermissionDeniedError,
    ValidationFailed,
)

__all__ = ["ApplicationError", "InvalidState", "PermissionDeniedError", "ValidationFailed", "InvalidUscc",
           "UsccChecksumMismatch", "EnterpriseNotJoint"]


class InvalidUscc(ValidationFailed):
    """统一社会信用代码 of the wrong shape (GB 32100-2015: 18 characters of 0-9A-HJ-NPQRTUWXY)."""

    code = "invalid_uscc"
    status_code = 400
    default_message = _("统一社会信用代码格式不正确：应为18位，由数字和大写字母（不含I、O、Z、S、V）组成。")


class UsccChecksumMismatch(ValidationFailed):
    """The check character does not match. Some early legal codes fail it, so a reviewer may accept it."""

    code = "uscc_checksum_mismatch"
    status_code = 400
    default_message = _("统一社会信用代码校验位不符。如确属早期赋码，请由区司法局审核员确认后登记。")


class EnterpriseNotJoint(ApplicationError):
    """An enterprise that declined joint inspections cannot be put in the 联合检查对象库."""

    code = "enterprise_not_joint"
    status_code = 409
    default_message = _("该企业不参加联合检查，不能纳入联合检查对象库。")
