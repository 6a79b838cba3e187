"""Web plumbing shared by every app's HTML views: role decorators and showing a service's error in a form."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from . import roles
from .exceptions import ApplicationError


def role_required(check):
    """A view decorator: login first, then `check(user)` or 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(roles.is_staff_member)
reviewer_required = role_required(roles.is_reviewer)
manager_required = role_required(lambda u: roles.is_reviewer(u) or roles.is_agency_admin(u))


def apply_errors(form, exc: ApplicationError):
    """Show a service's error next to its field, or at the top of the form."""
    placed = False
    items = list((exc.detail or {}).items())
    while items:
        field, msgs = items.pop(0)
        if isinstance(msgs, dict):  # a nested API field ({"advance_notice": {"notified_at": [...]}})
            items += [(sub if sub in form.fields else field, m) for sub, m in msgs.items()]
            continue
        target = field if field in form.fields else None
        for m in (msgs if isinstance(msgs, list) else [msgs]):
            form.add_error(target, str(m))
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def upload_job_start(request, form, *, kind: str):
    """Check an uploaded workbook (size, zip ratio) and queue its import job with progress.

    Returns a redirect to the job's progress page, or None with the problem shown on the form."""
    from .excel import check_xlsx_upload
    from .jobs import job_create

    if request.method != "POST" or not form.is_valid():
        return None
    try:
        check_xlsx_upload(form.cleaned_data["file"])
    except ApplicationError as exc:
        apply_errors(form, exc)
        return None
    job = job_create(kind=kind, by=request.user, upload=form.cleaned_data["file"])
    return job_redirect(request, job)


def job_redirect(request, job):
    """To the job's progress page, carrying the upload page's `next` so that its 返回 leads back to
    where the user started (issue 15; checked again where it is shown, `{% back_url %}`)."""
    from django.shortcuts import redirect
    from django.urls import reverse
    from django.utils.http import urlencode

    url = reverse("job_status", args=[job.pk])
    back = request.POST.get("next", "")
    return redirect(f"{url}?{urlencode({'next': back})}" if back else url)
