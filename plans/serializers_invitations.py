"""Shape of 邀约 data over the API; writes go through plans.services.invitations."""
from django.urls import reverse
from rest_framework import serializers

from subjects.models import Agency

from .models import Enterprise, Invitation
from .services.invitations import invitation_public_token


class InvitationInSerializer(serializers.Serializer):
    """Input of POST /invitations/: `agency` defaults to the user's own agency."""

    enterprise = serializers.SlugRelatedField(slug_field="uscc", queryset=Enterprise.objects.all())
    agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all(), required=False)
    activity = serializers.ChoiceField(choices=Invitation.Activity.choices)
    date = serializers.DateField()
    purpose = serializers.CharField(max_length=2000)
    invited_by_enterprise = serializers.BooleanField(default=False)


class InvitationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class InvitationSerializer(serializers.ModelSerializer):
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
