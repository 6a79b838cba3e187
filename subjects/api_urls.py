from rest_framework.routers import SimpleRouter

from .api import (
    AgencyViewSet,
    InspectorViewSet,
    OutboundMessageViewSet,
    UserViewSet,
    WebhookSubscriptionViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("agencies", AgencyViewSet, basename="agency")
router.register("inspectors", InspectorViewSet, basename="inspector")
router.register("users", UserViewSet, basename="user")
router.register("webhook-subscriptions", WebhookSubscriptionViewSet, basename="webhook-subscription")
router.register("outbound-messages", OutboundMessageViewSet, basename="outbound-message")

urlpatterns = router.urls
