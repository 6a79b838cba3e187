"""DRF permission classes by role and token scope."""
from rest_framework.permissions import SAFE_METHODS, BasePermission

from . import roles


def _scope_ok(request, scope):
    token = request.auth
    # Session users have no token; a token without the scope is refused even for its owner's role.
    return token is None or not hasattr(token, "has_scope") or token.has_scope(scope) or request.user.is_superuser


class IsStaffUser(BasePermission):
    """Inspectors, agency admins, reviewers and superusers. Object scoping is done by selectors."""

    def has_permission(self, request, view):
        return roles.is_staff_member(request.user)


class IsReviewer(BasePermission):
    def has_permission(self, request, view):
        return roles.is_reviewer(request.user)


class IsReviewerOrReadOnlyStaff(BasePermission):
    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return roles.is_staff_member(request.user)
        return roles.is_reviewer(request.user)


class IsAgencyAdminOrReviewer(BasePermission):
    def has_permission(self, request, view):
        return roles.is_reviewer(request.user) or roles.is_agency_admin(request.user)


class StaffOrPlatformRead(BasePermission):
    """Staff of any role; the platform with the `read` scope, for safe methods only."""

    def has_permission(self, request, view):
        if roles.is_staff_member(request.user):
            return True
        return (roles.is_platform(request.user) and request.method in SAFE_METHODS
                and _scope_ok(request, "read"))


class ReviewerOrPlatformRead(BasePermission):
    def has_permission(self, request, view):
        if roles.is_reviewer(request.user):
            return True
        return (roles.is_platform(request.user) and request.method in SAFE_METHODS
                and _scope_ok(request, "read"))


def platform_scope(scope):
    """Permission class: the platform holding `scope` (writes) or `read` (reads); reviewers always."""

    class _PlatformScope(BasePermission):
        def has_permission(self, request, view):
            if roles.is_reviewer(request.user):
                return True
            if not roles.is_platform(request.user):
                return False
            needed = "read" if request.method in SAFE_METHODS else scope
            return _scope_ok(request, needed)

    _PlatformScope.__name__ = f"PlatformScope_{scope.replace(':', '_')}"
    return _PlatformScope


def or_platform_read(base):
    """`base`, or the platform holding the `read` scope for safe methods (issue 14: 智慧督 mirrors the
    agencies and inspectors; the serializers return personal data masked only)."""

    class _OrPlatformRead(BasePermission):
        def has_permission(self, request, view):
            if base().has_permission(request, view):
                return True
            return (roles.is_platform(request.user) and request.method in SAFE_METHODS
                    and _scope_ok(request, "read"))

    _OrPlatformRead.__name__ = f"{base.__name__}OrPlatformRead"
    return _OrPlatformRead
