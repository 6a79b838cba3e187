from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import (
    AlertViewSet,
    BlockOverrideApi,
    BlockViewSet,
    FilingSummaryViewSet,
    HotlineTicketViewSet,
    JobRunViewSet,
    StatsOverviewApi,
    SupervisionCaseViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("alerts", AlertViewSet, basename="alert")
router.register("blocks", BlockViewSet, basename="block")
router.register("hotline-tickets", HotlineTicketViewSet, basename="hotline-ticket")
router.register("supervision-cases", SupervisionCaseViewSet, basename="supervision-case")
router.register("filing-summaries", FilingSummaryViewSet, basename="filing-summary")
router.register("job-runs", JobRunViewSet, basename="job-run")

urlpatterns = [
    path("blocks/<int:pk>/override/", BlockOverrideApi.as_view(), name="block-override"),
    path("stats/overview/", StatsOverviewApi.as_view(), name="stats-overview"),
] + router.urls
