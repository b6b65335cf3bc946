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
