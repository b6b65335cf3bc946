from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousClientThrottle(AnonRateThrottle):
    """Per-address limit for anonymous clients; the rate is `API_ANON_THROTTLE_RATE`.

    The rate is read on every request (not once at import, as DRF's class attribute is), so
    settings overrides apply at once; an empty rate turns throttling off.
    """

    def get_rate(self):
        return settings.API_ANON_THROTTLE_RATE or None
