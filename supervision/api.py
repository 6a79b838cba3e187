"""supervision API (docs/api.md): alerts, block override, 12345 tickets, supervision cases, monthly filing
summaries, job runs and the dashboard figures. Every write calls a service."""
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from jiujiang_inspect import roles
from jiujiang_inspect.api import (
    IDEMPOTENCY_HEADER,
    UpdatedSinceMixin,
    idempotent,
    local_times,
    month_parameter,
)
from jiujiang_inspect.exceptions import ValidationFailed
from jiujiang_inspect.permissions import (
    IsReviewer,
    ReviewerOrPlatformRead,
    StaffOrPlatformRead,
    _scope_ok,
    platform_scope,
)
from jiujiang_inspect.uploads import stored_file_response
from plans.services.blocks import block_override
from plans.services.filing_summaries import filing_summary_confirm

from .filters import AlertFilterSet, BlockFilterSet, HotlineTicketFilterSet, SupervisionCaseFilterSet
from .models import CorrectionReport, CorrectionReportFile
from .selectors import lists
from .selectors.stats import overview
from .serializers import (
    AlertPatchSerializer,
    AlertSerializer,
    BlockSerializer,
    CaseMeasureSerializer,
    CasePatchSerializer,
    CorrectionReportCreateSerializer,
    CorrectionReportSerializer,
    FilingSummarySerializer,
    HotlineOpenCaseSerializer,
    HotlineTicketSerializer,
    JobRunSerializer,
    MonthSerializer,
    ReasonSerializer,
    SupervisionCaseSerializer,
)
from .services import cases as case_services
from .services.alerts import alert_set_status
from .services.audit import frequency_audit_queue
from .services.hotline import hotline_ticket_close, hotline_ticket_open_case, hotline_ticket_receive
from .stats_params import stats_filter_from, stats_json


def platform_writer(scope):
    """Reviewers; the platform reads with `read` or with `scope` (docs/api.md: "platform with hotline:write"
    both POSTs and GETs its tickets) and writes with `scope`."""
    base = platform_scope(scope)

    class _PlatformWriter(base):
        def has_permission(self, request, view):
            if super().has_permission(request, view):
                return True
            return (request.method in SAFE_METHODS and roles.is_platform(request.user)
                    and _scope_ok(request, scope))

    _PlatformWriter.__name__ = base.__name__
    return _PlatformWriter


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                   viewsets.GenericViewSet):
    """提醒预警. Reviewers read and handle them; 智慧督 reads them (scope `read`)."""

    serializer_class = AlertSerializer
    permission_classes = [ReviewerOrPlatformRead]
    filterset_class = AlertFilterSet
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return lists.alert_list_for_user(user=self.request.user)

    @extend_schema(request=AlertPatchSerializer, responses=AlertSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = AlertPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = alert_set_status(alert=self.get_object(), by=request.user, status=data.validated_data["status"],
                                 note=data.validated_data.get("note", ""))
        return Response(AlertSerializer(alert).data)


class BlockViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """阻断 (GET /blocks/, /blocks/{id}/): reviewers; 智慧督 with scope `read`. Filters `status`, `rule`,
    `enterprise` (uscc), `agency` (code), `year` (start year), `updated_since`; cursor pages ordered by
    -id. Lifting one is POST /blocks/{id}/override/ (BlockOverrideApi)."""

    serializer_class = BlockSerializer
    permission_classes = [ReviewerOrPlatformRead]
    filterset_class = BlockFilterSet

    def get_queryset(self):
        return lists.block_list()


class BlockOverrideApi(APIView):
    """POST /blocks/{id}/override/ {"reason"}: 司法局 lifts a block (audited)."""

    permission_classes = [IsReviewer]

    @extend_schema(request=ReasonSerializer, responses=BlockSerializer)
    def post(self, request, pk):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        block = get_object_or_404(lists.block_list(), pk=pk)
        block = block_override(block=block, by=request.user, reason=data.validated_data["reason"])
        return Response(BlockSerializer(lists.block_list().get(pk=block.pk)).data)


class HotlineTicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.CreateModelMixin, viewsets.GenericViewSet):
    """12345 工单 from 智慧督 (scope `hotline:write`): idempotent on external_id — a repeat answers
    200 with the stored ticket."""

    serializer_class = HotlineTicketSerializer
    permission_classes = [platform_writer("hotline:write")]
    filterset_class = HotlineTicketFilterSet

    def get_queryset(self):
        return lists.hotline_ticket_list()

    @extend_schema(parameters=[IDEMPOTENCY_HEADER],
                   responses={201: HotlineTicketSerializer, 200: HotlineTicketSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        ticket, created = hotline_ticket_receive(
            by=request.user, external_id=d["external_id"], title=d["title"], content=d["content"],
            received_at=d["received_at"], enterprise_uscc=d.get("enterprise_uscc", ""), agency=d.get("agency"))
        return Response(self.get_serializer(ticket).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=HotlineOpenCaseSerializer, responses={201: SupervisionCaseSerializer})
    @action(detail=True, methods=["post"], url_path="open-case", permission_classes=[IsReviewer])
    def open_case(self, request, pk=None):
        """转为监督案件 (reviewers), as on the ticket page; the case's close answers the ticket (办结)."""
        data = HotlineOpenCaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        case = hotline_ticket_open_case(ticket=self.get_object(), by=request.user, agency=d.get("agency"),
                                        title=d.get("title", ""), problem=d.get("problem", ""),
                                        deadline=d.get("deadline"))
        return Response(SupervisionCaseSerializer(lists.case_list().get(pk=case.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=HotlineTicketSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsReviewer])
    def close(self, request, pk=None):
        """办结 without a case (reviewers): the reason is the reply 12345 receives."""
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = hotline_ticket_close(ticket=self.get_object(), by=request.user, reason=data.validated_data["reason"])
        return Response(HotlineTicketSerializer(ticket).data)


class _CasePermission(platform_writer("cases:write")):
    """Reviewers and 智慧督 as before; the supervised agency's admins read their own cases and answer a
    责令改正 (`correction-reports`; the service checks it is their agency)."""

    def has_permission(self, request, view):
        if super().has_permission(request, view):
            return True
        if not roles.is_agency_admin(request.user):
            return False
        return request.method in SAFE_METHODS or getattr(view, "action", None) == "correction_reports"


class SupervisionCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """监督案件: reviewers; 智慧督 with scope `cases:write` (idempotent on external_id); the supervised
    agency's admins read their own and answer a 责令改正 with a 整改报告."""

    serializer_class = SupervisionCaseSerializer
    permission_classes = [_CasePermission]
    filterset_class = SupervisionCaseFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return lists.case_list_for_user(user=self.request.user).prefetch_related(
            "measures__reports__submitted_by", "measures__reports__files", "inspections", "typical_cases")

    @extend_schema(parameters=[IDEMPOTENCY_HEADER],
                   responses={201: SupervisionCaseSerializer, 200: SupervisionCaseSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        source = d.get("source") or ("platform" if roles.is_platform(request.user) else "audit")
        existed = bool(d.get("external_id")) and lists.case_list().filter(external_id=d["external_id"]).exists()
        case = case_services.case_create(by=request.user, source=source, agency=d["agency"], title=d["title"],
                                         problem=d["problem"], deadline=d.get("deadline"),
                                         inspections=d.get("inspections", ()), external_id=d.get("external_id"),
                                         typical_cases=d.get("typical_cases", ()))
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data,
                        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(request=CasePatchSerializer, responses=SupervisionCaseSerializer, parameters=[IDEMPOTENCY_HEADER])
    @idempotent
    def partial_update(self, request, *args, **kwargs):
        data = CasePatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        close, reason = d.pop("status", None), d.pop("reason", "")
        typical_cases = d.pop("typical_cases", None)
        case = self.get_object()
        with transaction.atomic():
            if typical_cases is not None:
                case = case_services.case_typical_cases_set(case=case, by=request.user, typical_cases=typical_cases,
                                                            reason=reason)
            if d:
                case = case_services.case_update(case=case, by=request.user, reason=reason, **d)
            if close:
                case = case_services.case_close(case=case, by=request.user, outcome=d.get("outcome") or case.outcome)
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=CaseMeasureSerializer, responses={201: CaseMeasureSerializer},
                   parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"])
    @idempotent
    def measures(self, request, pk=None):
        """Add a measure: correction → interview → public_notice → referral (never back down)."""
        data = CaseMeasureSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        measure = case_services.case_measure_add(case=self.get_object(), by=request.user, **data.validated_data)
        return Response(CaseMeasureSerializer(measure).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": CorrectionReportCreateSerializer},
                   responses={201: CorrectionReportSerializer}, parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"], url_path="correction-reports",
            parser_classes=[MultiPartParser, FormParser])
    @idempotent
    def correction_reports(self, request, pk=None):
        """整改报告: the supervised agency's admin answers a 责令改正 of this case with a report and up to
        10 photos or PDFs (each checked by content; 400 `upload_type` / `upload_size`)."""
        case = self.get_object()
        data = CorrectionReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        measure = case.measures.filter(pk=data.validated_data["measure"]).first()
        if measure is None:
            raise ValidationFailed(detail={"measure": [_("该案件没有这项监督措施。")]})
        saved = case_services.case_correction_report(measure=measure, by=request.user,
                                                     report=data.validated_data["report"],
                                                     files=data.validated_data.get("files", ()))
        saved = CorrectionReport.objects.select_related("submitted_by", "measure").prefetch_related("files").get(
            pk=saved.pk)
        return Response(CorrectionReportSerializer(saved).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"files/(?P<file_id>[0-9]+)")
    def files(self, request, pk=None, file_id=None):
        """One attachment of this case's 整改报告 (same identities as the case itself)."""
        case = self.get_object()
        stored = get_object_or_404(CorrectionReportFile, pk=file_id, report__measure__case=case)
        return stored_file_response(stored)


class _SummaryConfirm(BasePermission):
    def has_permission(self, request, view):
        return roles.is_agency_admin(request.user)


class FilingSummaryViewSet(UpdatedSinceMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """按月汇总 written by the monthly audit; an agency admin confirms its own (POST {id}/confirm/)."""

    serializer_class = FilingSummarySerializer
    permission_classes = [StaffOrPlatformRead]

    def get_queryset(self):
        qs = self.filter_updated_since(lists.filing_summary_list_for_user(user=self.request.user))
        month = month_parameter(self.request, required=False)
        return qs.filter(month=month) if month else qs

    @extend_schema(parameters=[OpenApiParameter("month", str, description="YYYY-MM（1900—2100 年）")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[_SummaryConfirm])
    def confirm(self, request, pk=None):
        summary = filing_summary_confirm(summary=self.get_object(), by=request.user)
        return Response(self.get_serializer(summary).data)


class JobRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Job runs (status, start, end, counts, errors); POST frequency-audit/ {"month"} queues an audit."""

    serializer_class = JobRunSerializer
    permission_classes = [IsReviewer]

    def get_queryset(self):
        return lists.jobrun_list()

    @extend_schema(request=MonthSerializer, responses={202: inline_serializer(
        "AuditQueued", {"month": serializers.CharField(), "queued": serializers.BooleanField()})})
    @action(detail=False, methods=["post"], url_path="frequency-audit")
    def frequency_audit(self, request):
        data = MonthSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        month = data.validated_data["month"]
        frequency_audit_queue(month=month, by=request.user)
        return Response({"month": month, "queued": True}, status=status.HTTP_202_ACCEPTED)


class _StatsPermission(BasePermission):
    def has_permission(self, request, view):
        return (roles.is_agency_admin(request.user)
                or ReviewerOrPlatformRead().has_permission(request, view))


class StatsOverviewApi(APIView):
    """GET /stats/overview/?year=&month=&agency=&town=&industry= : the dashboard's figures.
    Agency admins get their own agency's figures whatever they ask."""

    replica_reads = True  # a dashboard read (jiujiang_inspect.db_routing)

    permission_classes = [_StatsPermission]

    @extend_schema(parameters=[OpenApiParameter(n, str) for n in ("year", "month", "agency", "town", "industry")],
                   responses=inline_serializer("StatsOverview", {"inspections": serializers.DictField()}))
    def get(self, request):
        try:
            f = stats_filter_from(request.query_params, user=request.user)
        except ValueError as exc:
            raise ValidationFailed(detail={"year": [str(exc)]})
        return Response(local_times(stats_json(overview(f=f))))
