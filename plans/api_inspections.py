"""Inspections and triggered filings over the API (API.md). Every write calls a service; the
check-code and result actions live in checkcode/api.py (a higher app) under the same URL prefix."""
import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jiujiang_inspect import roles
from jiujiang_inspect.api import local_times
from jiujiang_inspect.permissions import StaffOrPlatformRead

from .api_invitations import InvitationViewSet
from .filters_inspections import InspectionFilterSet, TriggeredFilingFilterSet
from .selectors.inspections import (
    inspection_list_for_user,
    inspections_detailed,
    joint_match_candidates,
    triggered_filing_list_for_user,
)
from .serializers_inspections import (
    InspectionCancelSerializer,
    InspectionInSerializer,
    InspectionSerializer,
    MergeSerializer,
    TriggeredFilingSerializer,
)
from .services import inspections as services
from .services.triggered_filings import monthly_summary_compute

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _service_kwargs(data):
    data = dict(data)
    if data.get("participations") is not None:
        data["participations"] = [dict(p) for p in data["participations"]]
    for key in ("trigger", "advance_notice"):
        if data.get(key) is not None:
            data[key] = dict(data[key])
    return data


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """检查任务. Agency staff see inspections their agency takes part in; reviewers and the platform
    (read) see all. `approve/` runs every gate (409 with the first failing rule's code)."""

    serializer_class = InspectionSerializer
    permission_classes = [StaffOrPlatformRead]
    filterset_class = InspectionFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return inspection_list_for_user(user=self.request.user).order_by("-id")

    def _out(self, inspection, code=status.HTTP_200_OK):
        return Response(InspectionSerializer(inspections_detailed().get(pk=inspection.pk)).data, status=code)

    @extend_schema(request=InspectionInSerializer, responses={201: InspectionSerializer})
    def create(self, request, *args, **kwargs):
        data = InspectionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        inspection = services.inspection_create(by=request.user, **_service_kwargs(data.validated_data))
        return self._out(inspection, status.HTTP_201_CREATED)

    @extend_schema(request=InspectionInSerializer, responses=InspectionSerializer)
    def partial_update(self, request, *args, **kwargs):
        inspection = self.get_object()
        data = InspectionInSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        inspection = services.inspection_update(inspection=inspection, by=request.user,
                                                **_service_kwargs(data.validated_data))
        return self._out(inspection)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise exceptions.MethodNotAllowed("PUT")
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=None, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """审批: runs every gate; 409 with the failing rule's `code` (all of them in `detail.errors`)."""
        return self._out(services.inspection_approve(inspection=self.get_object(), by=request.user))

    @extend_schema(request=MergeSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """One joint inspection (综合查一次): `{"source": id}` merges another agency's pending inspection
        into this one; `{"target": id}` merges this one into a candidate from `joint-matches/`."""
        data = MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mine = self.get_object()
        if data.validated_data.get("source"):
            target, source = mine, data.validated_data["source"]
        else:
            target, source = data.validated_data["target"], mine
        return self._out(services.inspection_merge(target=target, source=source, by=request.user))

    @extend_schema(responses=InspectionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="joint-matches", pagination_class=None)
    def joint_matches(self, request, pk=None):
        """Other agencies' pending inspections of the same enterprise within the matching window."""
        # Candidates belong to other agencies: the drafting agency sees them in order to merge.
        candidates = joint_match_candidates(inspection=self.get_object())
        qs = inspections_detailed(candidates.model.objects.filter(pk__in=candidates.values("pk"))).order_by("date", "id")
        return Response(InspectionSerializer(qs, many=True).data)

    @extend_schema(request=InspectionCancelSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = InspectionCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(services.inspection_cancel(inspection=self.get_object(), by=request.user,
                                                    reason=data.validated_data["reason"]))


class TriggeredFilingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             viewsets.GenericViewSet):
    """触发式检查备案: staff (own agency; reviewers all) and the platform (read)."""

    serializer_class = TriggeredFilingSerializer
    permission_classes = [StaffOrPlatformRead]
    filterset_class = TriggeredFilingFilterSet

    def get_queryset(self):
        return triggered_filing_list_for_user(user=self.request.user).order_by("-id")

    @extend_schema(parameters=[OpenApiParameter("month", str, required=True, description="YYYY-MM")])
    @action(detail=False, methods=["get"], url_path="monthly-summary", filterset_class=None, pagination_class=None)
    def monthly_summary(self, request):
        """按月汇总 per agency: filings by source (live), warnings and blocks from the monthly audit."""
        month = request.query_params.get("month", "")
        if not MONTH.match(month):
            raise exceptions.ValidationError({"month": [_("月份格式应为 YYYY-MM。")]})
        rows = monthly_summary_compute(month=month)
        user = request.user
        if not (roles.is_reviewer(user) or roles.is_platform(user)):
            rows = [r for r in rows if r["agency"].pk == user.agency_id]
        return Response(local_times({"month": month, "results": [
            {"agency": r["agency"].code, "agency_name": r["agency"].name, "counts_by_source": r["counts_by_source"],
             "total": r["total"], "warnings": r["warnings"], "blocks": r["blocks"], "audited": r["audited"],
             "confirmed_at": r["confirmed_at"]} for r in rows]}))


def register(router):
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("triggered-filings", TriggeredFilingViewSet, basename="triggered-filing")
    # 邀约 lives beside inspections (api_urls.py gathers only this module and the registry's).
    router.register("invitations", InvitationViewSet, basename="invitation")
