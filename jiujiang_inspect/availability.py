"""Redis down is degraded, not broken (issue 10): what fails fast and how.

- Throttles fail open with a log line (`FailOpenScopedRateThrottle`): a public code check or a token
  login still answers while Redis is away.
- What needs Redis to be correct (an `Idempotency-Key` write, queueing an import, a report or the
  audit) answers 503 with `Retry-After` at once (`ServiceUnavailable`): short connect timeouts in
  settings, and a ping of the broker before anything is stored.
- `REDIS_ERRORS` lists the exceptions a Redis outage raises, for the API exception handler and the
  page middleware to turn into that 503 wherever they surface.
"""
import logging

from celery import current_app
from django.conf import settings
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .clientip import ScopedRateThrottle
from .exceptions import ServiceUnavailable

log = logging.getLogger(__name__)

REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, KombuOperationalError)

_clients = {}


def _broker_client(url):
    import redis

    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
                                             socket_timeout=settings.REDIS_CONNECT_TIMEOUT * 2)
    return _clients[url]


def service_unavailable(exc=None) -> ServiceUnavailable:
    """The 503 to raise for a Redis outage (logged once here)."""
    log.warning("Redis unavailable: %s", exc or "broker ping failed")
    error = ServiceUnavailable()
    error.retry_after = settings.SERVICE_RETRY_AFTER_SECONDS
    return error


def broker_required():
    """Raise ServiceUnavailable at once unless the job queue can take a message.

    Nothing to check when tasks run eagerly (no broker) or the broker is not Redis."""
    if current_app.conf.task_always_eager:
        return
    url = current_app.conf.broker_url or ""
    if not url.startswith(("redis://", "rediss://")):
        return
    try:
        _broker_client(url).ping()
    except REDIS_ERRORS as exc:
        raise service_unavailable(exc) from exc


class FailOpenScopedRateThrottle(ScopedRateThrottle):
    """ScopedRateThrottle that lets the request through (and logs it) when its cache is down."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except REDIS_ERRORS as exc:
            log.warning("throttle %s not applied, cache unavailable: %s", self.scope, exc)
            return True


class ServiceUnavailableMiddleware:
    """Pages: a Redis outage (or ServiceUnavailable from a service) is a Chinese 503 page with
    `Retry-After`, not a 500. The API answers the same 503 through its exception handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, REDIS_ERRORS):
            exception = service_unavailable(exception)
        if not isinstance(exception, ServiceUnavailable):
            return None
        from django.shortcuts import render

        response = render(request, "503.html", {"message": exception.message,
                                                "retry_after": exception.retry_after}, status=503)
        response["Retry-After"] = str(exception.retry_after)
        return response
