"""Role names shared by every app. The User model (subjects) stores one of these in `role`.
`require(...)` is the one permission check services use for "only these roles may do this"."""
from django.utils.translation import gettext_lazy as _

from .exceptions import PermissionDeniedError

INSPECTOR = "inspector"
AGENCY_ADMIN = "agency_admin"
REVIEWER = "reviewer"
PLATFORM = "platform"

STAFF_ROLES = {INSPECTOR, AGENCY_ADMIN, REVIEWER}


def is_reviewer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or getattr(user, "role", None) == REVIEWER
    )


def is_agency_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) == AGENCY_ADMIN


def is_inspector(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) == INSPECTOR


def is_platform(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) == PLATFORM


def is_staff_member(user) -> bool:
    """A person working in the system (not the platform, not the public)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or getattr(user, "role", None) in STAFF_ROLES
    )


_HOLDS = {INSPECTOR: is_inspector, AGENCY_ADMIN: is_agency_admin, REVIEWER: is_reviewer, PLATFORM: is_platform}
_ONLY = {REVIEWER: _("仅区司法局审核员可以执行此操作。")}


def require(user, *allowed: str, message=None) -> None:
    """Raise PermissionDeniedError (403 `permission_denied`) unless `user` holds one of the `allowed` roles
    (a superuser counts as a reviewer, as in `is_reviewer`).

    `message` is the Chinese reason shown to the user; without it, a reviewer-only check says
    "仅区司法局审核员可以执行此操作。" and any other the generic "您无权执行此操作。".
    Example: `roles.require(by, roles.REVIEWER, message=_("仅区司法局审核员可以办理计划备案。"))`.
    """
    if not allowed:
        raise ValueError("roles.require needs at least one role")
    if any(_HOLDS[role](user) for role in allowed):
        return
    default = _ONLY.get(allowed[0]) if len(allowed) == 1 else None
    raise PermissionDeniedError(message or default)
