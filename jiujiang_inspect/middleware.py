"""Middleware that depends on who is asking: response caching, the first-login password change."""
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.cache import add_never_cache_headers


class NoStoreForSignedInMiddleware:
    """Answers to a signed-in user (a staff session or an API token) are never stored by a browser or a
    proxy cache: staff pages and API answers carry personal data (身份证号, phone numbers, case records),
    and a shared office computer's back button or disk cache must not show them to the next person.

    Sets ``Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private`` (Django's
    ``add_never_cache_headers``) when the request carries an ``Authorization`` header or a session cookie
    whose user is authenticated. Anonymous public pages (/public/, /c/<code>/ ...) keep whatever caching
    their views chose. Static files never reach this middleware (WhiteNoise answers them earlier).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._signed_in(request):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _signed_in(request):
        if "HTTP_AUTHORIZATION" in request.META:
            return True
        # Only look at the user when a session cookie came with the request: evaluating request.user
        # loads the session, which would add "Vary: Cookie" to every anonymous public answer.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)


class PasswordChangeRequiredMiddleware:
    """An account whose password someone else chose (a new login, a reset) goes to 修改密码 before any other
    page (issue 15 "a new account must change its password at first login"). The flag is the user's
    `must_change_password`; the API is left to its own answer (a token login is refused the same way,
    jiujiang_inspect.views.TokenObtainView)."""

    ALLOWED_PREFIXES = ("/static/", "/media/", "/api/", "/accounts/", "/favicon.ico", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (getattr(user, "is_authenticated", False) and getattr(user, "must_change_password", False)
                and not request.path.startswith(self.ALLOWED_PREFIXES)):
            return redirect_to_login(request.get_full_path(), reverse("password_change"))
        return self.get_response(request)
