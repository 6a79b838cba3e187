"""Agencies, inspectors and accounts over the API; every write goes through a service."""
from rest_framework import mixins, viewsets

from jiujiang_inspect.permissions import IsAgencyAdminOrReviewer, IsReviewer, IsReviewerOrReadOnlyStaff

from . import selectors, services
from .filters import AgencyFilterSet, InspectorFilterSet
from .models import Inspector
from .serializers import AgencySerializer, InspectorSerializer, UserSerializer


class AgencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """行政检查主体. Every staff member reads; 司法局 reviewers write."""

    serializer_class = AgencySerializer
    permission_classes = [IsReviewerOrReadOnlyStaff]
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
    """检查人员 of the caller's agency (reviewers: all). ID numbers are never returned."""

    serializer_class = InspectorSerializer
    permission_classes = [IsAgencyAdminOrReviewer]
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

