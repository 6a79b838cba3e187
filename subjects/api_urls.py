from rest_framework.routers import SimpleRouter

from .api import AgencyViewSet, InspectorViewSet, UserViewSet

router = SimpleRouter(trailing_slash=True)
router.register("agencies", AgencyViewSet, basename="agency")
router.register("inspectors", InspectorViewSet, basename="inspector")
router.register("users", UserViewSet, basename="user")

urlpatterns = router.urls
