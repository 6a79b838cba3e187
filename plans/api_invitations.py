"""/api/v1/invitations/ (邀约, 举措 13): list (own agency; reviewers and the platform all), create,
and the actions the services allow: accept/decline (staff recording the enterprise's answer) and
done (registering the visit: 409 `invitation_not_accepted` unless the enterprise accepted)."""
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jiujiang_inspect.exceptions import ValidationFailed
from jiujiang_inspect.permissions import StaffOrPlatformRead

from .filters_invitations import InvitationFilterSet
from .selectors.invitations import invitation_list_for_user
from .serializers_invitations import InvitationInSerializer, InvitationReasonSerializer, InvitationSerializer
from .services import invitations as services


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """邀约: non-inspection visits (行政指导, 调研, 培训 …) the enterprise invited or accepted."""

    serializer_class = InvitationSerializer
    permission_classes = [StaffOrPlatformRead]
    filterset_class = InvitationFilterSet

    def get_queryset(self):
        return invitation_list_for_user(user=self.request.user).order_by("-id")

    def _out(self, inv, code=status.HTTP_200_OK):
        inv = invitation_list_for_user(user=self.request.user).get(pk=inv.pk)
        return Response(InvitationSerializer(inv, context={"request": self.request}).data, status=code)

    @extend_schema(request=InvitationInSerializer, responses={201: InvitationSerializer})
    def create(self, request, *args, **kwargs):
        data = InvitationInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        agency = d.pop("agency", None) or request.user.agency
        if agency is None:
            raise ValidationFailed(detail={"agency": ["请指定邀约单位。"]})
        inv = services.invitation_create(by=request.user, agency=agency, **d)
        return self._out(inv, status.HTTP_201_CREATED)

    def _reason(self, request):
        data = InvitationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data["reason"]

    @extend_schema(request=InvitationReasonSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Record that the enterprise accepted (e.g. by phone); 409 `invalid_state` unless proposed."""
        return self._out(services.invitation_accept(invitation=self.get_object(), by=request.user,
                                                    reason=self._reason(request)))

    @extend_schema(request=InvitationReasonSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._out(services.invitation_decline(invitation=self.get_object(), by=request.user,
                                                     reason=self._reason(request)))

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """Register the visit: 409 `invitation_not_accepted` unless the enterprise invited or accepted."""
        return self._out(services.invitation_done(invitation=self.get_object(), by=request.user))
