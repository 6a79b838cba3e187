"""Shared decorators and helpers of the guidance pages."""
from jiujiang_inspect.web import (  # noqa: F401
    apply_errors,
    manager_required,
    reviewer_required,
    staff_required,
)


def is_manager(user):
    from jiujiang_inspect import roles

    return roles.is_reviewer(user) or roles.is_agency_admin(user)
