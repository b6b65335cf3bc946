"""Which anonymous API answers are kept whole, in the page cache's store (catalog/pagecache.py).

One answer cache for the pages and the API: `PageCacheMiddleware` keeps the rendered answer of
an anonymous GET to the API when the view says it may (`keep()` below), and serves it to the
next anonymous request for the same address, `Accept` header and language before DRF runs —
after counting that request against the anonymous throttle (over the limit, the request goes on
to the view, which answers 429 as usual). The answer is kept with every header the view set
(Content-Type, Link, X-Total-Count, Vary, Cache-Control and the validators ETag and
Last-Modified), so a kept answer still answers 304 to a client whose copy is current.

The view decides, after authentication, content negotiation and the throttle, and only for an
answer it has rendered itself (a 304 or an error is never kept): a list or a record, in a format
that is the same for every anonymous client (JSON, CSV: never the browsable API's HTML, which
carries a CSRF token and sets a cookie), to an address that reads no query parameter the
endpoint does not know (`?x=<random>` would make a new entry per request; such an answer is
computed, at most one page of records, and not kept), from a view throttled by the anonymous
throttle the middleware counts. Never for signed-in users (staff sessions), and nothing when
`PAGE_CACHE_ENABLED` is off.

A list is kept under the catalogue version (every write and every scheduled record coming due
replaces it, so a publish or a withdrawal is visible on the next request); one commitment's
answer under that record's stamp, read before the record is loaded (`caching.record_stamps`:
replaced when it or a record related to it changes, so an edit of another record leaves it
valid), as the record's page is.
"""

from .. import caching, pagecache
from .pagination import NOT_FILTERS
from .serializers import TRANSLATIONS_PARAMETER
from .throttling import AnonymousClientThrottle

# The renderers whose answers are the same for every anonymous client.
SHARED_FORMATS = ("json", "csv")


# Read by every endpoint: the language (in the key as the active language) and, for lists and
# records, every language at once (in the key as part of the address).
LANGUAGE_PARAMETERS = {"lang", TRANSLATIONS_PARAMETER}


def known_parameters(view):
    """The query parameters the endpoint reads: its filters, pagination, format and language."""
    filterset_class = getattr(view, "filterset_class", None)
    filters = set(filterset_class.base_filters) if filterset_class else set()
    return filters | set(NOT_FILTERS) | LANGUAGE_PARAMETERS


def shared(request, view):
    """Whether this request's answer is the same for every anonymous client (and may be kept)."""
    if not pagecache.anonymous_read(request) or request.user.is_authenticated:
        return False
    if list(view.throttle_classes) != [AnonymousClientThrottle]:
        return False  # the middleware counts a kept answer against this throttle only
    known = known_parameters(view)
    if any(name not in known for name in request.query_params):
        return False
    renderer = getattr(request, "accepted_renderer", None)
    return renderer is not None and renderer.format in SHARED_FORMATS


def record_stamp(view):
    """(id, stamp) of the commitment a record-scoped view is about to load (`caching.stamp_of`),
    or None."""
    if not (getattr(view, "record_scoped", False) and view.detail):
        return None
    return caching.stamp_of(view.kwargs[view.lookup_url_kwarg or view.lookup_field])


def keep(request, found=None, stamp=None):
    """Say that the answer being computed may be kept for every anonymous client: under the
    record's stamp when `stamp` (from `record_stamp()`) is of the record `found`, else under
    the catalogue version."""
    http_request = request._request  # noqa: SLF001 - DRF's request wraps the middleware's
    pagecache.keep_api_answer(http_request)
    if stamp is not None and found is not None and found.pk == stamp[0]:
        pagecache.keep_for_record(http_request, *stamp)
