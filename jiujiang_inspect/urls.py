"""URL map. Each app owns its HTML urls (urls.py) and API urls (api_urls.py); this file gathers them."""
import re

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView

from . import views, webapp

api_v1 = [
    path("", include("jiujiang_inspect.api_urls")),
    path("", include("subjects.api_urls")),
    path("", include("matters.api_urls")),
    path("", include("plans.api_urls")),
    path("", include("checkcode.api_urls")),
    path("", include("guidance.api_urls")),
    path("", include("supervision.api_urls")),
    path("", include("reports.api_urls")),
]

urlpatterns = [
    path("", include("supervision.home_urls")),
    path("supervision/", include("supervision.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("subjects.account_urls")),
    path("audit/", views.audit_list, name="audit_list"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (error pages, Swagger UI).
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("favicon.svg")), name="favicon"),
    # Served from the root: the service worker's scope is its own path (issue 15, offline 亮码).
    path("sw.js", webapp.service_worker, name="service_worker"),
    path("manifest.webmanifest", webapp.web_manifest, name="web_manifest"),
    path("jobs/<int:pk>/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("subjects/", include("subjects.urls")),
    path("matters/", include("matters.urls")),
    path("plans/", include("plans.urls")),
    path("guidance/", include("guidance.urls")),
    path("reports/", include("reports.urls")),
    path("", include("checkcode.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", views.LockedSpectacularAPIView.as_view(), name="schema"),
    # The split view serves its init script as a separate same-origin file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api_docs.html"),
         name="api_docs"),
]

# Uploaded files through a view that checks who asks (never django.conf.urls.static, which serves
# every upload, Excel imports with 身份证号 included, to anyone).
urlpatterns += [re_path(r"^%s(?P<path>.+)$" % re.escape(settings.MEDIA_URL.lstrip("/")), views.media_serve,
                        name="media")]

handler404 = "jiujiang_inspect.views.page_not_found"
handler500 = "jiujiang_inspect.views.server_error"
