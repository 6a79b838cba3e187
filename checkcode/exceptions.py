"""Domain errors of the 检查码, results, evaluations and rectification (codes from docs/api.md)."""
from django.utils.translation import gettext_lazy as _

from jiujiang_inspect.exceptions import ApplicationError, InvalidState, PermissionDeniedError  # noqa: F401


class CodeNotIssued(ApplicationError):
    code = "code_not_issued"
    default_message = _("该现场检查尚未取得有效的检查码（无码不检查）。")


class CodeExpired(ApplicationError):
    code = "code_expired"
    default_message = _("检查码已过有效期。")


class EvaluationAlreadySubmitted(ApplicationError):
    code = "evaluation_already_submitted"
    default_message = _("该检查码已提交过评议，每个检查码只能评议一次。")



class DocumentNotAvailable(ApplicationError):
    """The kind cannot be issued yet: the data it prints does not exist (docs/documents.md "Kinds")."""

    code = "document_not_available"
    default_message = _("该检查尚不具备出具此类文书的条件。")


class EnterpriseNotFound(ApplicationError):
    code = "enterprise_not_found"
    status_code = 404
    default_message = _("未找到该统一社会信用代码登记的企业，请核对后重试。")


class NoContactPhone(ApplicationError):
    code = "no_contact_phone"
    status_code = 409
    default_message = _("该企业未登记联系电话，无法发送验证码。请联系区司法局（12345）登记。")


class VerificationTooSoon(ApplicationError):
    code = "verification_too_soon"
    status_code = 429
    default_message = _("验证码已发送，请稍后再试。")


class VerificationInvalid(ApplicationError):
    code = "verification_invalid"
    status_code = 400
    default_message = _("验证码不正确。")


class VerificationExpired(ApplicationError):
    code = "verification_expired"
    status_code = 400
    default_message = _("验证码已失效，请重新获取。")
