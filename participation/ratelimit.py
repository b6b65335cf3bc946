"""A fixed-window counter per client address in the shared cache (Redis in production)."""

from django.conf import settings
from django.core.cache import cache

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
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
    return count > limit
