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
