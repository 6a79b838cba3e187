"""Plumbing views: the audit trail (reviewers), a background job's progress and its retry (its owner),
uploaded files (media) served only to whom may see them, /healthz, and POST /api/v1/auth/token/ where a
staff user exchanges username + password for a bearer token."""
import threading

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import audit_display, dates, roles
from .availability import FailOpenScopedRateThrottle
from .excel import workbook_response
from .exceptions import InvalidCredentials, LockedOut, PasswordChangeRequired
from .health import health_report
from .models import AuditEntry, BackgroundJob
from .tokens import api_token_create

AUDIT_EXPORT_LIMIT = 50_000


@login_required
def audit_list(request):
    """审计记录 (reviewers): filters by action (code prefix or its Chinese name), person, agency and a date
    range (dates read leniently, jiujiang_inspect.dates); `?export=xlsx` downloads what the filters select
    (at most AUDIT_EXPORT_LIMIT rows, newest first) with the same Chinese rendering as the page."""
    if not roles.is_reviewer(request.user):
        raise PermissionDenied
    qs = AuditEntry.objects.select_related("actor", "target_type")
    errors = {}
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    agency = request.GET.get("agency", "").strip()
    if action:
        codes = audit_display.actions_named(action)
        qs = qs.filter(Q(action__startswith=action) | Q(action__in=codes))
    if actor:
        qs = qs.filter(Q(actor_label__icontains=actor) | Q(actor__display_name__icontains=actor))
    if agency:
        qs = qs.filter(agency_code=agency.upper())
    for name, lookup in (("date_from", "at__date__gte"), ("date_to", "at__date__lte")):
        raw = request.GET.get(name, "").strip()
        if raw:
            try:
                day = dates.parse_date(raw)
            except dates.DateParseError as exc:
                errors[name] = str(exc)
                continue
            if not (dates.YEAR_MIN <= day.year <= dates.YEAR_MAX):
                errors[name] = "日期应在 1900—2100 年之间。"
                continue
            qs = qs.filter(**{lookup: day})
    if request.GET.get("export") == "xlsx" and not errors:
        rows = audit_display.audit_rows(qs[:AUDIT_EXPORT_LIMIT])
        return workbook_response(f"审计记录-{timezone.localdate():%Y%m%d}.xlsx", [(
            "审计记录", ["时间", "操作人", "动作", "动作代码", "对象", "变更", "原因"],
            ([timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"), r.actor, r.action_label, r.action, r.target,
              "；".join(f"{c.label}：{c.old} → {c.new}" if c.old is not None else f"{c.label}：{c.new}"
                       for c in r.changes), r.reason] for r in rows))])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit_list.html", {
        "page": page, "rows": audit_display.audit_rows(page.object_list), "filters": request.GET, "errors": errors,
        "export_query": request.GET.urlencode()})


def _own_job(request, pk):
    job = get_object_or_404(BackgroundJob, pk=pk)
    if job.created_by_id != request.user.pk and not roles.is_reviewer(request.user):
        raise PermissionDenied
    return job


@login_required
@require_POST
def job_retry(request, pk):
    """"重新执行" a job that failed through no fault of its input (see jobs.job_retry)."""
    from .exceptions import InvalidState
    from .jobs import job_retry as retry

    job = _own_job(request, pk)
    try:
        retry(job=job, by=request.user)
    except InvalidState as exc:
        messages.error(request, exc.message)
    return redirect("job_status", pk=job.pk)


@login_required
def job_status(request, pk):
    job = _own_job(request, pk)
    template = "job_progress_fragment.html" if request.headers.get("HX-Request") else "job_status.html"
    return render(request, template, {"job": job})


def lockout_seconds(request) -> int:
    """Seconds until django-axes lifts a lockout (AXES_COOLOFF_TIME), for Retry-After."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else 900


def lockout_response(request, credentials=None):
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): the API's error shape under
    /api/, a page elsewhere; 429 with Retry-After either way."""
    seconds = lockout_seconds(request)
    error = LockedOut(retry_after=seconds)
    if request.path.startswith("/api/"):
        response = JsonResponse(error.as_dict(), status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": error.message,
                                                                     "minutes": max(1, seconds // 60)}, status=429)
    response["Retry-After"] = str(seconds)
    return response


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class TokenCreateApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [FailOpenScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={201: inline_serializer("TokenResponse", {"token": serializers.CharField(),
                                                            "expires_at": serializers.DateTimeField()})},
        summary="以用户名和密码换取令牌（工作人员）",
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if user is None and getattr(request._request, "axes_locked_out", False):
            raise LockedOut(retry_after=lockout_seconds(request._request))
        if user is None or not roles.is_staff_member(user):
            raise InvalidCredentials()
        if getattr(user, "must_change_password", False):
            raise PasswordChangeRequired()
        token, secret = api_token_create(user=user, name="staff-login")
        return Response({"token": secret, "expires_at": timezone.localtime(token.expires_at).isoformat()}, status=status.HTTP_201_CREATED)


@never_cache
@require_GET
def healthz(request):
    """For a load balancer or monitor, no login: 200 with ``{"status": "ok", "checks": {...}}`` when the
    database, cache, broker and a Celery worker's heartbeat are fine, else 503 with ``"status": "fail"``
    and the failing checks' ``error`` (see jiujiang_inspect.health)."""
    healthy, checks = health_report()
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)


# Uploaded files: public-document attachments (documents/) are public, as their page is; everything
# else needs a login; Excel imports (jobs/, with 身份证号) are read by the worker only and never served;
# issued 行政检查文书 (issued/) and uploaded evidence (uploads/, jiujiang_inspect/uploads.py) are served
# only by views that check who may see what they belong to.
PUBLIC_MEDIA = ("documents/",)
PRIVATE_MEDIA = ("jobs/", "issued/", "uploads/")


def media_serve(request, path):
    from django.conf import settings
    from django.contrib.auth.views import redirect_to_login
    from django.views.static import serve

    if path.startswith(PRIVATE_MEDIA) or ".." in path.split("/"):
        raise Http404
    if not path.startswith(PUBLIC_MEDIA) and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def _api_error(request, status, code, message):
    return JsonResponse({"code": code, "message": message, "detail": {}}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def page_not_found(request, exception=None):
    """handler404: under /api/ a URL that names no resource (`/inspections/abc/`) answers the API's
    error shape; pages get the Chinese 404 page."""
    if request.path.startswith("/api/"):
        return _api_error(request, 404, "not_found", "未找到该对象。")
    from django.views.defaults import page_not_found as default

    return default(request, exception)


def server_error(request):
    """handler500: the API's error shape under /api/, the Chinese 500 page elsewhere."""
    if request.path.startswith("/api/"):
        return _api_error(request, 500, "server_error", "系统暂时出错，错误已记录，请稍后重试。")
    from django.views.defaults import server_error as default

    return default(request)


_SCHEMA_LOCK = threading.Lock()


class LockedSpectacularAPIView(SpectacularAPIView):
    """GET /api/schema/ one generation at a time: drf-spectacular loads its contrib extensions lazily and
    two first requests at once (threaded servers) made one fail with ModuleNotFoundError (a 500)."""

    def _get_schema_response(self, request):
        with _SCHEMA_LOCK:
            return super()._get_schema_response(request)
