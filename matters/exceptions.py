"""Domain errors of the matter catalogue (检查事项). Codes are part of the API contract (docs/api.md)."""
from django.utils.translation import gettext_lazy as _

from jiujiang_inspect.exceptions import (  # noqa: F401  (re-exported for callers of this app)
    ApplicationError,
    InvalidState,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)


class MatterNotPublished(ApplicationError):
    """Only a published matter may be used for an inspection (举措 2, docs/domain.md 检查码 workflow 1–2).

    `detail["matters"]` lists the codes of the offending matters with their status."""

    code = "matter_not_published"
    status_code = 409
    default_message = _("检查事项尚未公布（或需调整后重新备案），不能用于检查。")


class LegalBasisNotInForce(ApplicationError):
    """Every legal basis of a matter must be in force on the inspection day (举措 2).

    `detail["matters"]` lists matter codes, `detail["legal_bases"]` the bases that are amended,
    repealed or not yet effective."""

    code = "legal_basis_not_in_force"
    status_code = 409
    default_message = _("检查事项的法定依据已修改、废止或尚未施行，需调整后重新备案。")


class CatalogueNotReady(ApplicationError):
    """A whole-catalogue submission is all-or-nothing: some matter is not ready to be filed.

    `detail["matters"]` maps each failing matter code to its messages."""

    code = "catalogue_not_ready"
    status_code = 409
    default_message = _("部分事项未通过报送校验，未报送任何事项。")
