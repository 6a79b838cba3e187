"""API shapes (fields per docs/api.md): enterprises, quota, cap policies and annual plans; inspections and
triggered filings ("Inspection"); 邀约. Writes go through plans.services."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jiujiang_inspect.api import DateField, DateTimeField, ItemSerializer, ModelSerializer
from jiujiang_inspect.identifiers import identifier_slug_field
from matters.models import Industry, InspectionMatter, JointMatterList
from subjects.models import Agency, Inspector
from subjects.serializers import AgencyCodeField

from .models import (
    AnnualPlan,
    Block,
    CapPolicy,
    Enterprise,
    FrequencyPolicy,
    Inspection,
    Invitation,
    JointProposal,
    Pool,
    Town,
    TriggeredFiling,
)
from .services.caps import FREQUENCY_FIELDS
from .services.enterprises import uscc_normalise, uscc_validate
from .services.invitations import invitation_public_token


class IndustryCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Industry.objects.all())
        super().__init__(**kwargs)


class TownField(serializers.ChoiceField):
    """`town` by its code or, as other systems send it, its Chinese name (四褐山街道): Town.from_text."""

    def __init__(self, **kwargs):
        super().__init__(choices=Town.choices, **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(Town.from_text(data) or data)


class EnterpriseSerializer(ModelSerializer):
    # Shape and checksum are the service's rules (codes invalid_uscc / uscc_checksum_mismatch), so the
    # field only bounds the length.
    uscc = serializers.CharField(max_length=64)
    industry = IndustryCodeField(required=False, allow_null=True)
    town = TownField()
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
        # docs/api.md: a uscc of the wrong shape is a 400 `invalid_uscc`, a bad check character a 400
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


class BlockBriefSerializer(ModelSerializer):
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


class CapPolicySerializer(ModelSerializer):
    pool_label = serializers.CharField(source="get_pool_display")

    class Meta:
        model = CapPolicy
        fields = ["pool", "pool_label", "yearly_onsite_cap", "updated_at"]


class FrequencyPolicySerializer(ModelSerializer):
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


class AnnualPlanSerializer(ModelSerializer):
    lead_agency = AgencyCodeField(required=False)
    member_agencies = AgencyCodeField(many=True, required=False)
    industry = IndustryCodeField(required=False, allow_null=True)
    joint_matter_list = serializers.PrimaryKeyRelatedField(queryset=JointMatterList.objects.all(), required=False,
                                                           allow_null=True)
    enterprises = TargetUsccListField(child=serializers.CharField(max_length=64), required=False,
                                      help_text=_("检查对象的统一社会信用代码列表"))
    months = serializers.ListField(child=serializers.RegexField(r"^[0-9]{4}-(0[1-9]|1[0-2])$"), required=False)
    targets = PlanTargetSerializer(many=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = AnnualPlan
        fields = ["id", "year", "kind", "title", "lead_agency", "member_agencies", "industry", "joint_matter_list",
                  "enterprises", "targets", "months", "status", "status_label", "status_reason", "version", "seed",
                  "draw_params", "filed_at", "published_at", "created_at", "updated_at"]
        read_only_fields = ["status", "status_reason", "version", "seed", "draw_params", "filed_at", "published_at",
                            "created_at", "updated_at"]

    def validate_enterprises(self, value):
        usccs = [uscc_normalise(v) for v in value]
        found = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=usccs)}
        missing = [u for u in usccs if u not in found]
        if missing:
            raise serializers.ValidationError(_("未登记的统一社会信用代码：%(list)s") % {"list": "、".join(missing[:20])})
        return [found[u] for u in dict.fromkeys(usccs)]

    def validate(self, attrs):
        if self.instance is not None and ("year" in attrs or "lead_agency" in attrs or "kind" in attrs):
            raise serializers.ValidationError({"year": [_("年度、计划类型和牵头单位创建后不可修改。")]})
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


class ParticipationInSerializer(ItemSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all())
    inspectors = serializers.PrimaryKeyRelatedField(many=True, queryset=Inspector.objects.all())
    matters = serializers.SlugRelatedField(many=True, slug_field="code", queryset=InspectionMatter.objects.all())


class TriggerSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=Inspection.TriggerSource.choices)
    reference = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    reason = serializers.CharField(max_length=2000)


class AdvanceNoticeSerializer(serializers.Serializer):
    notified_at = DateTimeField()
    method = serializers.CharField(max_length=100)
    content = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class InspectionInSerializer(serializers.Serializer):
    """Input of POST/PATCH /inspections/: only the shape is checked here (400); rules run at approve/."""

    enterprise = identifier_slug_field(uscc_normalise, slug_field="uscc", queryset=Enterprise.objects.all())
    kind = serializers.ChoiceField(choices=Inspection.Kind.choices)
    mode = serializers.ChoiceField(choices=Inspection.Mode.choices, default=Inspection.Mode.ONSITE)
    date = DateField()
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


class InspectionSerializer(ModelSerializer):
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
                  "special_approval_ref", "rechecks", "status", "return_comment", "outcome", "is_emergency", "slot_year",
                  "counts_toward_cap", "merged_into", "check_code", "created_at", "updated_at"]
        read_only_fields = fields

    def get_trigger(self, obj) -> dict | None:
        if obj.kind != Inspection.Kind.TRIGGERED:
            return None
        return {"source": obj.trigger_source, "reference": obj.trigger_reference, "reason": obj.trigger_reason}

    def get_advance_notice(self, obj) -> dict | None:
        if not obj.notified_at:
            return None
        return {"notified_at": DateTimeField().to_representation(obj.notified_at),
                "method": obj.notice_method, "content": obj.notice_content}

    def get_participations(self, obj) -> list[dict]:
        return [{"agency": p.agency.code, "is_lead": p.is_lead, "inspectors": [i.pk for i in p.inspectors.all()],
                 "matters": [m.code for m in p.matters.all()]} for p in obj.participations.all()]

    def get_is_joint(self, obj) -> bool:
        return obj.is_joint

    def get_check_code(self, obj) -> str | None:
        live = [c for c in obj.check_codes.all() if c.status in ("issued", "shown", "completed", "closed")]
        return max(live, key=lambda c: c.issued_at).code if live else None


_DATE, _DATETIME = DateField(), DateTimeField()


def inspection_row_data(row: dict) -> dict:
    """What InspectionSerializer answers for one row of plans.selectors.inspections.inspection_rows,
    built from plain values (the API list, issue 13: a tenth of the serializer's cost per row).
    tests/test_inspection_list_rows.py holds the two equal on every kind of inspection."""
    notified = row["notified_at"]
    triggered = row["kind"] == Inspection.Kind.TRIGGERED
    return {
        "id": row["id"], "enterprise": row["enterprise__uscc"], "enterprise_name": row["enterprise__name"],
        "initiating_agency": row["initiating_agency__code"], "kind": row["kind"], "mode": row["mode"],
        "date": _DATE.to_representation(row["date"]), "plan": row["plan_id"],
        "trigger": {"source": row["trigger_source"], "reference": row["trigger_reference"],
                    "reason": row["trigger_reason"]} if triggered else None,
        "participations": row["participations"], "is_joint": row["is_joint"],
        "advance_notice": {"notified_at": _DATETIME.to_representation(notified), "method": row["notice_method"],
                           "content": row["notice_content"]} if notified else None,
        "notice_exempt_reason": row["notice_exempt_reason"], "onsite_justification": row["onsite_justification"],
        "special_approval_ref": row["special_approval_ref"], "rechecks": row["rechecks_id"], "status": row["status"],
        "return_comment": row["return_comment"], "outcome": row["outcome"], "is_emergency": row["is_emergency"],
        "slot_year": row["slot_year"], "counts_toward_cap": row["counts_toward_cap"],
        "merged_into": row["merged_into_id"], "check_code": row["check_code"],
        "created_at": _DATETIME.to_representation(row["created_at"]),
        "updated_at": _DATETIME.to_representation(row["updated_at"]),
    }


class TriggeredFilingSerializer(ModelSerializer):
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    enterprise = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")

    class Meta:
        model = TriggeredFiling
        fields = ["id", "inspection", "agency", "agency_name", "enterprise", "enterprise_name", "source", "reference",
                  "reason", "month", "filed_at", "status", "withdrawn_at", "withdrawn_reason", "updated_at"]
        read_only_fields = fields


class MergeSerializer(serializers.Serializer):
    """A merge proposal (decision g): `{"source": id}` proposes merging that offered match into this
    inspection, `{"target": id}` proposes merging this inspection into it; `note` optional."""

    source = serializers.PrimaryKeyRelatedField(queryset=Inspection.objects.all(), required=False)
    target = serializers.PrimaryKeyRelatedField(queryset=Inspection.objects.all(), required=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if bool(attrs.get("source")) == bool(attrs.get("target")):
            raise serializers.ValidationError(_("请指定 source 或 target 之一。"))
        return attrs


class JointProposalSerializer(ModelSerializer):
    proposing_agency = serializers.CharField(source="proposing_agency.code")
    consenting_agency = serializers.CharField(source="consenting_agency.code")
    enterprise = serializers.CharField(source="target.enterprise.uscc")
    target_date = DateField(source="target.date")
    source_date = DateField(source="source.date")
    proposed_by = serializers.CharField(source="proposed_by.get_username")
    decided_by = serializers.CharField(source="decided_by.get_username", allow_null=True, default=None)

    class Meta:
        model = JointProposal
        fields = ["id", "target", "source", "enterprise", "target_date", "source_date", "proposing_agency",
                  "consenting_agency", "proposed_by", "note", "status", "decided_by", "decided_at",
                  "decision_reason", "created_at", "updated_at"]
        read_only_fields = fields


class JointProposalDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class InspectionCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class InspectionReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000)


class InvitationInSerializer(serializers.Serializer):
    """Input of POST /invitations/: `agency` defaults to the user's own agency."""

    enterprise = identifier_slug_field(uscc_normalise, slug_field="uscc", queryset=Enterprise.objects.all())
    agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all(), required=False)
    activity = serializers.ChoiceField(choices=Invitation.Activity.choices)
    date = DateField()
    purpose = serializers.CharField(max_length=2000)
    invited_by_enterprise = serializers.BooleanField(default=False)


class InvitationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class InvitationSerializer(ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    public_url = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "enterprise", "enterprise_name", "agency", "agency_name", "activity", "date", "purpose",
                  "invited_by_enterprise", "status", "public_url", "created_at", "updated_at"]
        read_only_fields = fields

    def get_public_url(self, obj) -> str:
        """The link sent to the enterprise so that it can accept or decline (no login)."""
        path = reverse("plans:public_invitation", args=[invitation_public_token(obj)])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path
