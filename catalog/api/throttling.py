from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from osce_portal.security import client_ip


class AnonymousClientThrottle(AnonRateThrottle):
    """Per-address limit for anonymous clients; the rate is `API_ANON_THROTTLE_RATE`.

    The rate is read on every request (not once at import, as DRF's class attribute is), so
    settings overrides apply at once; an empty rate turns throttling off. Clients are told
    apart by `client_ip` (`DJANGO_TRUSTED_PROXIES`), so a forged `X-Forwarded-For` does not
    make a new client. Counts live in the default cache: Redis when `REDIS_URL` is set, shared
    by every worker.
    """

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
