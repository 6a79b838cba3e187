"""Enterprises, pools, quota, cap policies and annual plans over the API (API.md). Every write goes
through a service; the same services back the HTML pages."""
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from jiujiang_inspect import roles
from jiujiang_inspect.permissions import IsReviewer, StaffOrPlatformRead

from .filters_registry import AnnualPlanFilterSet, EnterpriseFilterSet
from .models import CapPolicy, FrequencyPolicy
from .selectors import enterprises as enterprise_selectors
from .selectors import plans as plan_selectors
from .selectors.quota import enterprise_quota
from .serializers_registry import (
    AnnualPlanSerializer,
    CapPoliciesSerializer,
    CapPoliciesUpdateSerializer,
    EnterpriseSerializer,
    PlanDrawSerializer,
    PlanFileSerializer,
    PlanReturnSerializer,
    PlanSubmitResponseSerializer,
    PoolMoveSerializer,
    QuotaSerializer,
)
from .services import annual_plans, caps, draw, enterprises, pools


class RegistryPermission(BasePermission):
    """Read: staff and the platform with `read`. Write: reviewers and agency admins (services check
    the finer rules, e.g. only reviewers accept a checksum warning or move pools)."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return StaffOrPlatformRead().has_permission(request, view)
        return roles.is_reviewer(request.user) or roles.is_agency_admin(request.user)


class EnterpriseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """检查对象 addressed by 统一社会信用代码."""

    serializer_class = EnterpriseSerializer
    permission_classes = [RegistryPermission]
    filterset_class = EnterpriseFilterSet
    lookup_field = "uscc"
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return enterprise_selectors.enterprise_list().order_by("-id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = enterprises.enterprise_create(by=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        data.pop("accept_checksum_warning", None)
        serializer.instance = enterprises.enterprise_update(enterprise=serializer.instance, by=self.request.user,
                                                            reason=reason, **data)

    @extend_schema(request=PoolMoveSerializer, responses=EnterpriseSerializer,
                   summary="调整对象库（司法局审核员）")
    @action(detail=True, methods=["post"], permission_classes=[IsReviewer])
    def pool(self, request, uscc=None):
        enterprise = self.get_object()
        body = PoolMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        enterprise = pools.enterprise_pool_move(enterprise=enterprise, by=request.user, **body.validated_data)
        return Response(EnterpriseSerializer(enterprise).data)

    @extend_schema(responses=QuotaSerializer, summary="年度剩余检查额度",
                   parameters=[OpenApiParameter("year", int, description="年度，默认今年")])
    @action(detail=True, methods=["get"], permission_classes=[StaffOrPlatformRead])
    def quota(self, request, uscc=None):
        enterprise = self.get_object()
        raw = request.query_params.get("year") or str(timezone.localdate().year)
        if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
            from jiujiang_inspect.exceptions import ValidationFailed

            raise ValidationFailed(detail={"year": ["年度应为四位数字，例如 2025。"]})
        return Response(QuotaSerializer(enterprise_quota(enterprise=enterprise, year=int(raw))).data)


class CapPoliciesApi(APIView):
    """频次上限 per pool and the 频次规则: every staff member and the platform read; reviewers write,
    each changed field audited."""

    def get_permissions(self):
        return [IsReviewer()] if self.request.method not in SAFE_METHODS else [StaffOrPlatformRead()]

    def _payload(self):
        return CapPoliciesSerializer({"caps": CapPolicy.objects.order_by("pool"),
                                      "frequency": FrequencyPolicy.current()}).data

    @extend_schema(responses=CapPoliciesSerializer, summary="频次上限与规则")
    def get(self, request):
        return Response(self._payload())

    @extend_schema(request=CapPoliciesUpdateSerializer, responses=CapPoliciesSerializer, summary="修改频次上限与规则")
    def patch(self, request):
        body = CapPoliciesUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data.get("reason", "")
        if body.validated_data.get("caps"):
            caps.cap_policy_update(by=request.user, caps=body.validated_data["caps"], reason=reason)
        if body.validated_data.get("frequency"):
            caps.frequency_policy_update(by=request.user, reason=reason, **body.validated_data["frequency"])
        return Response(self._payload())


class PlanPermission(BasePermission):
    """Staff read (scoped by the selector) and write (the services decide who may do what); the
    platform reads filed and published plans with the `read` scope."""

    def has_permission(self, request, view):
        return StaffOrPlatformRead().has_permission(request, view)


class AnnualPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """年度检查计划 with its lifecycle actions: draw (双随机), submit, file, return, publish."""

    serializer_class = AnnualPlanSerializer
    permission_classes = [PlanPermission]
    filterset_class = AnnualPlanFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return plan_selectors.plan_list_for_user(user=self.request.user).order_by("-id")

    def _fresh(self, plan):
        return get_object_or_404(plan_selectors.plan_base(), pk=plan.pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = annual_plans.plan_create(by=self.request.user, **data)
        serializer.instance = self._fresh(plan)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reason = self.request.data.get("reason", "") if isinstance(self.request.data, dict) else ""
        plan = annual_plans.plan_update(plan=serializer.instance, by=self.request.user, reason=str(reason)[:500],
                                        **data)
        serializer.instance = self._fresh(plan)

    @extend_schema(request=PlanDrawSerializer, responses=AnnualPlanSerializer, summary="双随机抽取")
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        body = PlanDrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = draw.plan_draw(plan=self.get_object(), by=request.user, **body.validated_data)
        return Response(AnnualPlanSerializer(self._fresh(plan)).data)

    @extend_schema(request=None, responses=PlanSubmitResponseSerializer, summary="报送备案（牵头单位），返回提醒")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        plan, warnings = annual_plans.plan_submit(plan=self.get_object(), by=request.user)
        plan = self._fresh(plan)
        plan.warnings = warnings
        return Response(PlanSubmitResponseSerializer(plan).data)

    @extend_schema(request=PlanFileSerializer, responses=AnnualPlanSerializer, summary="备案（司法局审核员）")
    @action(detail=True, methods=["post"], url_path="file")
    def file_plan(self, request, pk=None):
        body = PlanFileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = annual_plans.plan_file(plan=self.get_object(), by=request.user, **body.validated_data)
        return Response(AnnualPlanSerializer(self._fresh(plan)).data)

    @extend_schema(request=PlanReturnSerializer, responses=AnnualPlanSerializer, summary="退回（司法局审核员，须说明原因）")
    @action(detail=True, methods=["post"], url_path="return")
    def return_plan(self, request, pk=None):
        body = PlanReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = annual_plans.plan_return(plan=self.get_object(), by=request.user, **body.validated_data)
        return Response(AnnualPlanSerializer(self._fresh(plan)).data)

    @extend_schema(request=None, responses=AnnualPlanSerializer, summary="公布")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        plan = annual_plans.plan_publish(plan=self.get_object(), by=request.user)
        return Response(AnnualPlanSerializer(self._fresh(plan)).data, status=status.HTTP_200_OK)


def register(router):
    router.register("enterprises", EnterpriseViewSet, basename="enterprise")
    router.register("plans", AnnualPlanViewSet, basename="annual-plan")


def _urls():
    from django.urls import path

    return [path("cap-policies/", CapPoliciesApi.as_view(), name="cap-policies")]


urlpatterns = _urls()
