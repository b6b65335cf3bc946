"""Whole public pages for anonymous visitors, cached in the shared cache.

`PageCacheMiddleware` keeps the full response (status, headers, body) of an anonymous GET to a
public page with what it was built from: the catalogue version (`caching.catalogue_version()`),
or — for a page that shows one record, which says so with `keep_for_record()` — that record's
stamp (`caching.record_stamps`), so an edit of another record leaves it valid. A publish, an
approval or a scheduled record coming due is visible on the next request of every worker (with
Redis, all of them share one copy; while a write's new version is being warmed, within
`caching.STALE_SECONDS`). Each such page also gets `Cache-Control: public,
max-age=…, s-maxage=…, stale-while-revalidate=…` and an ETag, so a CDN or nginx can share the
load and browsers revalidate with `If-None-Match` (304).

The API's anonymous answers are kept here too (one answer cache), keyed by the address, the
`Accept` header and the language, when the view says so (catalog/api/answers.py: after its
authentication, content negotiation and throttle, for an answer it rendered itself), with the
headers the view set (its own ETag, Last-Modified and Cache-Control). A kept answer is served
before DRF runs, after the request is counted against the anonymous throttle; a request over
the limit goes on to the view, which answers 429.

Never cached, never served from the cache:
- a request carrying a session cookie (every logged-in staff member has one), or credentials;
- the admin, the staff previews, an API answer its view did not mark (errors, the browsable
  API, the schema and its guides);
- a response that sets a cookie, says private/no-store/no-cache, is not a 200, streams, or
  asked for a CSRF token (the body would hold a token bound to one visitor).

The headers are stored with the body and replayed together, so a header that must match the
body (e.g. a Content-Security-Policy nonce set by a middleware listed below this one) stays
consistent.

Bounded: a GET of a public page with a query parameter no public page reads (`?x=<random>`)
is redirected to the same address without it before anything is looked up or rendered, so
such parameters never make a cache entry; a page larger than `PAGE_CACHE_MAX_ENTRY_BYTES` is
not kept, and at most `PAGE_CACHE_MAX_ENTRIES` pages are kept per catalogue version (counted in
the cache). Redis's own `maxmemory` bounds the rest (docs/operations.md).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe, quote_etag

from . import caching, extensions
from .api.throttling import AnonymousClientThrottle
from .filters import CommitmentFilterSet

HEADER = "X-Page-Cache"
API_PREFIX = "/api/"
# An API answer is kept per `Accept` header (it picks the format); a longer one is not looked
# up nor kept, so the header cannot make the keys unbounded in size. These ask for the
# default, JSON, as no header does: one entry for all of them (the one the warm-up fills).
MAX_ACCEPT_LENGTH = 200
DEFAULT_ACCEPTS = {"", "*/*", "application/json"}
# Headers that belong to one response only and are never stored.
PER_RESPONSE_HEADERS = {"set-cookie", "date", HEADER.lower()}
UNCACHEABLE_DIRECTIVES = ("private", "no-store", "no-cache")


# The query parameters public pages read besides the catalogue's filters: pages of a list
# (`page`), of a sitemap section (`p`), the matrix's `classified`, the search box's `q` and
# the records to compare or suggest on (`r`). Apps add theirs (extensions.page_parameters).
PAGE_PARAMETERS = {"page", "p", "classified", "q", "r"}


def known_parameters():
    return PAGE_PARAMETERS | set(CommitmentFilterSet.base_filters) | extensions.page_parameters


def _excluded_prefixes():
    return tuple(settings.PAGE_CACHE_EXCLUDED_PREFIXES)


def clean_address(request):
    """The address without the query parameters no public page reads, or None when it has
    none (admin, previews, the API and the health checks are left alone)."""
    if request.method not in ("GET", "HEAD") or request.path.startswith(_excluded_prefixes()):
        return None
    query = request.GET
    known = known_parameters()
    if all(name in known for name in query):
        return None
    clean = query.copy()
    for name in list(clean):
        if name not in known:
            del clean[name]
    rest = clean.urlencode()
    return f"{request.path}?{rest}" if rest else request.path


def anonymous_read(request):
    """A GET or HEAD with no session cookie (every logged-in staff member has one) and no
    credentials, while the page cache is on: its answer may be shared (pages, API answers)."""
    return (
        settings.PAGE_CACHE_ENABLED
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def request_is_cacheable(request):
    return anonymous_read(request) and not request.path.startswith(_excluded_prefixes())


def response_is_cacheable(request, response):
    if getattr(request, "_page_not_kept", False):
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if len(response.content) > settings.PAGE_CACHE_MAX_ENTRY_BYTES:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or b"csrfmiddlewaretoken" in response.content:
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(directive in control for directive in UNCACHEABLE_DIRECTIVES)


def _key(prefix, request, *parts):
    """`prefix` and a digest of the absolute address, the language and `parts`."""
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    address = "|".join([request.build_absolute_uri(), language, *parts])
    return f"{prefix}:{hashlib.sha256(address.encode()).hexdigest()[:40]}"


def page_key(request):
    return _key("page", request)


def api_key(request):
    """The key of an anonymous API answer, or None when it is neither looked up nor kept."""
    accept = request.headers.get("Accept", "").strip()
    if not anonymous_read(request) or len(accept) > MAX_ACCEPT_LENGTH:
        return None
    return _key("api-answer", request, "" if accept in DEFAULT_ACCEPTS else accept)


def keep_api_answer(request):
    """Say that the API answer being rendered is the same for every anonymous client (the
    view's decision, catalog/api/answers.py): it is kept."""
    request._api_answer_shared = True


def keep_for_record(request, pk, stamp):
    """Say that the page being rendered shows record `pk` as of `stamp` (read before the
    record was loaded) and nothing else of the catalogue: it is kept under that stamp."""
    request._page_record = (pk, stamp)


def dont_keep(request):
    """Say that the page being rendered lacks something it will have soon (the spelling check
    before its words are counted): served, but not kept for the rest of the catalogue version."""
    request._page_not_kept = True


def _lookup(key):
    """(entry still valid or None, the catalogue version): one read of the shared cache for a
    page of the catalogue, two for a record's page."""
    found = cache.get_many([key, caching.VERSION_KEY, caching.PENDING_KEY])
    version = caching.current_version(found)
    entry = found.get(key)
    if not isinstance(entry, tuple) or len(entry) != 4:
        return None, version
    scope = entry[0]
    if scope == ("catalogue", version):
        return entry, version
    if scope[0] == "record":
        _kind, pk, stamp = scope
        if caching.record_stamps([pk])[pk] == stamp:
            return entry, version
    return None, version


def _room_for_one_more(version):
    """Whether another page may be kept under this catalogue version (atomic in Redis)."""
    counter = f"page-count:{version}"
    cache.add(counter, 0, settings.PAGE_CACHE_TIMEOUT)
    try:
        return cache.incr(counter) <= settings.PAGE_CACHE_MAX_ENTRIES
    except ValueError:  # evicted between add and incr: count afresh
        cache.add(counter, 1, settings.PAGE_CACHE_TIMEOUT)
        return True


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
        if request.path.startswith(API_PREFIX):
            return self._api(request)
        clean = clean_address(request)
        if clean is not None:
            return HttpResponsePermanentRedirect(clean)
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if not request_is_cacheable(request):
            with caching.reading():
                return self.get_response(request)
        key = page_key(request)
        entry, version = _lookup(key)
        if entry is not None:
            return self._replay(request, entry)
        with caching.reading(version):
            response = self.get_response(request)
        if request.method == "GET" and response_is_cacheable(request, response):
            response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
            _shared_headers(response)
            _keep(request, key, version, response)
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response

    def _api(self, request):
        """An anonymous API answer: kept, served after the throttle counts it; else the view's
        answer, kept when the view marked it (its own headers, validators included)."""
        key = api_key(request)
        if key is None:
            with caching.reading():
                return self.get_response(request)
        entry, version = _lookup(key)
        # The views that mark answers are throttled by the anonymous throttle (answers.py).
        if entry is not None and AnonymousClientThrottle().allow_request(request, None):
            return self._replay(request, entry)
        with caching.reading(version):
            response = self.get_response(request)
        marked = getattr(request, "_api_answer_shared", False)
        if request.method == "GET" and marked and response_is_cacheable(request, response):
            _keep(request, key, version, response)
        return response

    def _replay(self, request, entry):
        _scope, status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response[HEADER] = "hit"
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )


def _keep(request, key, version, response):
    """Keep a response (its headers but those of one response only) under the catalogue
    version, or under the stamp of the one record it shows (`keep_for_record`), while there
    is room under this version."""
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in PER_RESPONSE_HEADERS
    ]
    record = getattr(request, "_page_record", None)
    scope = ("record", *record) if record else ("catalogue", version)
    if _room_for_one_more(version):
        cache.set(
            key,
            (scope, response.status_code, headers, response.content),
            settings.PAGE_CACHE_TIMEOUT,
        )
    response[HEADER] = "miss"
