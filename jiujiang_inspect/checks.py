"""Deployment checks (`manage.py check --deploy`): settings that are harmless on a laptop but wrong in
production fail the check instead of failing the district."""
import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

# Names that never resolve to the public internet: a QR code carrying them opens nothing on a phone.
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home", ".intranet", ".test", ".invalid")


def _local_host_reason(host: str) -> str | None:
    """Why ``host`` cannot be reached from an enterprise owner's phone, or None when it can."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(LOCAL_SUFFIXES):
            return "a local host name"
        if "." not in host:
            return "a single-label intranet name"
        return None
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_private or ip.is_link_local or ip.is_unspecified or ip.is_reserved or ip.is_multicast:
        return "a private or reserved address"
    return None


@register(Tags.security, deploy=True)
def public_base_url_check(app_configs=None, **kwargs):
    """PUBLIC_BASE_URL is printed into every 检查码 QR code and verification link (checkcode.qr): with
    DEBUG off it must be set, use https, and name a host the public can reach (not loopback, a private
    range, or an intranet name). Errors jiujiang.E001 (unset), E002 (not https), E003 (local host)."""
    if settings.DEBUG:
        return []
    url = (settings.PUBLIC_BASE_URL or "").strip()
    hint = "Set PUBLIC_BASE_URL to the public https address, e.g. https://inspect.jiujiang.gov.cn"
    if not url:
        return [Error("PUBLIC_BASE_URL is not set: QR codes and verification links would have no address.",
                      hint=hint, id="jiujiang.E001")]
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return [Error(f"PUBLIC_BASE_URL {url!r} is not an https URL: phones would open the check-code "
                      "page without TLS (or not at all).", hint=hint, id="jiujiang.E002")]
    reason = _local_host_reason(parts.hostname.rstrip(".").lower())
    if reason:
        return [Error(f"PUBLIC_BASE_URL {url!r} names {reason}: QR codes would point nowhere an enterprise "
                      "owner's phone can reach.", hint=hint, id="jiujiang.E003")]
    return []
