"""API shapes of supervision records. Shape only: writes go through the services."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from guidance.models import TypicalCase
from jiujiang_inspect.api import DateField, DateTimeField, ModelSerializer, MonthField
from jiujiang_inspect.identifiers import normalize_code
from jiujiang_inspect.models import Alert
from plans.models import Block, Inspection, MonthlyFilingSummary
from subjects.serializers import AgencyCodeField
from subjects.validators import uscc_normalise, uscc_shape_ok

from .models import CaseMeasure, CorrectionReport, HotlineTicket, JobRun, SupervisionCase


class AlertSerializer(ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    handled_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = Alert
        fields = ["id", "kind", "severity", "status", "title", "message", "agency", "enterprise_uscc", "source",
                  "created_at", "updated_at", "handled_by", "handled_at", "handling_note"]
        read_only_fields = fields


class AlertPatchSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Alert.Status.ACKNOWLEDGED, Alert.Status.RESOLVED])
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class BlockSerializer(serializers.Serializer):
    """阻断 as 智慧督 and reviewers read it: the enterprise by uscc, the agency by code (null = every
    agency), the inspector by id (null = every inspector; low-efficiency blocks name one)."""

    id = serializers.IntegerField()
    enterprise = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")
    agency = serializers.CharField(source="agency.code", allow_null=True, default=None)
    inspector = serializers.IntegerField(source="inspector_id", allow_null=True)
    rule = serializers.ChoiceField(choices=Block.Rule.choices)
    status = serializers.ChoiceField(choices=Block.Status.choices)
    reason = serializers.CharField()
    starts_on = DateField()
    ends_on = DateField(allow_null=True)
    source = serializers.CharField()
    created_at = DateTimeField()
    updated_at = DateTimeField()
    overridden_at = DateTimeField(allow_null=True)
    override_reason = serializers.CharField()


class HotlineTicketSerializer(ModelSerializer):
    enterprise = serializers.CharField(source="enterprise_uscc", required=False, allow_blank=True, max_length=64)
    agency = AgencyCodeField(required=False, allow_null=True)

    class Meta:
        model = HotlineTicket
        fields = ["id", "external_id", "title", "content", "received_at", "enterprise", "agency", "status",
                  "close_reason", "created_at", "updated_at"]
        read_only_fields = ["id", "status", "close_reason", "created_at", "updated_at"]
        # Idempotency on external_id is the service's: a repeat is a 200, not a uniqueness error.
        extra_kwargs = {"external_id": {"validators": []}, "content": {"max_length": 10000}}

    def validate_external_id(self, value):
        return normalize_code(value)

    def validate_enterprise(self, value):
        value = uscc_normalise(value)
        if value and not uscc_shape_ok(value):
            raise serializers.ValidationError(_("统一社会信用代码应为18位数字和大写字母。"))
        return value


class CorrectionReportFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text=_("字节"))
    sha256 = serializers.CharField()
    url = serializers.SerializerMethodField(help_text=_("下载地址（需同样的身份）"))

    def get_url(self, obj) -> str:
        return f"/api/v1/supervision-cases/{obj.report.measure.case_id}/files/{obj.pk}/"


class CorrectionReportSerializer(ModelSerializer):
    """整改报告: the supervised agency's answer to a 责令改正 (read)."""

    submitted_by = serializers.SerializerMethodField()
    files = CorrectionReportFileSerializer(many=True, read_only=True)

    class Meta:
        model = CorrectionReport
        fields = ["id", "measure", "report", "submitted_by", "submitted_at", "files"]
        read_only_fields = fields

    def get_submitted_by(self, obj) -> str:
        return obj.submitted_by.display_name or obj.submitted_by.username


class CorrectionReportCreateSerializer(serializers.Serializer):
    """multipart/form-data: `measure` (a 责令改正 of this case), `report`, `files` (repeat the part)."""

    measure = serializers.IntegerField()
    report = serializers.CharField(max_length=5000)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=10)


class CaseMeasureSerializer(ModelSerializer):
    reports = CorrectionReportSerializer(many=True, read_only=True,
                                         help_text=_("被监督单位对责令改正提交的整改报告"))

    class Meta:
        model = CaseMeasure
        fields = ["id", "kind", "date", "deadline", "document", "outcome", "reports"]
        read_only_fields = ["id", "reports"]
        extra_kwargs = {"outcome": {"max_length": 5000}}


class SupervisionCaseSerializer(ModelSerializer):
    agency = AgencyCodeField()
    inspections = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Inspection.objects.all())
    hotline_ticket = serializers.SlugRelatedField(slug_field="external_id", read_only=True)
    measures = CaseMeasureSerializer(many=True, read_only=True)
    external_id = serializers.CharField(required=False, allow_null=True, max_length=64, validators=[])
    typical_cases = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=TypicalCase.objects.all(),
        help_text=_("相关典型案例（案例指导库中的 id）"))

    class Meta:
        model = SupervisionCase
        fields = ["id", "source", "title", "problem", "agency", "inspections", "typical_cases", "hotline_ticket",
                  "external_id", "deadline", "status", "outcome", "measures", "created_at", "updated_at"]
        read_only_fields = ["id", "status", "hotline_ticket", "measures", "created_at", "updated_at"]
        extra_kwargs = {"source": {"required": False}, "problem": {"max_length": 5000},
                        "outcome": {"max_length": 5000}}


class CasePatchSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=200)
    problem = serializers.CharField(required=False, max_length=5000)
    agency = AgencyCodeField(required=False)
    deadline = DateField(required=False, allow_null=True)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    inspections = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Inspection.objects.all())
    typical_cases = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=TypicalCase.objects.all(),
        help_text=_("相关典型案例；办结后仍可关联"))
    status = serializers.ChoiceField(required=False, choices=[SupervisionCase.Status.CLOSED],
                                     help_text=_("传 closed 并附 outcome 即办结"))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class FilingSummarySerializer(ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    confirmed_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = MonthlyFilingSummary
        fields = ["id", "agency", "month", "counts_by_source", "total", "warnings", "blocks", "confirmed_by",
                  "confirmed_at", "updated_at"]
        read_only_fields = fields


class JobRunSerializer(ModelSerializer):
    class Meta:
        model = JobRun
        fields = ["id", "kind", "period", "status", "started_at", "finished_at", "attempts", "counts", "error"]
        read_only_fields = fields


class MonthSerializer(serializers.Serializer):
    month = MonthField(help_text="YYYY-MM（1900—2100 年）")


class HotlineOpenCaseSerializer(serializers.Serializer):
    """POST /hotline-tickets/{id}/open-case/: the ticket's own title, content and agency unless given."""

    agency = AgencyCodeField(required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    problem = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    deadline = DateField(required=False, allow_null=True)
