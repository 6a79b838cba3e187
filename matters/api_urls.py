from rest_framework.routers import SimpleRouter

from .api import IndustryViewSet, JointMatterListViewSet, LegalBasisViewSet, MatterViewSet

router = SimpleRouter(trailing_slash=True)
router.register("legal-bases", LegalBasisViewSet, basename="legal-basis")
router.register("matters", MatterViewSet, basename="matter")
router.register("industries", IndustryViewSet, basename="industry")
router.register("joint-matter-lists", JointMatterListViewSet, basename="joint-matter-list")

urlpatterns = router.urls
