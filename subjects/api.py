"""Agencies, inspectors and accounts over the API; every write goes through a service."""
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jiujiang_inspect.api import CodeLookupMixin
from jiujiang_inspect.models import OutboundMessage, WebhookSubscription
from jiujiang_inspect.outbox import outbox_replay
from jiujiang_inspect.permissions import (
    IsAgencyAdminOrReviewer,
    IsReviewer,
    IsReviewerOrReadOnlyStaff,
    or_platform_read,
)
from jiujiang_inspect.webhooks import (
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_rotate_secret,
    webhook_subscription_update,
)

from . import selectors, services
from .filters import AgencyFilterSet, InspectorFilterSet, OutboundMessageFilterSet
from .models import Inspector
from .serializers import (
    AgencySerializer,
    InspectorSerializer,
    OutboundMessageSerializer,
    OutboundReplaySerializer,
    UserSerializer,
    WebhookSecretSerializer,
    WebhookSubscriptionSerializer,
)


class AgencyViewSet(CodeLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """行政检查主体. Every staff member and the platform (scope `read`) reads; 司法局 reviewers write."""

    serializer_class = AgencySerializer
    permission_classes = [or_platform_read(IsReviewerOrReadOnlyStaff)]
    filterset_class = AgencyFilterSet
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.agency_list()

    def perform_create(self, serializer):
        serializer.instance = services.agency_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.agency_update(agency=serializer.instance, by=self.request.user,
                                                     **serializer.validated_data)


def _split_certificate(data):
    data = dict(data)
    cert = data.pop("certificate", None)
    return data, cert


class InspectorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """检查人员 of the caller's agency (reviewers and the platform with `read`: all). ID numbers and phones
    are never returned, only masked."""

    serializer_class = InspectorSerializer
    permission_classes = [or_platform_read(IsAgencyAdminOrReviewer)]
    filterset_class = InspectorFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.inspector_list_for_user(user=self.request.user).order_by("-id")

    def perform_create(self, serializer):
        data, cert = _split_certificate(serializer.validated_data)
        serializer.instance = services.inspector_create(by=self.request.user, certificate=cert, **data)

    def perform_update(self, serializer):
        data, cert = _split_certificate(serializer.validated_data)
        inspector = serializer.instance
        status_change = (cert or {}).pop("status", None)
        if cert:
            inspector = services.inspector_update(inspector=inspector, by=self.request.user, certificate=cert, **data)
        elif data:
            inspector = services.inspector_update(inspector=inspector, by=self.request.user, **data)
        if status_change and hasattr(inspector, "certificate") and status_change != inspector.certificate.status:
            services.certificate_set_status(certificate=inspector.certificate, by=self.request.user,
                                            status=status_change,
                                            reason=self.request.data.get("reason") or "接口修改证件状态")
        serializer.instance = Inspector.objects.select_related("agency", "certificate").get(pk=inspector.pk)


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Accounts: reviewers and superusers create, edit and deactivate them."""

    serializer_class = UserSerializer
    permission_classes = [IsReviewer]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.user_list_for_user(user=self.request.user).order_by("-id")

    def perform_create(self, serializer):
        serializer.instance = services.user_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("username", None)
        serializer.instance = services.user_update(user=serializer.instance, by=self.request.user, **data)



class WebhookSubscriptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """事件订阅 (docs/api.md "Webhooks"): reviewers manage receivers and their events; the secret is
    answered once, at creation and by `rotate-secret/`."""

    serializer_class = WebhookSubscriptionSerializer
    permission_classes = [IsReviewer]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return WebhookSubscription.objects.order_by("-id")

    @extend_schema(request=WebhookSubscriptionSerializer, responses={201: WebhookSecretSerializer})
    def create(self, request):
        data = WebhookSubscriptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sub, _secret = webhook_subscription_create(by=request.user, **data.validated_data)
        return Response(WebhookSecretSerializer(sub).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WebhookSubscriptionSerializer, responses=WebhookSubscriptionSerializer)
    def partial_update(self, request, pk=None):
        data = WebhookSubscriptionSerializer(self.get_object(), data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        sub = webhook_subscription_update(subscription=data.instance, by=request.user, **data.validated_data)
        return Response(WebhookSubscriptionSerializer(sub).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        webhook_subscription_delete(subscription=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=WebhookSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        sub, _secret = webhook_subscription_rotate_secret(subscription=self.get_object(), by=request.user)
        return Response(WebhookSecretSerializer(sub).data)


class OutboundMessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """外发消息 (the outbox): reviewers see every message per channel and status and replay one
    (`{id}/replay/`) or many (`replay/` with `{"ids": [...]}`)."""

    serializer_class = OutboundMessageSerializer
    permission_classes = [IsReviewer]
    filterset_class = OutboundMessageFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return OutboundMessage.objects.order_by("-id")

    @extend_schema(request=None, responses=OutboundMessageSerializer)
    @action(detail=True, methods=["post"])
    def replay(self, request, pk=None):
        message = self.get_object()
        outbox_replay(messages=[message], by=request.user)
        return Response(OutboundMessageSerializer(OutboundMessage.objects.get(pk=message.pk)).data)

    @extend_schema(operation_id="v1_outbound_messages_replay_many", request=OutboundReplaySerializer,
                   responses=inline_serializer("OutboundReplayResult", {"replayed": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="replay")
    def replay_many(self, request):
        data = OutboundReplaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        messages = list(OutboundMessage.objects.filter(pk__in=data.validated_data["ids"]))
        return Response({"replayed": outbox_replay(messages=messages, by=request.user)})
