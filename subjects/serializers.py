"""API shapes for agencies, inspectors and users. Personal data is write-only or masked."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jiujiang_inspect.api import DateField, ModelSerializer
from jiujiang_inspect.identifiers import code_slug_field_class
from jiujiang_inspect.models import OutboundMessage, WebhookSubscription

from .models import Agency, Certificate, Inspector, User, mask_phone
from .validators import id_number_error, id_number_normalise


class AgencyCodeField(code_slug_field_class()):
    """An agency by its 单位代码, as typed (case, full-width forms; jiujiang_inspect.identifiers)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Agency.objects.all())
        super().__init__(**kwargs)


class AgencySerializer(ModelSerializer):
    entrusting_agency = AgencyCodeField(required=False, allow_null=True)
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "short_name", "doc_abbreviation", "kind", "entrusting_agency", "display_name", "uscc",
                  "power_basis", "is_town", "is_active", "updated_at"]
        read_only_fields = ["updated_at"]
        # Uniqueness is checked by the service, which answers in the same field-error shape.
        extra_kwargs = {"code": {"validators": []}, "name": {"validators": []},
                        "power_basis": {"max_length": 5000}}


class InspectorSerializer(ModelSerializer):
    agency = AgencyCodeField()
    id_number = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=64)
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=20)
    id_number_masked = serializers.CharField(read_only=True)
    phone_masked = serializers.CharField(read_only=True)
    certificate_number = serializers.CharField(source="certificate.number", required=False, max_length=40)
    certificate_issuer = serializers.CharField(source="certificate.issuer", required=False, allow_blank=True,
                                               max_length=100)
    certificate_field = serializers.CharField(source="certificate.field", required=False, allow_blank=True,
                                              max_length=100)
    certificate_valid_from = DateField(source="certificate.valid_from", required=False)
    certificate_valid_until = DateField(source="certificate.valid_until", required=False)
    certificate_status = serializers.ChoiceField(source="certificate.status", choices=Certificate.Status.choices,
                                                 required=False)
    certificate_state = serializers.SerializerMethodField()

    class Meta:
        model = Inspector
        fields = ["id", "name", "agency", "id_number", "id_number_masked", "phone", "phone_masked", "position",
                  "is_helper", "is_active", "certificate_number", "certificate_issuer", "certificate_field",
                  "certificate_valid_from", "certificate_valid_until", "certificate_status",
                  "certificate_state", "updated_at"]
        read_only_fields = ["id", "updated_at"]

    def get_certificate_state(self, obj) -> str | None:
        cert = getattr(obj, "certificate", None) if hasattr(obj, "certificate") else None
        return cert.state if cert else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not hasattr(instance, "certificate"):
            for key in list(data):
                if key.startswith("certificate_") and key != "certificate_state":
                    data[key] = None
        return data

    def validate_id_number(self, value):
        value = id_number_normalise(value)
        if value:
            err = id_number_error(value)
            if err:
                raise serializers.ValidationError(err)
        return value

    def validate(self, attrs):
        cert = attrs.get("certificate")
        if cert and self.instance is None:
            missing = [f"certificate_{k}" for k in ("number", "valid_from", "valid_until") if k not in cert]
            if missing:
                raise serializers.ValidationError({m: [_("登记证件时必须填写。")] for m in missing})
        return attrs


class UserSerializer(ModelSerializer):
    agency = AgencyCodeField(required=False, allow_null=True)
    password = serializers.CharField(write_only=True, max_length=128,
                                     style={"input_type": "password"})
    inspector = serializers.PrimaryKeyRelatedField(queryset=Inspector.objects.all(), required=False, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "username", "password", "display_name", "role", "agency", "inspector", "is_active",
                  "last_login", "date_joined"]
        read_only_fields = ["id", "last_login", "date_joined"]
        # role and password are required on create (the service needs them); PATCH may omit them.
        extra_kwargs = {"username": {"validators": []}, "role": {"required": True}}

    def validate(self, attrs):
        if self.instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": [_("创建账号时必须设置密码。")]})
        return attrs


class WebhookSubscriptionSerializer(ModelSerializer):
    """docs/api.md "Webhooks": `secret` is never part of this shape (see WebhookSecretSerializer)."""

    events = serializers.ListField(child=serializers.CharField(max_length=64), allow_empty=False, max_length=50,
                                   help_text=_("事件名列表，或 [\"*\"] 订阅全部"))

    class Meta:
        model = WebhookSubscription
        fields = ["id", "name", "url", "events", "is_active", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"url": {"max_length": 500}}


class WebhookSecretSerializer(WebhookSubscriptionSerializer):
    """The answer of creation and of `rotate-secret/`: the only times the secret is shown."""

    secret = serializers.CharField(read_only=True)

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]


class OutboundMessageSerializer(ModelSerializer):
    class Meta:
        model = OutboundMessage
        fields = ["id", "channel", "event", "object_key", "recipient_masked", "status", "attempts", "last_error",
                  "created_at", "next_attempt_at", "delivered_at", "updated_at"]
        read_only_fields = fields

    recipient_masked = serializers.SerializerMethodField()

    def get_recipient_masked(self, obj) -> str:
        """A phone or address shown masked (13812345678 → 138****5678)."""
        return mask_phone(obj.recipient)


class OutboundReplaySerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
                                allow_empty=False, max_length=500)
