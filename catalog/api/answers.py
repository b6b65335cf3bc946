"""Whole anonymous API answers, kept in the shared cache under the catalogue version.

The site's page cache (catalog/pagecache.py) leaves the API alone, because the API's
throttling and conditional GET run in the view. This cache sits inside the view instead: the
view has already authenticated the request, checked its permission and counted it against the
anonymous throttle (a 429 is never answered from here); a client whose copy is current gets its
304 whether the answer is kept or not. What it keeps is the rendered body of a successful GET
(or HEAD) of a list or a record, with the headers rendering and pagination set (Content-Type,
Link, X-Total-Count); Cache-Control, Vary and the validators are set per request as for any
answer.

The validators (ETag, Last-Modified) computed for the answer are kept with it: they depend on
the same catalogue version, so a kept answer is matched against `If-None-Match` and
`If-Modified-Since` without looking up the catalogue state again.

The key is the catalogue version (`caching.cached`: every write and every scheduled record
coming due replaces it, so a publish or a withdrawal is visible on the next request) — for one
commitment's answer, that record's stamp instead (`caching.cached_record`: replaced when it
or a record related to it changes, so an edit of another record leaves it valid) — the
absolute address with its query (the host and scheme are those of the absolute URLs in the
body), the negotiated format and media type (`Accept: application/json; indent=4` is another
body) and the active language (the labels).

Never kept, never served: answers to signed-in users (staff sessions), the browsable API's
HTML (it carries a CSRF token and sets a cookie), errors, answers to an address with a query
parameter the endpoint does not read (`?x=<random>` would make a new key per request; such an
answer is computed, at most one page of records, and not kept), and everything when
`PAGE_CACHE_ENABLED` is off.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation

from .. import caching
from .pagination import NOT_FILTERS
from .serializers import TRANSLATIONS_PARAMETER

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


def key_parts(request, view):
    """What the answer depends on besides the catalogue version, or None when it is not shared."""
    if not settings.PAGE_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
        return None
    if request.user.is_authenticated:
        return None
    known = known_parameters(view)
    if any(name not in known for name in request.query_params):
        return None
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or renderer.format not in SHARED_FORMATS:
        return None
    return (
        request.build_absolute_uri(),
        renderer.format,
        request.accepted_media_type,
        translation.get_language(),
    )


class Unkept(Exception):
    """Raised by `compute()` with an answer that is given but not kept (a 304)."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def answer(view, request, parts, compute):
    """`(validators, response)` for `parts`: kept, or from `compute()` (which gives the
    validators and a DRF Response, rendered here and kept with them).

    An exception raised by `compute()` (404, 400, `Unkept`) propagates and nothing is kept.
    """
    if getattr(view, "record_scoped", False) and view.detail:
        # One record's answer: kept under that record's stamp, so an edit of another record
        # leaves it valid.
        def computed():
            kept = _rendered(view, request, *compute())
            return view.found.pk, kept

        _stamp, kept = caching.cached_record(
            "api-answer",
            view.kwargs[view.lookup_url_kwarg or view.lookup_field],
            parts,
            computed,
            settings.PAGE_CACHE_TIMEOUT,
        )
    else:
        kept = caching.cached(
            "api-answer",
            parts,
            lambda: _rendered(view, request, *compute()),
            settings.PAGE_CACHE_TIMEOUT,
        )
    validators, status, headers, content = kept
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return validators, response


def _rendered(view, request, validators, response):
    # What APIView.finalize_response and the handler do to a Response, done here so the body
    # can be kept; the headers set so far are the body's own.
    response.accepted_renderer = request.accepted_renderer
    response.accepted_media_type = request.accepted_media_type
    response.renderer_context = view.get_renderer_context()
    response.render()
    return validators, response.status_code, list(response.items()), response.content
