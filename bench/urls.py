"""The project's URLs plus the floor endpoints of the benchmark (bench/floors.py)."""
from django.urls import include, path

from . import floors

urlpatterns = [
    path("bench/floor/write/<int:pk>/", floors.FloorWriteApi.as_view()),
    path("bench/floor/inspections/", floors.FloorInspectionListApi.as_view()),
    path("", include("jiujiang_inspect.urls")),
]
