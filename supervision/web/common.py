"""Access decorators and small helpers shared by the supervision pages."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse

from jiujiang_inspect import roles


def reviewer_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not roles.is_reviewer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


def manager_required(view):
    """Reviewers and agency admins (who see their own agency only)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not (roles.is_reviewer(request.user) or roles.is_agency_admin(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


def apply_errors(form, exc):
    placed = False
    for field, msgs in (exc.detail or {}).items():
        if not isinstance(msgs, (list, tuple)):
            continue
        for m in msgs:
            form.add_error(field if field in form.fields else None, str(m))
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def url_or_empty(*candidates, query: str = "", args=()) -> str:
    """The first URL name that resolves (other teams' lists may not exist yet), with a query string."""
    for name in candidates:
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            continue
        return f"{url}?{query}" if query else url
    return ""
