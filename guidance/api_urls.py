from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import (
    GuidancePolicyApi,
    MatterEquivalenceViewSet,
    OnlineTestViewSet,
    QuestionViewSet,
    RecognitionViewSet,
    TestAttemptViewSet,
    TrainingViewSet,
    TypicalCaseViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("trainings", TrainingViewSet, basename="training")
router.register("questions", QuestionViewSet, basename="question")
router.register("tests", OnlineTestViewSet, basename="online-test")
router.register("test-attempts", TestAttemptViewSet, basename="test-attempt")
router.register("cases-library", TypicalCaseViewSet, basename="typical-case")
router.register("recognitions", RecognitionViewSet, basename="recognition")
router.register("matter-equivalences", MatterEquivalenceViewSet, basename="matter-equivalence")

urlpatterns = [
    path("guidance-policy/", GuidancePolicyApi.as_view(), name="guidance_policy"),
    *router.urls,
]
