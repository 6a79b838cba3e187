"""Bearer tokens for staff and platform clients, stored only as SHA-256 hashes."""
import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .audit import audit_record
from .models import ApiToken

STAFF_TOKEN_LIFETIME = timedelta(hours=12)
PLATFORM_TOKEN_LIFETIME = timedelta(days=365)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user, name: str, scopes=(), lifetime=STAFF_TOKEN_LIFETIME, created_by=None):
    """Create a token; returns (token, secret). The secret is never stored and cannot be shown again."""
    prefix = secrets.token_hex(4)
    secret = f"jj_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name, user=user, prefix=prefix, key_hash=_hash(secret), scopes=list(scopes),
        expires_at=timezone.now() + lifetime, created_by=created_by,
    )
    audit_record(actor=created_by or user, action="api_token.created", target=token,
                 changes={"name": name, "scopes": list(scopes), "expires_at": token.expires_at})
    return token, secret


def api_token_revoke(*, token: ApiToken, by, reason: str = ""):
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=by, action="api_token.revoked", target=token, reason=reason)
    return token


def api_token_lookup(secret: str):
    """Return the usable token for `secret`, or None. Compares hashes in constant time."""
    try:
        _jj, prefix, _rest = secret.split("_", 2)
    except ValueError:
        return None
    token = ApiToken.objects.select_related("user", "user__agency").filter(prefix=prefix).first()
    if token is None or not secrets.compare_digest(token.key_hash, _hash(secret)):
        return None
    return token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if parts[0] != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式错误。"))
        token = api_token_lookup(parts[1])
        if token is None or not token.is_usable or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已撤销。"))
        now = timezone.now()
        # Write last_used at most once a minute: a polling platform must not write on every request.
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
