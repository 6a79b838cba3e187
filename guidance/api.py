"""/api/v1/trainings/, /tests/, /test-attempts/, /questions/, /cases-library/, /recognitions/,
/matter-equivalences/ and /guidance-policy/. Every write goes through a guidance service."""
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from jiujiang_inspect import roles
from jiujiang_inspect.excel import check_xlsx_upload
from jiujiang_inspect.exceptions import PermissionDeniedError, ValidationFailed
from jiujiang_inspect.jobs import job_create
from jiujiang_inspect.permissions import IsReviewer, IsReviewerOrReadOnlyStaff, IsStaffUser
from jiujiang_inspect.schema import ApiErrorSerializer
from plans.models import Inspection

from . import selectors, services
from .models import GuidancePolicy
from .serializers import (
    AttemptSubmitSerializer,
    AttendanceRecordSerializer,
    CoverageRowSerializer,
    GuidanceReasonSerializer,
    MaterialCreateSerializer,
    MatterEquivalenceSerializer,
    OnlineTestSerializer,
    PolicySerializer,
    QuestionSerializer,
    ResultRecognitionSerializer,
    SharedResultSerializer,
    TestAttemptSerializer,
    TrainingMaterialSerializer,
    TrainingSessionSerializer,
    TypicalCaseSerializer,
)

JobAccepted = inline_serializer("JobAccepted", {"job": serializers.IntegerField(), "status_url": serializers.CharField()})
UPDATE_METHODS = ["get", "post", "patch", "head", "options"]


def _job_response(job):
    return Response({"job": job.pk, "status_url": reverse("job_status", args=[job.pk])}, status=status.HTTP_202_ACCEPTED)


def _upload(request):
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationFailed("请上传 Excel 文件。", detail={"file": ["请上传 Excel 文件。"]})
    check_xlsx_upload(upload)
    return upload


class TrainingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """培训 (举措 9). Staff read the sessions of their agency; the organiser (or 司法局) manages them."""

    serializer_class = TrainingSessionSerializer
    permission_classes = [IsStaffUser]
    http_method_names = UPDATE_METHODS
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (selectors.training_list_for_user(user=self.request.user)
                .prefetch_related("invited_agencies", "materials").order_by("-id"))

    def perform_create(self, serializer):
        session = services.training_create(by=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=session.pk)  # with its attendance_count

    def perform_update(self, serializer):
        services.training_update(session=serializer.instance, by=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @extend_schema(request=None, responses={201: inline_serializer("SignIn", {"signed_at": serializers.DateTimeField()})},
                   summary="执法人员本人签到（仅培训当天）")
    @action(detail=True, methods=["post"], url_path="sign-in")
    def sign_in(self, request, pk=None):
        attendance = services.training_sign_in(session=self.get_object(), by=request.user)
        return Response({"signed_at": attendance.signed_at}, status=status.HTTP_201_CREATED)

    @extend_schema(request=AttendanceRecordSerializer,
                   responses={200: inline_serializer("AttendanceAdded", {"added": serializers.IntegerField()})},
                   summary="主办单位按名单登记签到")
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        data = AttendanceRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        added = services.training_attendance_record(session=self.get_object(), by=request.user,
                                                    inspectors=data.validated_data["inspectors"])
        return Response({"added": added})

    @extend_schema(request={"multipart/form-data": inline_serializer("AttendanceUpload", {"file": serializers.FileField()})},
                   responses={202: JobAccepted}, summary="上传签到表（Excel，后台导入）")
    @action(detail=True, methods=["post"], url_path="attendance-import")
    def attendance_import(self, request, pk=None):
        session = self.get_object()
        from .services.common import require_organiser

        require_organiser(request.user, session.organiser)
        job = job_create(kind="guidance.imports.attendance_import", by=request.user, upload=_upload(request),
                         params={"session_id": session.pk})
        return _job_response(job)

    @extend_schema(request=MaterialCreateSerializer, responses={201: TrainingMaterialSerializer},
                   summary="添加培训资料链接")
    @action(detail=True, methods=["post"])
    def materials(self, request, pk=None):
        data = MaterialCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        material = services.training_material_add(session=self.get_object(), by=request.user,
                                                  file=request.FILES.get("file"), **data.validated_data)
        return Response(TrainingMaterialSerializer(material).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: CoverageRowSerializer(many=True)}, summary="检查码培训覆盖率（按单位）")
    @action(detail=False, methods=["get"], pagination_class=None)
    def coverage(self, request):
        if not (roles.is_reviewer(request.user) or roles.is_agency_admin(request.user)):
            raise PermissionDeniedError()
        agency = None if roles.is_reviewer(request.user) else request.user.agency
        rows = selectors.training_coverage_by_agency(agency=agency)
        return Response(CoverageRowSerializer(rows, many=True).data)


class QuestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """题库: kept by 区司法局 reviewers. `import/` takes an xlsx and runs in the background."""

    serializer_class = QuestionSerializer
    permission_classes = [IsReviewer]
    http_method_names = UPDATE_METHODS
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.question_list().order_by("-id")

    def perform_create(self, serializer):
        serializer.instance = services.question_save(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        q = serializer.instance
        data = {"code": q.code, "kind": q.kind, "stem": q.stem, "options": q.options, "answer": q.answer,
                "basis": q.basis, "explanation": q.explanation, "is_active": q.is_active,
                "tags": [t.name for t in q.tags.all()]} | serializer.validated_data
        serializer.instance = services.question_save(by=self.request.user, question=q, **data)

    @extend_schema(request={"multipart/form-data": inline_serializer("QuestionUpload", {"file": serializers.FileField()})},
                   responses={202: JobAccepted}, summary="Excel 导入题库（全部校验通过才写入）")
    @action(detail=False, methods=["post"], url_path="import")
    def import_(self, request):
        job = job_create(kind="guidance.imports.questions_import", by=request.user, upload=_upload(request))
        return _job_response(job)


class OnlineTestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """在线测试. Staff see published tests; reviewers create, publish and close them."""

    serializer_class = OnlineTestSerializer
    permission_classes = [IsStaffUser]
    http_method_names = UPDATE_METHODS

    def get_queryset(self):
        return selectors.test_list_for_user(user=self.request.user).prefetch_related("questions").order_by("-id")

    def _save(self, serializer, test=None):
        data = dict(serializer.validated_data)
        questions = data.pop("questions", None)
        pools = data.pop("pools", None)
        pools = [(p["tag"], p["count"]) for p in pools] if pools is not None else None
        return services.test_save(by=self.request.user, test=test, questions=questions, pools=pools, **data)

    def perform_create(self, serializer):
        serializer.instance = self.get_queryset().get(pk=self._save(serializer).pk)

    def perform_update(self, serializer):
        serializer.instance = self.get_queryset().get(pk=self._save(serializer, serializer.instance).pk)

    @extend_schema(request=None, responses={200: OnlineTestSerializer}, summary="发布测试")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        test = services.test_publish(test=self.get_object(), by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=test.pk)).data)

    @extend_schema(request=None, responses={200: OnlineTestSerializer}, summary="关闭测试")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        test = services.test_close(test=self.get_object(), by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=test.pk)).data)

    @extend_schema(request=None, responses={201: TestAttemptSerializer}, summary="开始作答（或继续未交卷的作答）")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        attempt = services.attempt_start(test=self.get_object(), by=request.user)
        return Response(TestAttemptSerializer(attempt, context={"detail": True}).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: inline_serializer("TestResults", {
        "by_agency": serializers.ListField(child=serializers.DictField()),
        "by_inspector": serializers.ListField(child=serializers.DictField())})},
        summary="测试成绩：按单位、按人员（执法人员只看本人，单位管理员看本单位）")
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        test = self.get_object()
        agencies = selectors.test_results_by_agency(test=test, user=request.user)
        people = selectors.test_results_by_inspector(test=test, user=request.user)
        return Response({
            "by_agency": [{"agency": r["agency"].code, "active": r["active"], "sat": r["sat"], "passed": r["passed"],
                           "pass_rate": r["pass_rate"]} for r in agencies],
            "by_inspector": [{"inspector": i.pk, "name": i.name, "agency": i.agency.code, "attempts": i.attempts,
                              "best_score": str(i.best) if i.best is not None else None,
                              "passed": i.passed_count > 0} for i in people]})


class TestAttemptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Attempts: inspectors see only their own, agency admins their agency's, reviewers all."""

    serializer_class = TestAttemptSerializer
    permission_classes = [IsStaffUser]

    def get_queryset(self):
        qs = selectors.attempt_list_for_user(user=self.request.user).order_by("-id")
        if self.request.query_params.get("test"):
            qs = qs.filter(test_id=self.request.query_params["test"])
        return qs

    def get_serializer_context(self):
        return super().get_serializer_context() | {"detail": self.action != "list"}

    @extend_schema(request=AttemptSubmitSerializer, responses={200: TestAttemptSerializer}, summary="交卷")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = AttemptSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = services.attempt_submit(attempt=self.get_object(), by=request.user,
                                          answers=data.validated_data["answers"])
        return Response(TestAttemptSerializer(attempt, context={"detail": True}).data)


class TypicalCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """案例指导. `?q=` searches; `?relevant=1` keeps the cases of the matters the caller's agency
    inspects; `kind`, `category` filter. Reviewers write and publish."""

    serializer_class = TypicalCaseSerializer
    permission_classes = [IsReviewerOrReadOnlyStaff]
    http_method_names = UPDATE_METHODS

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("relevant", bool),
                               OpenApiParameter("kind", str), OpenApiParameter("category", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        user = self.request.user
        if params.get("relevant") in ("1", "true") and self.action == "list":
            qs = selectors.typical_cases_relevant_for_user(user=user)
        else:
            qs = selectors.typical_case_list_for_user(user=user)
        qs = selectors.typical_case_search(qs, params.get("q", ""))
        for key in ("kind", "category"):
            if params.get(key):
                qs = qs.filter(**{key: params[key]})
        return qs.prefetch_related("matters", "negative_items").order_by("-id")

    def _save(self, serializer, case=None):
        data = dict(serializer.validated_data)
        return services.typical_case_save(by=self.request.user, case=case, matters=data.pop("matters", None),
                                          negative_items=data.pop("negative_items", None), **data)

    def perform_create(self, serializer):
        serializer.instance = self._save(serializer)

    def perform_update(self, serializer):
        serializer.instance = self._save(serializer, serializer.instance)

    @extend_schema(request=None, responses={200: TypicalCaseSerializer}, summary="发布案例")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        case = services.typical_case_publish(case=self.get_object(), by=request.user)
        return Response(self.get_serializer(case).data)

    @extend_schema(request=GuidanceReasonSerializer, responses={200: TypicalCaseSerializer}, summary="撤回案例")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        data = GuidanceReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.typical_case_withdraw(case=self.get_object(), by=request.user, **data.validated_data)
        return Response(self.get_serializer(case).data)


def inspection_for_recognition(user, pk) -> Inspection:
    """The draft a user may look up recognisable results for: their own agency's, or any for reviewers."""
    qs = Inspection.objects.select_related("enterprise")
    if not roles.is_reviewer(user):
        qs = qs.filter(initiating_agency_id=getattr(user, "agency_id", None) or -1)
    return get_object_or_404(qs, pk=pk)


class RecognitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):
    """结果互认 (举措 12). `candidates/?inspection=<id>` lists other agencies' recent results that may
    stand for the draft (read-only, no evaluation data); POST records a recognition and cancels the draft."""

    serializer_class = ResultRecognitionSerializer
    permission_classes = [IsStaffUser]

    def get_queryset(self):
        return (selectors.recognition_list_for_user(user=self.request.user)
                .prefetch_related("result__inspection__participations__agency").order_by("-id"))

    def perform_create(self, serializer):
        data = serializer.validated_data
        recognition = services.recognition_create(inspection=data["inspection"], result=data["result"],
                                                  by=self.request.user, reason=data["reason"])
        serializer.instance = self.get_queryset().get(pk=recognition.pk)

    @extend_schema(parameters=[OpenApiParameter("inspection", int, required=True)],
                   responses={200: SharedResultSerializer(many=True),
                              404: OpenApiResponse(ApiErrorSerializer, description="检查任务不存在或不在调用者的可见范围内。")},
                   summary="可互认的检查结果")
    @action(detail=False, methods=["get"], pagination_class=None)
    def candidates(self, request):
        raw = request.query_params.get("inspection", "")
        if not raw.isdigit():
            raise ValidationFailed(detail={"inspection": ["请提供检查任务编号。"]})
        inspection = inspection_for_recognition(request.user, int(raw))
        return Response(SharedResultSerializer(selectors.recognisable_results(inspection=inspection), many=True).data)


class MatterEquivalenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                               viewsets.GenericViewSet):
    """等效事项对照表: staff read; reviewers add and deactivate (`deactivate/` with a reason)."""

    serializer_class = MatterEquivalenceSerializer
    permission_classes = [IsReviewerOrReadOnlyStaff]

    def get_queryset(self):
        return selectors.equivalence_list()

    def perform_create(self, serializer):
        serializer.instance = services.equivalence_create(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=GuidanceReasonSerializer, responses={200: MatterEquivalenceSerializer}, summary="停用等效关系")
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        data = GuidanceReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        eq = services.equivalence_deactivate(equivalence=self.get_object(), by=request.user, **data.validated_data)
        return Response(self.get_serializer(eq).data)


class GuidancePolicyApi(APIView):
    """The recognition window and the 检查码 training deadline; reviewers change them (audited)."""

    permission_classes = [IsStaffUser]

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method not in SAFE_METHODS and not roles.is_reviewer(request.user):
            self.permission_denied(request)

    def _out(self, policy):
        return {"recognition_window_days": policy.recognition_window_days,
                "checkcode_training_deadline": policy.checkcode_training_deadline.isoformat()}

    @extend_schema(responses={200: PolicySerializer}, summary="培训与互认设置")
    def get(self, request):
        return Response(self._out(GuidancePolicy.current()))

    @extend_schema(request=PolicySerializer, responses={200: PolicySerializer}, summary="修改培训与互认设置（审核员）")
    def patch(self, request):
        data = PolicySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        reason = values.pop("reason", "")
        return Response(self._out(services.policy_update(by=request.user, reason=reason, **values)))



