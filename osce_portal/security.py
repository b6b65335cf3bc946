"""Deployment-level security: the client address behind proxies, per-area CSP policies, the
Cross-Origin-Resource-Policy header, the secret-key rule and the production system checks.

Everything here is configured in `settings.py` from environment variables; see
docs/configuration.md.
"""

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _


def client_ip(request):
    """The address of the client, trusting exactly `TRUSTED_PROXIES` proxies.

    With no trusted proxy the TCP peer (`REMOTE_ADDR`) is the client and `X-Forwarded-For` is
    ignored, so a forged header changes nothing. With N proxies, each appends the address it
    saw, so the client is the N-th entry from the right: anything further left was written by
    the client and is not trusted. The same rule as Django REST framework's `NUM_PROXIES`
    (used by the API throttle) and the one django-axes uses for login lockouts.
    """
    proxies = settings.TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote
    return addresses[-min(proxies, len(addresses))]


class AreaCSPMiddleware(CSPMiddleware):
    """django-csp, with a policy per area of the site.

    Public pages get `CONTENT_SECURITY_POLICY` (strict: no inline code at all). The admin and
    the API documentation pages are served from the app too, but their third-party front ends
    need a little more; `CSP_AREA_POLICIES` maps a path prefix to the directives that replace
    the strict ones there — for every answer, or only for HTML ones (the browsable API: its
    JSON and CSV keep the strict policy). See docs/security.md for what each allows and why.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.replace is None:
            is_html = response.get("Content-Type", "").startswith("text/html")
            for prefix, directives, html_only in settings.CSP_AREA_POLICIES:
                if request.path_info.startswith(prefix) and (is_html or not html_only):
                    parts.replace = dict(directives)
                    break
        return parts


class CrossOriginResourcePolicyMiddleware:
    """Sends `Cross-Origin-Resource-Policy` (Django has no setting for it).

    `same-origin` keeps other sites from embedding the portal's pages and files with `<img>`,
    `<script>` and the like; the API stays readable from any origin through CORS, which this
    header does not restrict.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CROSS_ORIGIN_RESOURCE_POLICY
        if policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", policy)
        return response


# Values that appear in examples and tutorials: never a production secret.
KNOWN_PLACEHOLDER_SECRETS = {
    "change-me-to-a-random-string-of-at-least-fifty-characters",  # .env.example
    "django-insecure-dev-only-key-never-use-in-production",  # the development default
}
PLACEHOLDER_WORDS = ("change-me", "changeme", "change_me", "replace-me", "placeholder", "example")


def check_secret_key(secret_key, debug):
    """Refuse to start in production with a missing, short or placeholder secret key."""
    if debug:
        return
    if len(secret_key) < 50 or len(set(secret_key)) < 5:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
            "when DJANGO_DEBUG is off."
        )
    lowered = secret_key.lower()
    if (
        secret_key in KNOWN_PLACEHOLDER_SECRETS
        or lowered.startswith("django-insecure")
        or any(word in lowered for word in PLACEHOLDER_WORDS)
    ):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is a placeholder (from .env.example or the documentation), not a "
            "secret. Generate one, e.g. python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(50))', and set DJANGO_SECRET_KEY to it."
        )


def _cache_is_shared():
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


@checks.register(checks.Tags.security)
def check_shared_counters(app_configs, **kwargs):
    """In production, rate-limit counters and cached pages must be shared by every worker."""
    if settings.DEBUG or _cache_is_shared():
        return []
    problems = []
    if settings.API_ANON_THROTTLE_RATE:
        problems.append(
            checks.Warning(
                "The API rate limit is counted in a per-process memory cache: with several "
                "gunicorn workers or app servers each counts separately, so a client gets the "
                "limit once per worker, and cached catalogue figures may lag behind a publish "
                "in other workers.",
                hint=(
                    "Set REDIS_URL so every worker shares one cache (or, for a single worker, "
                    "add osce_portal.W001 to DJANGO_SILENCED_SYSTEM_CHECKS)."
                ),
                id="osce_portal.W001",
            )
        )
    return problems


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked username and address: one plain message, status 429.

    It never says whether the username exists (unknown names are locked the same way).
    """
    from django.template.response import TemplateResponse

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return TemplateResponse(
        request,
        "registration/locked_out.html",
        {"cooloff_minutes": minutes, "title": "Login locked"},
        status=429,
    ).render()


class BreachSafeGZipMiddleware:
    """Compresses an answer only when it carries no secret an attacker could learn from
    compressed sizes (BREACH): no CSRF token was made for it, the visitor has no session (so
    nothing personal is on it: staff are never served compressed pages) and it sets no
    cookie. Public pages and API answers are
    compressed; the admin, staff previews and the browsable API (which carry CSRF tokens) are
    not. Streamed exports are left to nginx (deploy/nginx), which compresses only those.
    """

    def __init__(self, get_response):
        from django.middleware.gzip import GZipMiddleware

        self.get_response = get_response
        self.gzip = GZipMiddleware(get_response)

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if (
            response.streaming
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or (session is not None and not session.is_empty())
            or response.cookies
        ):
            return response
        return self.gzip.process_response(request, response)


# Hostile form input answered 400 before any view or authentication backend sees it: a NUL
# byte (PostgreSQL text cannot hold one) and a user name longer than any account has (the
# login lockout stores the name tried in a 255-character column before any form validates
# it). Query strings are left to the views: their filters answer a bad value with a message
# (and a 400) naming it.
MAX_FIELD_LENGTHS = {"username": 150}


class HostileInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def problem(request):
        if request.method != "POST" or request.content_type not in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            return None
        for name, values in request.POST.lists():
            for value in [name, *values]:
                if "\x00" in value:
                    return _("Bad request: a NUL character in the form.")
            limit = MAX_FIELD_LENGTHS.get(name)
            if limit and any(len(value) > limit for value in values):
                return _("Bad request: “%(field)s” is too long.") % {"field": name}
        return None


class Http10StreamMiddleware:
    """An HTTP/1.0 client gets a streamed answer (an export) whole, with its length.

    HTTP/1.0 has no chunked encoding: a stream ends when the connection closes, so a worker
    killed mid-export would leave such a client with a truncated file that looks complete.
    Sent with `Content-Length`, a cut-off download is visibly incomplete. (HTTP/1.1 clients,
    and nginx, which talks HTTP/1.1 to gunicorn, keep the chunked stream.) Outermost of the
    middleware that touch the body, so it measures what is sent, compressed or not.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.META.get("SERVER_PROTOCOL") != "HTTP/1.0"
            or not response.streaming
            or response.has_header("Content-Length")
            or isinstance(response, FileResponse)
        ):
            return response
        whole = HttpResponse(b"".join(response.streaming_content), status=response.status_code)
        for name, value in response.items():
            whole[name] = value
        whole["Content-Length"] = str(len(whole.content))
        # Not response.close(): that would announce the request's end (request_finished, which
        # closes the database connection) while it is still being answered; the handler closes
        # `whole` at the end as for any answer.
        return whole
