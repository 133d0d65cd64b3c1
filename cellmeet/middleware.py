from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """Vietnamese unless the user chose otherwise.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language:
    a secretary whose phone is set to English still gets the Vietnamese interface
    until they pick English in the menu (the choice is kept in a cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        translation.deactivate()
        return response


class ContentSecurityPolicyMiddleware:
    """Pages run only our own static scripts and styles: nothing inline, nothing remote.

    The page templates carry no inline script, event attribute or style attribute
    (tests/test_permission_matrix.py checks every page it opens, with tests/pages.py),
    so a stored-XSS payload that slipped past escaping still would not run. The admin's
    own templates use a few style attributes, so only there are inline styles allowed.
    """

    POLICY = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = self._render(self.POLICY)
        self.admin_header = self._render({**self.POLICY, "style-src": "'self' 'unsafe-inline'"})
        self.admin_prefix = "/admin/"

    @staticmethod
    def _render(policy):
        return "; ".join(f"{name} {value}" for name, value in policy.items())

    def __call__(self, request):
        response = self.get_response(request)
        admin = request.path.startswith(self.admin_prefix)
        response.headers.setdefault(
            "Content-Security-Policy", self.admin_header if admin else self.header
        )
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


class PrivateResponsesMiddleware:
    """What a signed-in user is shown (pages, exports, PDFs) is theirs alone: no browser
    history cache or proxy keeps a copy for the next person at a shared office computer,
    unless the view said otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "private, no-store"
        return response
