"""Response headers that depend on who is asking."""
from django.conf import settings
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
