"""API plumbing: the one error shape, stable pagination, `updated_since`."""
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import ApplicationError

_DRF_CODES = {
    400: ("invalid", _("提交的数据有误，请检查标出的字段。")),
    401: ("not_authenticated", _("未登录或令牌无效。")),
    403: ("permission_denied", _("您无权执行此操作。")),
    404: ("not_found", _("未找到该对象。")),
    405: ("method_not_allowed", _("不支持该请求方法。")),
    406: ("not_acceptable", _("不支持请求的响应格式。")),
    415: ("unsupported_media_type", _("不支持的请求格式。")),
    429: ("throttled", _("请求过于频繁，请稍后再试。")),
}


def _field_messages(data):
    if isinstance(data, dict):
        return {k: _field_messages(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_field_messages(v) for v in data]
    return str(data)


def exception_handler(exc, context):
    """Every error leaves the API as {"code", "message", "detail"}; domain errors keep their code."""
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code, message = _DRF_CODES.get(response.status_code, ("error", _("请求失败。")))
    if isinstance(exc, exceptions.ValidationError):
        detail = _field_messages(exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail})
    else:
        detail = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait:
            detail = {"retry_after_seconds": int(exc.wait)}
        if isinstance(exc, exceptions.APIException) and response.status_code in (401, 403, 404):
            raw = exc.detail
            if isinstance(raw, str) and str(raw) not in ("", str(message)):
                message = str(raw)
    response.data = {"code": code, "message": str(message), "detail": detail}
    return response


class StablePagination(CursorPagination):
    """Cursor pages ordered by a unique key: no duplicates or gaps while the platform syncs."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"


class UpdatedSinceMixin:
    """`?updated_since=<ISO time>` on lists the platform syncs."""

    updated_field = "updated_at"

    def filter_updated_since(self, queryset):
        raw = self.request.query_params.get("updated_since")
        if not raw:
            return queryset
        value = parse_datetime(raw.replace(" ", "+"))
        if value is None:
            raise exceptions.ValidationError({"updated_since": [_("时间格式应为 ISO 8601，例如 2025-03-01T08:00:00+08:00。")]})
        return queryset.filter(**{f"{self.updated_field}__gte": value})


def error_response(exc: ApplicationError):
    return Response(exc.as_dict(), status=exc.status_code or status.HTTP_409_CONFLICT)
