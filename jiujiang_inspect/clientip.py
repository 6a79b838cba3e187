"""The real client address behind the trusted proxies (one home for lockouts, throttles and scan logs).

Deployed as shipped (deploy/nginx), every request reaches gunicorn from 127.0.0.1 and nginx appends the
address it saw to X-Forwarded-For (`$proxy_add_x_forwarded_for`). Whatever a client puts in that
header itself stays to the left, so with TRUSTED_PROXY_COUNT = N the client is the N-th entry from the
right: the one our outermost trusted proxy wrote. (The same rule as Django REST framework's
NUM_PROXIES.) N = 0 means no proxy: REMOTE_ADDR. A malformed entry falls back to REMOTE_ADDR, so a
forged header never yields anything but a well-formed address our proxy vouched for.

Used by: django-axes (AXES_CLIENT_IP_CALLABLE; lockout by username and address together), the API
throttles below (per user when authenticated, per real address otherwise), and the 检查码 scan log.
"""
import ipaddress

from django.conf import settings
from rest_framework import throttling


def client_ip(request) -> str:
    """The client's address as our trusted proxies saw it (see module doc)."""
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if count <= 0 or not hops:
        return remote
    candidate = hops[-min(count, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class _RealAddress:
    def get_ident(self, request):
        return client_ip(request)


class ScopedRateThrottle(_RealAddress, throttling.ScopedRateThrottle):
    """Per user when authenticated, per real client address otherwise."""


class AnonRateThrottle(_RealAddress, throttling.AnonRateThrottle):
    """Anonymous API clients, per real client address."""


class UserRateThrottle(_RealAddress, throttling.UserRateThrottle):
    """Authenticated API clients, per user (never per shared egress address)."""
