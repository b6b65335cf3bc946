from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from osce_portal.security import client_ip

# Set in the WSGI environ of the site's own requests (the warm-up after a write,
# catalog/warming.py): they are no client's and are never counted. A client cannot set it (its
# headers arrive as HTTP_* keys).
OWN_REQUEST = "osce_portal.own_request"


class AnonymousClientThrottle(AnonRateThrottle):
    """Per-address limit for anonymous clients; the rate is `API_ANON_THROTTLE_RATE`.

    The rate is read on every request (not once at import, as DRF's class attribute is), so
    settings overrides apply at once; an empty rate turns throttling off. Clients are told
    apart by `client_ip` (`DJANGO_TRUSTED_PROXIES`), so a forged `X-Forwarded-For` does not
    make a new client. Counts live in the default cache: Redis when `REDIS_URL` is set, shared
    by every worker.
    """

    def allow_request(self, request, view):
        if request.META.get(OWN_REQUEST):
            return True
        return super().allow_request(request, view)

    def get_rate(self):
        return settings.API_ANON_THROTTLE_RATE or None

    def get_ident(self, request):
        return client_ip(request)

    def get_cache_key(self, request, view):
        # Also asked by the page cache for a kept answer, before the authentication middleware
        # has run (its requests carry no session cookie nor credentials: anonymous).
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
