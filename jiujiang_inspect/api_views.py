"""POST /api/v1/auth/token/: a staff user exchanges username + password for a bearer token."""
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import roles
from .exceptions import ApplicationError
from .tokens import api_token_create


class InvalidCredentials(ApplicationError):
    code = "invalid_credentials"
    status_code = 400
    default_message = _("用户名或密码错误，或账号已停用。")


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class TokenCreateApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={201: inline_serializer("TokenResponse", {"token": serializers.CharField(),
                                                            "expires_at": serializers.DateTimeField()})},
        summary="以用户名和密码换取令牌（工作人员）",
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if user is None or not roles.is_staff_member(user):
            raise InvalidCredentials()
        token, secret = api_token_create(user=user, name="staff-login")
        return Response({"token": secret, "expires_at": timezone.localtime(token.expires_at).isoformat()}, status=status.HTTP_201_CREATED)
