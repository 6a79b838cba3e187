"""The OpenAPI description tells the truth about every operation (drf-spectacular).

- `ApiAutoSchema` (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) adds the error answers each operation can
  give, all in the one error shape `{code, message, detail}` (jiujiang_inspect.api.exception_handler):
  400 where there is a body or a query parameter, 401/403 where a permission applies, 404 where the
  path names an object, 409 for writes (domain rules, ApplicationError), 415 for bodies of another
  media type, 429 where a throttle applies. A view's own `@extend_schema(responses=...)` wins.
- It also declares nullable what can be null: a field whose `source` crosses a nullable relation
  (`handled_by.name` when `handled_by` is empty) renders null, so its schema says so.
- `BearerTokenScheme` describes the bearer-token authentication.
- `documented_query_parameters(view)`: the query parameters the description documents for an operation;
  a list refuses any other (400 `unknown_parameter`, jiujiang_inspect.api.StablePagination).
"""
import threading

from django.db import models
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ComponentRegistry
from rest_framework import serializers
from rest_framework.permissions import AllowAny

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

ERROR_DESCRIPTIONS = {
    400: "请求有误：`detail` 按字段（或查询参数）列出原因。",
    401: "未登录或令牌无效、已过期、已撤销。",
    403: "无权执行此操作（角色、所属单位或令牌权限范围不符）。",
    404: "对象不存在或不在调用者的可见范围内。",
    409: "业务规则拒绝（`code` 为规则代码，`detail` 可含全部未通过的规则）或状态不允许。",
    415: "不支持的请求格式（请使用 application/json）。",
    429: "请求过于频繁；`detail.retry_after_seconds` 与 `Retry-After` 头给出等待秒数。",
}


class ApiErrorSerializer(serializers.Serializer):
    """The one error body of the API."""

    code = serializers.CharField(help_text="稳定的机器可读代码，例如 invalid、not_found、gate_two_certified")
    message = serializers.CharField(help_text="给人看的中文说明")
    detail = serializers.DictField(child=serializers.JSONField(), help_text="字段错误或附加信息（可为空对象）")

    class Meta:
        ref_name = "ApiError"


def _source_crosses_nullable_relation(field) -> bool:
    """True if `field.source` walks through a relation that may be empty (FK null=True, reverse one-to-one)."""
    parent = getattr(field, "parent", None)
    meta = getattr(parent, "Meta", None)
    model = getattr(meta, "model", None)
    source = getattr(field, "source", "") or ""
    if model is None or "." not in source:
        return False
    for attr in source.split(".")[:-1]:
        try:
            model_field = model._meta.get_field(attr)
        except Exception:  # a property or method: nothing to learn
            return False
        if model_field.is_relation:
            if getattr(model_field, "null", False) or isinstance(model_field, models.OneToOneRel):
                return True
            model = model_field.related_model
        else:
            return False
    return False


def _model_field(field):
    """The model field behind a serializer field with a plain one-attribute source, else None."""
    meta = getattr(getattr(field, "parent", None), "Meta", None)
    model = getattr(meta, "model", None)
    source = getattr(field, "source", "") or ""
    if model is None or not source or "." in source or source == "*":
        return None
    try:
        return model._meta.get_field(source)
    except Exception:  # a property or method
        return None


def _may_be_null(field) -> bool:
    model_field = _model_field(field)
    return bool(model_field is not None and getattr(model_field, "null", False)) or _source_crosses_nullable_relation(field)


class ApiAutoSchema(AutoSchema):
    def _error_statuses(self) -> list[int]:
        statuses = []
        method = self.method.upper()
        has_query = any(p.get("in") == "query" for p in self._get_parameters())
        if method in WRITE_METHODS - {"DELETE"} or has_query:
            statuses.append(400)
        permissions = self.view.get_permissions() if hasattr(self.view, "get_permissions") else []
        guarded = not all(isinstance(p, AllowAny) for p in permissions)
        if guarded:
            if getattr(self.view, "authentication_classes", None):
                statuses.append(401)
            statuses.append(403)
        if "{" in self.path:
            statuses.append(404)
        if method in WRITE_METHODS:
            statuses.append(409)
        if method in WRITE_METHODS - {"DELETE"}:
            statuses.append(415)
        if hasattr(self.view, "get_throttles") and self.view.get_throttles():
            statuses.append(429)
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in self._error_statuses():
            key = str(status)
            if key not in responses:
                response = self._get_response_for_code(ApiErrorSerializer, key, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[status]
                responses[key] = response
        return responses

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if direction == "response":
            # What the database may hold, the answer may carry: null where the column or a relation on the
            # way is nullable, "" where a choice column may be blank (an outcome before the result).
            if _may_be_null(field):
                field.allow_null = True
            model_field = _model_field(field)
            if (isinstance(field, serializers.ChoiceField) and model_field is not None
                    and getattr(model_field, "blank", False)):
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "jiujiang_inspect.tokens.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "工作人员令牌（/api/v1/auth/token/）或平台令牌"}



_documented_lock = threading.Lock()
_documented: dict[tuple, frozenset[str]] = {}

# Known on every list whatever the schema says (docs/api.md "Filter rules").
ALWAYS_KNOWN_PARAMETERS = frozenset({"cursor", "page_size", "format"})


def documented_query_parameters(view) -> frozenset[str]:
    """The query parameters the OpenAPI description documents for this view's operation (its filters,
    pagination, `updated_since` and `@extend_schema` parameters), computed once per view class, action
    and method by the same `ApiAutoSchema` that writes /api/schema/, so what a list accepts and what the
    schema says it accepts cannot drift apart.

    view: a DRF view being dispatched (request, action and kwargs set). Returns a frozenset of names.
    Thread-safe: the schema inspector is shared by the view class, so it is driven under a lock.
    """
    method = view.request.method.upper()
    key = (type(view), getattr(view, "action", None), method)
    found = _documented.get(key)
    if found is not None:
        return found
    with _documented_lock:
        found = _documented.get(key)
        if found is None:
            # The view as the schema generator builds it: a method's own @extend_schema applies.
            match = view.request.resolver_match
            spec_view = SchemaGenerator().create_view(match.func, method)
            spec_view.request, spec_view.args, spec_view.kwargs = view.request, view.args, view.kwargs
            inspector = spec_view.schema
            inspector.view, inspector.method = spec_view, method
            inspector.path, inspector.path_regex, inspector.path_prefix = view.request.path, "", ""
            inspector.registry = ComponentRegistry()
            found = frozenset(p["name"] for p in inspector._get_parameters() if p.get("in") == "query")
            found |= ALWAYS_KNOWN_PARAMETERS
            _documented[key] = found
    return found
