"""Project urls plus this issue's apps (until the lead wires them into jiujiang_inspect/urls.py)."""
from django.urls import include, path

from jiujiang_inspect.urls import urlpatterns as _project

urlpatterns = [
    path("guidance/", include("guidance.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include("guidance.api_urls")),
    path("api/v1/", include("reports.api_urls")),
    *_project,
]
