from rest_framework.routers import SimpleRouter

from .api import ReportViewSet

router = SimpleRouter(trailing_slash=True)
router.register("reports", ReportViewSet, basename="report")

urlpatterns = router.urls
