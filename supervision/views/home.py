"""Home pages: each role lands on what it has to do today (docs/ui.md)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from jiujiang_inspect import roles

from .. import home as home_pages


@login_required
def home(request):
    user = request.user
    if roles.is_reviewer(user):
        ctx = home_pages.reviewer_home_context(user=user)
        return render(request, "supervision/home_reviewer.html", ctx)
    if roles.is_agency_admin(user):
        ctx = home_pages.agency_admin_home_context(user=user)
        return render(request, "supervision/home_agency_admin.html", ctx)
    ctx = home_pages.inspector_home_context(user=user)
    return render(request, "supervision/home_inspector.html", ctx)


def public_home(request):
    return render(request, "supervision/public_home.html")
