"""/api/v1/reports/: reviewers (and the platform, read-only) get summary reports; POST queues one."""
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jiujiang_inspect.exceptions import InvalidState
from jiujiang_inspect.permissions import ReviewerOrPlatformRead

from . import selectors, services
from .exports import report_workbook
from .models import Report
from .serializers import ReportListSerializer, ReportSerializer


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    """Summary reports (举措 19, 21). Creation answers 202: the snapshot is computed in the background;
    poll the report (`status`, `progress`) or the job. `regenerate/` makes a new version; `xlsx/`
    downloads the workbook."""

    serializer_class = ReportSerializer
    permission_classes = [ReviewerOrPlatformRead]

    def get_queryset(self):
        return selectors.report_list_for_user(user=self.request.user).prefetch_related("typical_cases").order_by("-id")

    def get_serializer_class(self):
        return ReportListSerializer if self.action == "list" else ReportSerializer

    @extend_schema(responses={202: ReportSerializer})
    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_request(by=request.user, **data.validated_data)
        return Response(self.get_serializer(report).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: ReportSerializer}, summary="重新生成（新版本）")
    @action(detail=True, methods=["post"])
    def regenerate(self, request, pk=None):
        report = services.report_regenerate(report=self.get_object(), by=request.user)
        return Response(self.get_serializer(report).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
                   summary="下载 Excel")
    @action(detail=True, methods=["get"])
    def xlsx(self, request, pk=None):
        report = self.get_object()
        if report.status != Report.Status.DONE:
            raise InvalidState("报告尚未生成完成。")
        return report_workbook(report)
