"""Keeping a verified phone recognised (issue 15, "Enterprise (no login)"): a signed, HTTP-only cookie
naming the enterprise and the SMS verification that proved it, valid `ENTERPRISE_RECOGNITION_DAYS`.
The row behind it is checked on every read, so deleting verifications forgets those phones."""
from django.conf import settings

from .models import EnterpriseVerification
from .services.enterprise_access import recognition_days

COOKIE = "jj_enterprise"
SALT = "checkcode.enterprise_access"


def recognised_enterprise(request):
    """The Enterprise this phone proved itself as, or None (cached on the request)."""
    if hasattr(request, "_recognised_enterprise"):
        return request._recognised_enterprise
    found = None
    raw = request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=recognition_days() * 86400)
    if raw and raw.count(":") == 1 and all(p.isdigit() for p in raw.split(":")):
        enterprise_id, verification_id = (int(p) for p in raw.split(":"))
        row = (EnterpriseVerification.objects.select_related("enterprise")
               .filter(pk=verification_id, enterprise_id=enterprise_id, verified_at__isnull=False,
                       enterprise__is_active=True).first())
        found = row.enterprise if row else None
    request._recognised_enterprise = found
    return found


def recognise(response, verification: EnterpriseVerification):
    response.set_signed_cookie(COOKIE, f"{verification.enterprise_id}:{verification.pk}", salt=SALT,
                               max_age=recognition_days() * 86400, httponly=True, samesite="Lax",
                               secure=getattr(settings, "SESSION_COOKIE_SECURE", False))
    return response


def forget(response):
    response.delete_cookie(COOKIE, samesite="Lax")
    return response
