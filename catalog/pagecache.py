"""Whole public pages for anonymous visitors, cached in the shared cache.

`PageCacheMiddleware` keeps the full response (status, headers, body) of an anonymous GET to a
public page under the catalogue version (`caching.catalogue_version()`), so a publish, an
approval or a scheduled record coming due is visible on the next request of every worker (with
Redis, all of them share one copy). Each such page also gets `Cache-Control: public,
max-age=…, s-maxage=…, stale-while-revalidate=…` and an ETag, so a CDN or nginx can share the
load and browsers revalidate with `If-None-Match` (304).

Never cached, never served from the cache:
- a request carrying a session cookie (every logged-in staff member has one), or credentials;
- the admin, the staff previews, the API (it has its own conditional GET and throttling);
- a response that sets a cookie, says private/no-store/no-cache, is not a 200, streams, or
  asked for a CSRF token (the body would hold a token bound to one visitor).

The headers are stored with the body and replayed together, so a header that must match the
body (e.g. a Content-Security-Policy nonce set by a middleware listed below this one) stays
consistent.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag

from . import caching

HEADER = "X-Page-Cache"
# Headers that belong to one response only and are never stored.
PER_RESPONSE_HEADERS = {"set-cookie", "date", HEADER.lower()}
UNCACHEABLE_DIRECTIVES = ("private", "no-store", "no-cache")


def _excluded_prefixes():
    return tuple(settings.PAGE_CACHE_EXCLUDED_PREFIXES)


def request_is_cacheable(request):
    if not settings.PAGE_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return False
    return not request.path.startswith(_excluded_prefixes())


def response_is_cacheable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or b"csrfmiddlewaretoken" in response.content:
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(directive in control for directive in UNCACHEABLE_DIRECTIVES)


def page_key(request):
    address = "|".join(
        [
            request.build_absolute_uri(),
            getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        ]
    )
    digest = hashlib.sha256(address.encode()).hexdigest()[:40]
    return f"page:{caching.catalogue_version()}:{digest}"


def _shared_headers(response):
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PAGE_CACHE_BROWSER_MAX_AGE,
        s_maxage=settings.PAGE_CACHE_S_MAXAGE,
        stale_while_revalidate=settings.PAGE_CACHE_STALE_WHILE_REVALIDATE,
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_is_cacheable(request):
            return self.get_response(request)
        key = page_key(request)
        entry = cache.get(key)
        if entry is not None:
            return self._replay(request, entry)
        response = self.get_response(request)
        if request.method == "GET" and response_is_cacheable(request, response):
            response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
            _shared_headers(response)
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in PER_RESPONSE_HEADERS
            ]
            cache.set(
                key,
                (response.status_code, headers, response.content),
                settings.PAGE_CACHE_TIMEOUT,
            )
            response[HEADER] = "miss"
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response

    def _replay(self, request, entry):
        status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response[HEADER] = "hit"
        return get_conditional_response(request, etag=response["ETag"], response=response)
