"""Tokens for the mobile app: issue with the portal password, revoke."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.response import Response

from accounts.security import lockout_response
from accounts.validators import normalize_login_name
from api.apis.common import Api, responses, schema
from api.models import ApiToken, token_hash
from api.throttling import AnonRateThrottle


class LoginThrottle(AnonRateThrottle):
    scope = "login"


class TokenCreateApi(Api):
    """Log in: a new token for this device (valid API_TOKEN_DAYS days).

    As on the web: after 5 wrong passwords for one username from one address,
    that pair is refused for 30 minutes (429, code `locked_out`, Retry-After);
    the customer can reset the password by SMS on the portal."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [LoginThrottle]

    def get_authenticate_header(self, request):
        return "Token"  # a wrong password is a 401, as for a bad token

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(
            max_length=128, style={"input_type": "password"}
        )
        device = serializers.CharField(max_length=100, required=False, default="")

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        expires_at = serializers.DateTimeField()
        user = serializers.CharField()
        role = serializers.CharField()

    @schema(
        operation_id="auth_token_create",
        request=InputSerializer,
        responses=responses({201: OutputSerializer}, 400, 401, 429),
        auth=[],
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Django's request, as the web login passes it: django-axes counts
        # failures and refuses a locked-out username and address on it.
        http_request = request._request
        user = authenticate(
            http_request,
            username=normalize_login_name(data.validated_data["username"]),
            password=data.validated_data["password"],
        )
        if getattr(http_request, "axes_locked_out", False):
            return lockout_response(http_request)
        if user is None:
            raise AuthenticationFailed(_("The username or password is not right."))
        # A token login is a login: last_login, axes' reset of the failures,
        # and the security log's line, as for the web form.
        user_logged_in.send(sender=type(user), request=http_request, user=user)
        key = secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            key_hash=token_hash(key),
            prefix=key[:8],
            device=data.validated_data["device"],
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
        )
        out = {
            "token": key,
            "expires_at": token.expires_at,
            "user": user.username,
            "role": user.role,
        }
        return Response(self.OutputSerializer(out).data, status=status.HTTP_201_CREATED)


class TokenRevokeApi(Api):
    """Log out: the token of this request stops working at once."""

    @schema(
        operation_id="auth_token_revoke",
        request=None,
        responses=responses({204: None}, 401),
    )
    def delete(self, request):
        if isinstance(request.auth, ApiToken):
            ApiToken.objects.filter(pk=request.auth.pk, revoked_at=None).update(
                revoked_at=timezone.now()
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
