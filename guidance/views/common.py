"""Shared decorators and helpers of the guidance pages."""
from subjects.views import apply_errors, manager_required, reviewer_required, staff_required  # noqa: F401


def is_manager(user):
    from jiujiang_inspect import roles

    return roles.is_reviewer(user) or roles.is_agency_admin(user)
