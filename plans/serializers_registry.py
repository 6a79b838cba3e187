"""API shapes for enterprises, quota, cap policies and annual plans (fields per API.md)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from matters.models import Industry, JointMatterList
from subjects.serializers import AgencyCodeField

from .models import AnnualPlan, Block, CapPolicy, Enterprise, FrequencyPolicy, Pool
from .services.caps import FREQUENCY_FIELDS
from .services.enterprises import uscc_normalise, uscc_validate


class IndustryCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Industry.objects.all())
        super().__init__(**kwargs)


class EnterpriseSerializer(serializers.ModelSerializer):
    # Shape and checksum are the service's rules (codes invalid_uscc / uscc_checksum_mismatch), so the
    # field only bounds the length.
    uscc = serializers.CharField(max_length=64)
    industry = IndustryCodeField(required=False, allow_null=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True, default=None)
    pool = serializers.CharField(read_only=True)
    pool_label = serializers.CharField(source="get_pool_display", read_only=True)
    accept_checksum_warning = serializers.BooleanField(write_only=True, required=False, default=False)
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=500)

    class Meta:
        model = Enterprise
        fields = ["uscc", "name", "town", "address", "industry", "industry_name", "size", "credit_class",
                  "joins_joint", "pool", "pool_label", "contact_name", "contact_phone", "is_active",
                  "checksum_warning_accepted", "accept_checksum_warning", "reason", "created_at", "updated_at"]
        read_only_fields = ["checksum_warning_accepted", "created_at", "updated_at"]

    def validate_uscc(self, value):
        # API.md: a uscc of the wrong shape is a 400 `invalid_uscc`, a bad check character a 400
        # `uscc_checksum_mismatch` (unless a reviewer accepts it), whatever else is wrong in the body:
        # the service's validator runs first, not after the generic field errors.
        value = uscc_normalise(value)
        if self.instance is None or value != self.instance.uscc:
            raw = self.initial_data.get("accept_checksum_warning") if isinstance(self.initial_data, dict) else None
            request = self.context.get("request")
            uscc_validate(value, accept_checksum_warning=raw in (True, 1, "1", "true", "True"),
                          by=getattr(request, "user", None))
        return value


class PoolMoveSerializer(serializers.Serializer):
    pool = serializers.ChoiceField(choices=Pool.choices)
    reason = serializers.CharField(max_length=1000)


class BlockBriefSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", default=None)
    rule_label = serializers.CharField(source="get_rule_display")

    class Meta:
        model = Block
        fields = ["id", "rule", "rule_label", "reason", "agency", "inspector", "starts_on", "ends_on", "status"]


class QuotaSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    pool = serializers.CharField()
    yearly_cap = serializers.IntegerField()
    used = serializers.IntegerField()
    remaining = serializers.IntegerField()
    per_agency_cap = serializers.IntegerField()
    blocked = serializers.BooleanField()
    blocks = BlockBriefSerializer(many=True)


class CapPolicySerializer(serializers.ModelSerializer):
    pool_label = serializers.CharField(source="get_pool_display")

    class Meta:
        model = CapPolicy
        fields = ["pool", "pool_label", "yearly_onsite_cap", "updated_at"]


class FrequencyPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = FrequencyPolicy
        fields = [*FREQUENCY_FIELDS, "updated_at"]


class CapPoliciesSerializer(serializers.Serializer):
    caps = CapPolicySerializer(many=True)
    frequency = FrequencyPolicySerializer()


class CapPoliciesUpdateSerializer(serializers.Serializer):
    caps = serializers.DictField(child=serializers.IntegerField(min_value=0), required=False,
                                 help_text=_('按对象库设置年度上限，如 {"joint": 2, "whitelist": 1}'))
    frequency = serializers.DictField(required=False, help_text=_("频次规则字段及新值"))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class PlanTargetSerializer(serializers.Serializer):
    uscc = serializers.CharField(source="enterprise.uscc")
    name = serializers.CharField(source="enterprise.name")
    month = serializers.CharField()
    drawn = serializers.BooleanField()


class TargetUsccListField(serializers.ListField):
    """`enterprises`: written as a uscc list (the full target list); read from the plan's targets."""

    def get_attribute(self, instance):
        return [t.enterprise.uscc for t in instance.targets.all()]


class AnnualPlanSerializer(serializers.ModelSerializer):
    lead_agency = AgencyCodeField(required=False)
    member_agencies = AgencyCodeField(many=True, required=False)
    industry = IndustryCodeField(required=False, allow_null=True)
    joint_matter_list = serializers.PrimaryKeyRelatedField(queryset=JointMatterList.objects.all(), required=False,
                                                           allow_null=True)
    enterprises = TargetUsccListField(child=serializers.CharField(max_length=18), required=False,
                                      help_text=_("检查对象的统一社会信用代码列表"))
    months = serializers.ListField(child=serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$"), required=False)
    targets = PlanTargetSerializer(many=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = AnnualPlan
        fields = ["id", "year", "title", "lead_agency", "member_agencies", "industry", "joint_matter_list",
                  "enterprises", "targets", "months", "status", "status_label", "status_reason", "version", "seed",
                  "draw_params", "filed_at", "published_at", "created_at", "updated_at"]
        read_only_fields = ["status", "status_reason", "version", "seed", "draw_params", "filed_at", "published_at",
                            "created_at", "updated_at"]

    def validate_enterprises(self, value):
        usccs = [v.strip().upper() for v in value]
        found = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=usccs)}
        missing = [u for u in usccs if u not in found]
        if missing:
            raise serializers.ValidationError(_("未登记的统一社会信用代码：%(list)s") % {"list": "、".join(missing[:20])})
        return [found[u] for u in dict.fromkeys(usccs)]

    def validate(self, attrs):
        if self.instance is not None and ("year" in attrs or "lead_agency" in attrs):
            raise serializers.ValidationError({"year": [_("年度和牵头单位创建后不可修改。")]})
        if self.instance is None and "year" not in attrs:
            raise serializers.ValidationError({"year": [_("请填写年度。")]})
        return attrs


class PlanDrawSerializer(serializers.Serializer):
    seed = serializers.CharField(required=False, allow_blank=True, max_length=64)
    count = serializers.IntegerField(required=False, min_value=1, allow_null=True)
    percent = serializers.FloatField(required=False, min_value=0.01, max_value=100, allow_null=True)
    stratify_by_credit = serializers.BooleanField(required=False, default=False)


class PlanFileSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PlanReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class PlanWarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    uscc = serializers.CharField(allow_blank=True)
    name = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class PlanSubmitResponseSerializer(AnnualPlanSerializer):
    warnings = PlanWarningSerializer(many=True, read_only=True)

    class Meta(AnnualPlanSerializer.Meta):
        fields = [*AnnualPlanSerializer.Meta.fields, "warnings"]
