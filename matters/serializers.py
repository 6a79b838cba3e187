"""API shapes of the matter catalogue (docs/api.md "Fields outside clients rely on"). Shapes only: every
write goes through a service, which decides what is allowed."""
from rest_framework import serializers

from jiujiang_inspect.api import ItemSerializer, ModelSerializer
from subjects.models import Agency
from subjects.serializers import AgencyCodeField

from .models import Industry, InspectionMatter, JointMatterList, LegalBasis
from .selectors import joint_list_warnings


class LegalBasisSerializer(ModelSerializer):
    article_text = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    class Meta:
        model = LegalBasis
        fields = ["id", "title", "level", "article", "article_text", "effective_date", "status", "updated_at"]
        read_only_fields = ["id", "updated_at"]
        validators = []  # (title, article) uniqueness is the service's rule, answered as a field error


class CheckStandardSerializer(ItemSerializer):
    item = serializers.CharField(max_length=500)
    criterion = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CommonProblemSerializer(ItemSerializer):
    problem = serializers.CharField(max_length=500)
    guidance = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class MatterSerializer(ModelSerializer):
    agency = AgencyCodeField(required=False)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    legal_bases = serializers.PrimaryKeyRelatedField(many=True, queryset=LegalBasis.objects.all())
    industries = serializers.SlugRelatedField(many=True, slug_field="code", queryset=Industry.objects.all(),
                                              required=False)
    object_scope = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    check_standards = CheckStandardSerializer(many=True, required=False)
    common_problems = CommonProblemSerializer(many=True, required=False)

    class Meta:
        model = InspectionMatter
        fields = ["code", "name", "agency", "agency_name", "legal_bases", "industries", "object_scope", "method",
                  "offsite_capable", "check_standards", "common_problems", "status", "status_reason", "version",
                  "submitted_at", "filed_at", "published_at", "last_used_on", "updated_at"]
        read_only_fields = ["status", "status_reason", "version", "submitted_at", "filed_at", "published_at",
                            "last_used_on", "updated_at"]
        extra_kwargs = {"code": {"validators": []}}


class MatterReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class MatterFileSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CatalogueSubmitSerializer(serializers.Serializer):
    agency = AgencyCodeField(required=False)


class IndustrySerializer(ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Industry
        fields = ["code", "name", "level", "parent", "is_key", "key_label"]


class JointMatterListSerializer(ModelSerializer):
    industry = serializers.SlugRelatedField(slug_field="code", queryset=Industry.objects.all())
    lead_agency = AgencyCodeField(required=False)
    member_agencies = serializers.SlugRelatedField(many=True, slug_field="code", queryset=Agency.objects.all(),
                                                   required=False)
    matters = serializers.SlugRelatedField(many=True, slug_field="code", required=False,
                                           queryset=InspectionMatter.objects.select_related("agency"))
    title = serializers.CharField(max_length=200, required=False)
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = JointMatterList
        fields = ["id", "industry", "title", "version", "lead_agency", "member_agencies", "matters", "status",
                  "previous", "published_at", "updated_at", "warnings"]
        read_only_fields = ["id", "version", "status", "previous", "published_at", "updated_at"]
        validators = []

    def get_warnings(self, obj) -> list[str]:
        return joint_list_warnings(obj) if obj.status == JointMatterList.Status.DRAFT else []
