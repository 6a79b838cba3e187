"""The site as a phone app (issue 15): the web app manifest (add to home screen) and the service worker
that keeps today's 亮码 pages for offline display. Both are served from the site root: a service worker
controls only URLs under its own path, and the 亮码 pages live under /checkcode/. The worker's script is
a template (templates/sw.js), so it is the same under the manifest static storage of production."""
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.http import require_GET, require_safe

SITE_NAME = "鸠江区涉企行政检查“综合查一次”"


@require_GET
def web_manifest(request):
    """The web app manifest (W3C Web Application Manifest): Chinese name, icons, start page."""
    data = {
        "name": SITE_NAME, "short_name": "综合查一次", "lang": "zh-Hans", "dir": "ltr",
        "description": "鸠江区涉企行政检查：检查任务、检查码亮码、结果与整改。",
        "start_url": "/", "scope": "/", "display": "standalone", "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "icons": [{"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                  {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png",
                   "purpose": "any maskable"},
                  {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_safe  # GET and HEAD: app.js probes it with HEAD to tell online from offline
def service_worker(request):
    """/sw.js: re-validated on every update check (no-cache), never stored by a proxy."""
    static_url = settings.STATIC_URL if settings.STATIC_URL.startswith(("/", "http")) else "/" + settings.STATIC_URL
    body = render_to_string("sw.js", {"static_url": static_url})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
