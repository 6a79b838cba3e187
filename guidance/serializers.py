"""API shapes of the guidance app. Shapes only: every write goes through a service.

Shared inspection results are read-only and never carry evaluation data (企业评议 stays anonymous
to agencies) nor inspectors' personal data.
"""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from checkcode.models import InspectionResult
from jiujiang_inspect import roles
from jiujiang_inspect.api import DateField, DateTimeField, ItemSerializer, ModelSerializer
from matters.models import InspectionMatter, NegativeListItem
from plans.models import Inspection
from subjects.models import Inspector
from subjects.serializers import AgencyCodeField

from .models import (
    MatterEquivalence,
    OnlineTest,
    Question,
    ResultRecognition,
    TestAttempt,
    TrainingMaterial,
    TrainingSession,
    TypicalCase,
)


class MatterCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", InspectionMatter.objects.all())
        super().__init__(**kwargs)


# --- Training ------------------------------------------------------------------------------------------


class TrainingMaterialSerializer(ModelSerializer):
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = TrainingMaterial
        fields = ["id", "kind", "title", "url", "file_url"]

    def get_file_url(self, obj) -> str | None:
        return obj.file.url if obj.file else None


class TrainingSessionSerializer(ModelSerializer):
    organiser = AgencyCodeField()
    invited_agencies = AgencyCodeField(many=True, required=False)
    materials = TrainingMaterialSerializer(many=True, read_only=True)
    attendance_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingSession
        fields = ["id", "title", "date", "location", "organiser", "invited_agencies", "is_checkcode", "description",
                  "status", "materials", "attendance_count", "updated_at"]
        read_only_fields = ["id", "status", "updated_at"]
        extra_kwargs = {"description": {"max_length": 5000}}


class MaterialCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TrainingMaterial.Kind.choices)
    title = serializers.CharField(max_length=200)
    url = serializers.URLField(max_length=500, required=False, allow_blank=True)


class AttendanceRecordSerializer(serializers.Serializer):
    inspectors = serializers.PrimaryKeyRelatedField(queryset=Inspector.objects.select_related("agency"), many=True,
                                                    allow_empty=False)


class CoverageRowSerializer(serializers.Serializer):
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    active = serializers.IntegerField()
    trained = serializers.IntegerField()
    passed = serializers.IntegerField()
    missing = serializers.IntegerField()
    percent = serializers.FloatField()


# --- Tests ---------------------------------------------------------------------------------------------


class QuestionSerializer(ModelSerializer):
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, write_only=True)

    class Meta:
        model = Question
        fields = ["id", "code", "kind", "stem", "options", "answer", "basis", "explanation", "tags", "is_active",
                  "updated_at"]
        read_only_fields = ["id", "updated_at"]
        extra_kwargs = {"code": {"validators": []}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["tags"] = sorted(t.name for t in instance.tags.all())
        return data


class PoolSerializer(ItemSerializer):
    tag = serializers.CharField(max_length=50)
    count = serializers.IntegerField(min_value=1, max_value=200)


class OnlineTestSerializer(ModelSerializer):
    questions = serializers.SlugRelatedField(slug_field="code", queryset=Question.objects.all(), many=True,
                                             required=False)
    pools = PoolSerializer(many=True, required=False)
    question_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = OnlineTest
        fields = ["id", "title", "description", "mode", "questions", "pools", "question_count", "pass_mark",
                  "time_limit_minutes", "max_attempts", "is_checkcode_test", "status", "updated_at"]
        read_only_fields = ["id", "status", "updated_at"]
        extra_kwargs = {"description": {"max_length": 5000}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["pools"] = [{"tag": p.tag.name, "count": p.count} for p in instance.pools.all()]
        request = self.context.get("request")
        if request is not None and not roles.is_reviewer(request.user):
            data.pop("questions")  # the paper is drawn at the start of an attempt, not browsed beforehand
        return data


class AttemptQuestionSerializer(serializers.Serializer):
    """A question as the inspector sees it while answering: no answer key, no explanation."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    stem = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())


class TestAttemptSerializer(ModelSerializer):
    test = serializers.PrimaryKeyRelatedField(read_only=True)
    test_title = serializers.CharField(source="test.title", read_only=True)
    inspector = serializers.PrimaryKeyRelatedField(read_only=True)
    inspector_name = serializers.CharField(source="inspector.name", read_only=True)
    agency = serializers.CharField(source="inspector.agency.code", read_only=True)
    questions = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()

    class Meta:
        model = TestAttempt
        fields = ["id", "test", "test_title", "inspector", "inspector_name", "agency", "status", "started_at",
                  "deadline_at", "submitted_at", "correct_count", "total_count", "score", "passed", "questions",
                  "review"]

    def _detail(self):
        return self.context.get("detail", False)

    def get_questions(self, obj) -> list[dict] | None:
        if not self._detail():
            return None
        return AttemptQuestionSerializer(obj.paper, many=True).data

    def get_review(self, obj) -> list[dict] | None:
        if not self._detail() or obj.status == TestAttempt.Status.IN_PROGRESS:
            return None
        from .services import attempt_review

        return [{k: q[k] for k in ("id", "number", "stem", "options", "chosen", "answer", "correct", "basis",
                                   "explanation")} for q in attempt_review(obj)]


class AttemptSubmitSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField(min_value=0)),
                                    help_text=_("{题目ID: [所选选项序号，从0开始]}"))


# --- Cases ---------------------------------------------------------------------------------------------


class TypicalCaseSerializer(ModelSerializer):
    agency = AgencyCodeField(required=False, allow_null=True)
    matters = MatterCodeField(many=True, required=False)
    negative_items = serializers.SlugRelatedField(slug_field="code", queryset=NegativeListItem.objects.all(),
                                                  many=True, required=False)

    class Meta:
        model = TypicalCase
        fields = ["id", "title", "kind", "category", "agency", "occurred_on", "facts", "rule", "handling", "lesson",
                  "matters", "negative_items", "status", "published_at", "updated_at"]
        read_only_fields = ["id", "status", "published_at", "updated_at"]


class GuidanceReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


# --- Recognition ---------------------------------------------------------------------------------------


class SharedResultSerializer(serializers.Serializer):
    """Another agency's result, shared read-only: what was checked and found, never the evaluation."""

    result = serializers.IntegerField(source="result.pk")
    inspection = serializers.IntegerField(source="result.inspection_id")
    enterprise = serializers.CharField(source="result.inspection.enterprise.uscc")
    date = DateField(source="result.inspection.date")
    mode = serializers.CharField(source="result.inspection.mode")
    agencies = serializers.SerializerMethodField()
    matters = serializers.SerializerMethodField()
    outcome = serializers.CharField(source="result.outcome")
    findings = serializers.CharField(source="result.findings")
    recorded_at = DateTimeField(source="result.recorded_at")
    covers_all_matters = serializers.BooleanField(source="full")
    uncovered_matters = serializers.SerializerMethodField()

    def get_agencies(self, obj) -> list[str]:
        return [a.code for a in obj["agencies"]]

    def get_matters(self, obj) -> list[str]:
        return sorted(m.code for m in obj["matters"])

    def get_uncovered_matters(self, obj) -> list[str]:
        codes = dict(InspectionMatter.objects.filter(pk__in=obj["uncovered"]).values_list("pk", "code"))
        return sorted(codes.values())


class ResultRecognitionSerializer(ModelSerializer):
    inspection = serializers.PrimaryKeyRelatedField(queryset=Inspection.objects.all())
    result = serializers.PrimaryKeyRelatedField(queryset=InspectionResult.objects.all())
    agency = serializers.CharField(source="agency.code", read_only=True)
    enterprise = serializers.CharField(source="enterprise.uscc", read_only=True)
    recognised_by = serializers.CharField(source="recognised_by.__str__", read_only=True)
    result_agencies = serializers.SerializerMethodField()

    class Meta:
        model = ResultRecognition
        fields = ["id", "inspection", "result", "agency", "enterprise", "reason", "recognised_by", "created_at",
                  "result_agencies"]
        read_only_fields = ["id", "created_at"]

    def get_result_agencies(self, obj) -> list[str]:
        return [p.agency.code for p in obj.result.inspection.participations.all()]


class MatterEquivalenceSerializer(ModelSerializer):
    matter_a = MatterCodeField()
    matter_b = MatterCodeField()
    matter_a_agency = serializers.CharField(source="matter_a.agency.code", read_only=True)
    matter_b_agency = serializers.CharField(source="matter_b.agency.code", read_only=True)

    class Meta:
        model = MatterEquivalence
        fields = ["id", "matter_a", "matter_a_agency", "matter_b", "matter_b_agency", "note", "is_active",
                  "created_at"]
        read_only_fields = ["id", "is_active", "created_at"]
        validators = []  # the service answers a duplicate pair with a field error


class PolicySerializer(serializers.Serializer):
    recognition_window_days = serializers.IntegerField(min_value=1, max_value=3650, required=False)
    checkcode_training_deadline = DateField(required=False)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, write_only=True)

