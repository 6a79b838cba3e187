"""`{% back_url "fallback:url" as back %}`: where a page's 返回 leads (issue 15: import pages lead back
where the user came from). The `next` the page was given (query or form), else the same-site page the
browser came from (Referer), else the fallback; never another site, never the page itself."""
from urllib.parse import urlsplit

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme

register = template.Library()


def _safe(request, url: str) -> str:
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                      require_https=request.is_secure()):
        return ""
    # A full same-site address becomes its path and query: the link never changes scheme or host.
    parts = urlsplit(url)
    path = parts.path or "/"
    if path == request.path:
        return ""
    return path + (f"?{parts.query}" if parts.query else "")


@register.simple_tag(takes_context=True)
def back_url(context, fallback: str) -> str:
    request = context["request"]
    for candidate in (request.POST.get("next", ""), request.GET.get("next", ""), request.META.get("HTTP_REFERER", "")):
        url = _safe(request, candidate)
        if url:
            return url
    try:
        return reverse(fallback)
    except NoReverseMatch:
        return fallback
