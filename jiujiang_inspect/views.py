"""Plumbing pages: the audit trail (reviewers) and a background job's progress (its owner)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from . import roles
from .models import AuditEntry, BackgroundJob


@login_required
def audit_list(request):
    if not roles.is_reviewer(request.user):
        raise PermissionDenied
    qs = AuditEntry.objects.select_related("actor", "target_type")
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    agency = request.GET.get("agency", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if agency:
        qs = qs.filter(agency_code=agency)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit_list.html", {"page": page, "filters": request.GET})


@login_required
def job_status(request, pk):
    job = get_object_or_404(BackgroundJob, pk=pk)
    if job.created_by_id != request.user.pk and not roles.is_reviewer(request.user):
        raise PermissionDenied
    template = "job_progress_fragment.html" if request.headers.get("HX-Request") else "job_status.html"
    return render(request, template, {"job": job})
