"""Shape of inspection and triggered-filing data over the API (API.md "Inspection"); writes go
through plans.services.inspections."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from matters.models import InspectionMatter
from subjects.models import Agency, Inspector

from .models import AnnualPlan, Enterprise, Inspection, TriggeredFiling


class ParticipationInSerializer(serializers.Serializer):
    agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all())
    inspectors = serializers.PrimaryKeyRelatedField(many=True, queryset=Inspector.objects.all())
    matters = serializers.SlugRelatedField(many=True, slug_field="code", queryset=InspectionMatter.objects.all())


class TriggerSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=Inspection.TriggerSource.choices)
    reference = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    reason = serializers.CharField(max_length=2000)


class AdvanceNoticeSerializer(serializers.Serializer):
    notified_at = serializers.DateTimeField()
    method = serializers.CharField(max_length=100)
    content = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class InspectionInSerializer(serializers.Serializer):
    """Input of POST/PATCH /inspections/: only the shape is checked here (400); rules run at approve/."""

    enterprise = serializers.SlugRelatedField(slug_field="uscc", queryset=Enterprise.objects.all())
    kind = serializers.ChoiceField(choices=Inspection.Kind.choices)
    mode = serializers.ChoiceField(choices=Inspection.Mode.choices, default=Inspection.Mode.ONSITE)
    date = serializers.DateField()
    plan = serializers.PrimaryKeyRelatedField(queryset=AnnualPlan.objects.all(), allow_null=True, required=False)
    trigger = TriggerSerializer(required=False, allow_null=True)
    participations = ParticipationInSerializer(many=True)
    advance_notice = AdvanceNoticeSerializer(required=False, allow_null=True)
    notice_exempt_reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    onsite_justification = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    special_approval_ref = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    rechecks = serializers.PrimaryKeyRelatedField(queryset=Inspection.objects.all(), allow_null=True, required=False)

    def validate_participations(self, value):
        if not value:
            raise serializers.ValidationError(_("至少需要一个参与单位。"))
        return value


class InspectionSerializer(serializers.ModelSerializer):
    """Output; everything read from the list selector's prefetches (query count independent of rows)."""

    enterprise = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")
    initiating_agency = serializers.CharField(source="initiating_agency.code")
    trigger = serializers.SerializerMethodField()
    advance_notice = serializers.SerializerMethodField()
    participations = serializers.SerializerMethodField()
    is_joint = serializers.SerializerMethodField()
    check_code = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = ["id", "enterprise", "enterprise_name", "initiating_agency", "kind", "mode", "date", "plan", "trigger",
                  "participations", "is_joint", "advance_notice", "notice_exempt_reason", "onsite_justification",
                  "special_approval_ref", "rechecks", "status", "outcome", "is_emergency", "slot_year",
                  "counts_toward_cap", "merged_into", "check_code", "created_at", "updated_at"]
        read_only_fields = fields

    def get_trigger(self, obj) -> dict | None:
        if obj.kind != Inspection.Kind.TRIGGERED:
            return None
        return {"source": obj.trigger_source, "reference": obj.trigger_reference, "reason": obj.trigger_reason}

    def get_advance_notice(self, obj) -> dict | None:
        if not obj.notified_at:
            return None
        return {"notified_at": serializers.DateTimeField().to_representation(obj.notified_at),
                "method": obj.notice_method, "content": obj.notice_content}

    def get_participations(self, obj) -> list[dict]:
        return [{"agency": p.agency.code, "is_lead": p.is_lead, "inspectors": [i.pk for i in p.inspectors.all()],
                 "matters": [m.code for m in p.matters.all()]} for p in obj.participations.all()]

    def get_is_joint(self, obj) -> bool:
        return len(obj.participations.all()) > 1

    def get_check_code(self, obj) -> str | None:
        live = [c for c in obj.check_codes.all() if c.status in ("issued", "shown", "completed", "closed")]
        return max(live, key=lambda c: c.issued_at).code if live else None


class TriggeredFilingSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    enterprise = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")

    class Meta:
        model = TriggeredFiling
        fields = ["id", "inspection", "agency", "agency_name", "enterprise", "enterprise_name", "source", "reference",
                  "reason", "month", "filed_at", "updated_at"]
        read_only_fields = fields


class MergeSerializer(serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(queryset=Inspection.objects.all(), required=False)
    target = serializers.PrimaryKeyRelatedField(queryset=Inspection.objects.all(), required=False)

    def validate(self, attrs):
        if bool(attrs.get("source")) == bool(attrs.get("target")):
            raise serializers.ValidationError(_("请指定 source 或 target 之一。"))
        return attrs


class InspectionCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
