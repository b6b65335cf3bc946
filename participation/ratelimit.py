"""A fixed-window counter per client address in the shared cache (Redis in production).

It fails closed: while the cache does not answer (osce_portal/cache.py) nothing can be
counted, so `hit()` refuses every attempt (`unavailable()` says why) and readers are asked to
try again later: suggestions and alert sign-ups send e-mail, and an uncounted flood would
reach the inboxes.
"""

from django.conf import settings
from django.core.cache import cache

from osce_portal.cache import is_degraded
from osce_portal.security import client_ip


def client_address(request):
    """The client as the API throttle and the login lockout see it (DJANGO_TRUSTED_PROXIES)."""
    return client_ip(request) or "unknown"


def hit(scope, request):
    """Count one attempt; True when the address is over the limit for this window."""
    limit = settings.SUGGESTION_RATE_LIMIT
    window = settings.SUGGESTION_RATE_WINDOW
    key = f"ratelimit:{scope}:{client_address(request)}"
    if cache.add(key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr (or the cache is not answering)
            cache.set(key, 1, timeout=window)
            count = 1
    return count > limit or unavailable()


def unavailable():
    """True while attempts cannot be counted (the shared cache is not answering)."""
    return is_degraded()
