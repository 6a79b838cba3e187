"""Role names shared by every app. The User model (subjects) stores one of these in `role`."""

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
