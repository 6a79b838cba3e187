"""API plumbing: the one error shape, stable pagination, `updated_since`, `Idempotency-Key`, local times."""
import hashlib
import json
import logging
import re
from datetime import datetime, time, timedelta
from datetime import timezone as dt_timezone
from functools import wraps

import django_filters
from django import forms
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import ISO_8601, exceptions, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from . import dates
from .availability import REDIS_ERRORS, service_unavailable
from .exceptions import ApplicationError, ValidationFailed
from .identifiers import normalize_code

log = logging.getLogger(__name__)

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
    """Every error leaves the API as {"code", "message", "detail"}; domain errors keep their code.
    A Redis outage wherever it surfaces is a 503 `service_unavailable` with `Retry-After`."""
    if isinstance(exc, REDIS_ERRORS):
        exc = service_unavailable(exc)
    if isinstance(exc, ApplicationError):
        retry_after = getattr(exc, "retry_after", None)
        return Response(exc.as_dict(), status=exc.status_code,
                        headers={"Retry-After": str(retry_after)} if retry_after else None)
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


class MonthField(serializers.CharField):
    """A month in a body: any form jiujiang_inspect.dates.normalise_month reads, stored as `YYYY-MM`
    (1900–2100); anything else is a 400 naming the field."""

    def to_internal_value(self, data):
        month = dates.normalise_month(super().to_internal_value(data))
        if month is None:
            raise serializers.ValidationError(dates.MONTH_MESSAGE)
        return month


def month_parameter(request, name="month", *, required=True) -> str | None:
    """A month query parameter read by jiujiang_inspect.dates.normalise_month: `YYYY-MM`, None when
    absent and not required; a 400 naming the parameter otherwise."""
    raw = request.query_params.get(name, "")
    if not raw.strip() and not required:
        return None
    month = dates.normalise_month(raw)
    if month is None:
        raise exceptions.ValidationError({name: [dates.MONTH_MESSAGE]})
    return month


DATE_RANGE_MESSAGE = _("日期应在 1900—2100 年之间。")
BEIJING = dt_timezone(timedelta(hours=8))


class DateField(serializers.DateField):
    """A date in a body or an answer: years 1900–2100 only (docs/api.md), else a 400 naming the field."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not (dates.YEAR_MIN <= day.year <= dates.YEAR_MAX):
            raise serializers.ValidationError(DATE_RANGE_MESSAGE)
        return day


class DateTimeField(serializers.DateTimeField):
    """A time in a body or an answer: years 1900–2100 only, else a 400 naming the field (docs/api.md);
    rendered in Beijing time with +08:00 (an earlier year would render with the zone's local mean time,
    +08:05:43)."""

    default_error_messages = serializers.DateTimeField.default_error_messages | {"overflow": DATE_RANGE_MESSAGE}

    def enforce_timezone(self, value):
        # A time sent without an offset is Beijing time, +08:00 (docs/api.md), also in the summers of
        # 1986–1991 when the zone database would read it as daylight-saving time (+09:00).
        if timezone.is_naive(value):
            value = value.replace(tzinfo=BEIJING)
        return super().enforce_timezone(value)

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        # The year in Beijing standard time (a fixed +08:00; the zone itself has LMT before 1901).
        year = moment.astimezone(BEIJING).year if timezone.is_aware(moment) else moment.year
        if not (dates.YEAR_MIN <= year <= dates.YEAR_MAX):
            raise serializers.ValidationError(DATE_RANGE_MESSAGE)
        return moment

    def to_representation(self, value):
        output_format = getattr(self, "format", api_settings.DATETIME_FORMAT)
        if isinstance(value, datetime) and timezone.is_aware(value) and str(output_format).lower() == ISO_8601:
            return beijing_iso(value)
        return super().to_representation(value)


def beijing_iso(value: datetime) -> str:
    """An aware datetime as ISO 8601 in Beijing time with the fixed offset +08:00 (docs/api.md), also
    for the summers of 1986–1991 and the years before 1901 for which the zone database has other offsets."""
    return value.astimezone(BEIJING).isoformat()


class ModelSerializer(serializers.ModelSerializer):
    """The base of every model serializer of the project: its date and time columns are read with the
    bounded fields above (tests/test_serializer_fields.py walks them)."""

    serializer_field_mapping = serializers.ModelSerializer.serializer_field_mapping | {
        models.DateField: DateField, models.DateTimeField: DateTimeField}


class UnknownParameter(ValidationFailed):
    code = "unknown_parameter"
    default_message = _("查询参数无法识别，请对照接口文档（/api/docs/）检查参数名。")


PAGE_SIZE_RE = re.compile(r"^[0-9]{1,9}$")


class StablePagination(CursorPagination):
    """Cursor pages ordered by a unique key: no duplicates or gaps while the platform syncs.

    docs/api.md "Lists" and "Filter rules": every query parameter of a list is one its schema documents
    (else 400 `unknown_parameter` naming each), `page_size` is a whole number from 1 (above 200 reads
    as 200), and a `cursor` that is not one this API handed out is a 400 `invalid` naming `cursor`
    (DRF's own answer is a 404, as if the list did not exist).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def paginate_queryset(self, queryset, request, view=None):
        # Imported here: drf-spectacular's AutoSchema imports DRF's generics, which import this class.
        from .schema import documented_query_parameters

        if view is not None and hasattr(view, "schema"):
            reject_unknown_parameters(request, documented_query_parameters(view))
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "").strip()
        if not raw:
            return self.page_size
        if not PAGE_SIZE_RE.match(raw) or int(raw) < 1:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [_("每页条数应为 1 到 %(max)d 之间的整数。") % {"max": self.max_page_size}]})
        return min(int(raw), self.max_page_size)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            cursor = False
        position = getattr(cursor, "position", None)
        if cursor is False or (position is not None and not _is_int64(position)):
            raise exceptions.ValidationError(
                {self.cursor_query_param: [_("翻页游标无效，请使用上一页答复中的 next / previous 链接。")]})
        return cursor


def _is_int64(text) -> bool:
    return bool(re.fullmatch(r"-?[0-9]{1,19}", str(text))) and abs(int(text)) < 2**63


def reject_unknown_parameters(request, known) -> None:
    """400 `unknown_parameter` (detail: each unknown name → message) if the query string carries a
    parameter outside `known` (docs/api.md "Filter rules": a misspelt filter must not answer the whole
    list as if it had been applied)."""
    unknown = sorted(name for name in request.query_params if name not in known)
    if unknown:
        raise UnknownParameter(detail={name: [str(_("未知的查询参数。"))] for name in unknown})


class CodeLookupMixin:
    """Objects addressed by a code in the path (`/agencies/<code>/`, `/matters/<code>/`): the code as typed
    (normalize_code: full-width forms, spaces, invisible characters; any case) finds the object, as
    docs/api.md "Identifiers" promises; 404 otherwise."""

    def get_object(self):
        code = normalize_code(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        queryset = self.filter_queryset(self.get_queryset())
        obj = queryset.filter(**{self.lookup_field: code}).first() or \
            queryset.filter(**{f"{self.lookup_field}__iexact": code}).first()
        if obj is None:
            raise Http404
        self.check_object_permissions(self.request, obj)
        return obj


class UpdatedSinceMixin:
    """`?updated_since=<ISO time>` on lists the platform syncs."""

    updated_field = "updated_at"

    def filter_updated_since(self, queryset):
        raw = self.request.query_params.get("updated_since")
        if not raw:
            return queryset
        value = parse_updated_since(raw)
        if value is None:
            raise exceptions.ValidationError({"updated_since": [UPDATED_SINCE_MESSAGE]})
        return queryset.filter(**{f"{self.updated_field}__gte": value})


def parse_updated_since(raw: str):
    """An ISO 8601 time (a bare date means its local midnight); no offset means Beijing time (+08:00).
    Returns None for anything else, including well-formed but impossible values such as month 13 and
    years outside 1900–2100."""
    # An unencoded "+" in a query string arrives as a space.
    text = (raw or "").strip().replace(" ", "+")
    if len(text) > 10 and text[10] == "+":
        text = text[:10] + "T" + text[11:]
    try:
        value = parse_datetime(text)
        if value is None:
            day = parse_date(text)
            value = datetime.combine(day, time.min) if day else None
    except (ValueError, OverflowError):
        return None
    if value is not None and not (dates.YEAR_MIN <= value.year <= dates.YEAR_MAX):
        return None
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=BEIJING)
    return value


UPDATED_SINCE_MESSAGE = _("时间格式应为 ISO 8601，例如 2025-03-01T08:00:00+08:00。")


class UpdatedSinceField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        parsed = parse_updated_since(value)
        if parsed is None:
            raise forms.ValidationError(UPDATED_SINCE_MESSAGE, code="invalid")
        return parsed


@extend_schema_field(OpenApiTypes.DATETIME)
class UpdatedSinceFilter(django_filters.Filter):
    """`?updated_since=<ISO time>` as a FilterSet field (documented in the schema; a bad value is a 400
    with `detail.updated_since`, never a 500)."""

    field_class = UpdatedSinceField

    def __init__(self, field_name="updated_at", lookup_expr="gte", **kwargs):
        kwargs.setdefault("label", _("更新时间起（ISO 8601）"))
        super().__init__(field_name=field_name, lookup_expr=lookup_expr, **kwargs)


def local_times(data):
    """Hand-built JSON (dicts from selectors) with every aware datetime as ISO 8601 in Beijing time
    (+08:00), as docs/api.md requires; DRF's encoder would write the stored UTC value with "Z"."""
    if isinstance(data, datetime):
        return beijing_iso(data) if timezone.is_aware(data) else data.isoformat()
    if isinstance(data, dict):
        return {k: local_times(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [local_times(v) for v in data]
    return data


IDEMPOTENCY_TTL = 24 * 3600

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description=_("可选。同一密钥重复提交同一请求时（24 小时内）返回首次的结果，不会重复写入；"
                  "同一密钥配不同内容返回 409 idempotency_key_reused。"))


class IdempotencyKeyReused(ApplicationError):
    code = "idempotency_key_reused"
    status_code = 409
    default_message = _("该 Idempotency-Key 已用于另一内容不同的请求。")


class IdempotencyKeyInUse(ApplicationError):
    code = "idempotency_key_in_use"
    status_code = 409
    default_message = _("使用该 Idempotency-Key 的请求正在处理，请稍后重试。")


def idempotent(method):
    """docs/api.md "Writes the platform may repeat accept an `Idempotency-Key` header": the first successful
    answer for (caller, method, path, key) is kept 24 hours and replayed for a repeat with the same
    body (header `Idempotent-Replayed: true`); a different body under the same key is a 409."""

    @wraps(method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return method(self, request, *args, **kwargs)
        if len(key) > 255:
            raise exceptions.ValidationError({"Idempotency-Key": [_("不能超过 255 个字符。")]})
        body = json.dumps(request.data, sort_keys=True, default=str, ensure_ascii=False)
        fingerprint = hashlib.sha256(body.encode()).hexdigest()
        scope = f"{request.user.pk}|{request.method}|{request.path}|{key}"
        cache_key = "idem:" + hashlib.sha256(scope.encode()).hexdigest()
        try:  # without Redis the key cannot be honoured: 503 at once, nothing written
            stored = cache.get(cache_key)
            if stored is None and not cache.add(cache_key, {"fingerprint": fingerprint, "pending": True}, timeout=120):
                stored = cache.get(cache_key)
        except REDIS_ERRORS as exc:
            raise service_unavailable(exc) from exc
        if stored is not None:
            if stored["fingerprint"] != fingerprint:
                raise IdempotencyKeyReused()
            if stored.get("pending"):
                raise IdempotencyKeyInUse()
            response = Response(stored["data"], status=stored["status"])
            response["Idempotent-Replayed"] = "true"
            return response
        try:
            response = method(self, request, *args, **kwargs)
        except BaseException:
            _forget(cache_key)
            raise
        try:
            if 200 <= response.status_code < 300:
                cache.set(cache_key, {"fingerprint": fingerprint, "status": response.status_code,
                                      "data": response.data}, timeout=IDEMPOTENCY_TTL)
            else:
                cache.delete(cache_key)
        except REDIS_ERRORS:  # Redis left after the write: the write stands, only the replay is lost
            log.warning("Idempotency-Key answer not stored, cache unavailable", exc_info=True)
        return response

    return wrapper


def _forget(cache_key):
    try:
        cache.delete(cache_key)
    except REDIS_ERRORS:
        log.warning("Idempotency-Key reservation not released, cache unavailable", exc_info=True)


def error_response(exc: ApplicationError):
    return Response(exc.as_dict(), status=exc.status_code or status.HTTP_409_CONFLICT)


class ItemSerializer(serializers.Serializer):
    """A nested item (an element of a list in a body) is validated whole, in a PATCH too: DRF skips the
    missing required fields of nested serializers when the root update is partial, and the service then
    met an item without its keys (a KeyError, a 500). Missing fields are a 400 naming them."""

    def run_validation(self, data=serializers.empty):
        if isinstance(data, dict):
            missing = [name for name, field in self.fields.items()
                       if field.required and not field.read_only and name not in data]
            if missing:
                raise exceptions.ValidationError({name: [_("该字段是必填项。")] for name in missing})
        return super().run_validation(data)
