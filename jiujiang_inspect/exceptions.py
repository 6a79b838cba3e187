"""Domain errors with a stable machine-readable code.

Services raise subclasses of ApplicationError; the API exception handler turns them into
`{"code", "message", "detail"}` with the class's HTTP status, HTML views show `message`, admin actions
use `message_user`. No caller re-implements the rule behind the error.
"""
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """Base class. `code` is snake_case and never renamed once clients rely on it."""

    code = "application_error"
    status_code = 409
    default_message = _("操作未能完成。")

    def __init__(self, message=None, *, detail=None, code=None):
        self.message = str(message or self.default_message)
        self.detail = detail or {}
        if code:
            self.code = code
        super().__init__(self.message)

    def as_dict(self):
        return {"code": self.code, "message": self.message, "detail": self.detail}


class ValidationFailed(ApplicationError):
    """Malformed input (400). `detail` maps field names to lists of messages."""

    code = "invalid"
    status_code = 400
    default_message = _("提交的数据有误，请检查标出的字段。")


class PermissionDeniedError(ApplicationError):
    code = "permission_denied"
    status_code = 403
    default_message = _("您无权执行此操作。")


class NotFoundError(ApplicationError):
    code = "not_found"
    status_code = 404
    default_message = _("未找到该对象。")


class InvalidState(ApplicationError):
    """The object is not in a state that allows this transition (409 `invalid_state`)."""

    code = "invalid_state"
    status_code = 409
    default_message = _("当前状态不允许此操作。")


class RuleViolations(ApplicationError):
    """Several gate rules failed at once; `code` is the first in gate order, `detail` lists all."""

    status_code = 409

    def __init__(self, errors):
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(
            first.message,
            code=first.code,
            detail={"errors": [{"code": e.code, "message": e.message, **({"detail": e.detail} if e.detail else {})}
                               for e in self.errors]},
        )


class PasswordChangeRequired(ApplicationError):
    """POST /api/v1/auth/token/ by an account whose password someone else chose: its owner changes it on
    the 修改密码 page first (issue 15 "must change its password at first login")."""

    code = "password_change_required"
    status_code = 400
    default_message = _("该账号须先登录网页修改初始密码，再申请令牌。")


class InvalidCredentials(ApplicationError):
    """POST /api/v1/auth/token/ with a wrong password, an unknown or inactive account, or a non-staff user."""

    code = "invalid_credentials"
    status_code = 400
    default_message = _("用户名或密码错误，或账号已停用。")


class LockedOut(ApplicationError):
    """Too many failed logins for this username from this address (django-axes); 429 with Retry-After."""

    code = "throttled"  # docs/api.md: a login lockout is a 429 `throttled`, like a rate limit
    status_code = 429
    default_message = _("登录失败次数过多，该账号在此地址已被暂时锁定，请稍后再试。")

    def __init__(self, message=None, *, retry_after: int, **kwargs):
        self.retry_after = int(retry_after)
        super().__init__(message, detail={"retry_after_seconds": self.retry_after}, **kwargs)


class ServiceUnavailable(ApplicationError):
    """A service the request needs (Redis: cache or job queue) is down: 503 with `Retry-After`.

    Raised at once (short connect timeouts), never after a hang; the request wrote nothing, so the
    caller can simply repeat it after `retry_after` seconds."""

    code = "service_unavailable"
    status_code = 503
    default_message = _("系统繁忙：后台服务暂时不可用，本次操作未执行，请稍后重试。")
    retry_after = 30
