"""Warming the caches after a write, off the request path (`tasks.rewarm`).

The pages are requested through the site's own middleware and views, as a visitor would ask
for them (anonymous, at `SITE_URL`, in each language), so what they compute — the home
figures, the facet counts, the API's state and count — and the whole pages and API answers are
stored exactly where a visitor's request looks for them. Everything is computed under the
new, still pending version (`caching.warming`): first the changed records' pages and API
entries (under their pending stamps, which then become theirs: a few cheap pages, and the
records a visitor is most likely to open next), then the catalogue pages, after which the
version is made current. The facet index (`catalog.facetindex`: the counts of any filters, the
catalogue's totals and the home figures) comes first, updated from the previous one with the
changed records; when it has to be built from every record, it is built once the version is
current instead.
"""

import io
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.urls import reverse
from django.utils import translation

from . import caching, facetindex
from .api.throttling import OWN_REQUEST
from .models import Commitment

logger = logging.getLogger(__name__)

# The changed records whose pages are warmed (a bulk action on hundreds of records warms the
# first ones; the others are computed by their first visitor, as before).
MAX_RECORDS = 20


def catalogue_pages(language):
    """(address, language) of what the catalogue's state decides, for one language."""
    with translation.override(language):
        return [
            reverse("catalog:home"),
            reverse("catalog:commitment_list"),
            reverse("api:commitment-list"),
        ]


def record_pages(language, slugs):
    with translation.override(language):
        return [
            address
            for slug in slugs
            for address in (
                reverse("catalog:commitment_detail", args=[slug]),
                reverse("api:commitment-detail", args=[slug]),
            )
        ]


def languages():
    """The default language first: most visitors read it."""
    codes = [code for code, _name in settings.LANGUAGES]
    return sorted(codes, key=lambda code: code != settings.LANGUAGE_CODE)


def warm(version, commitment_ids=()):
    """Warm the changed records' pages, then version `version`, and make it current. Stops
    early when a newer write has replaced it (that write's task warms). Returns the number
    of pages asked for."""
    handler = BaseHandler()
    handler.load_middleware()
    asked = 0
    # Each page activates its language: the caller's is active again afterwards.
    with translation.override(translation.get_language()), caching.warming(version):
        # A few milliseconds; the pages below then count from it.
        indexed = facetindex.update(version) is not None
        asked += _warm_records(handler, commitment_ids)
        for language in languages():
            if not caching.is_pending(version):
                return asked
            for address in catalogue_pages(language):
                asked += _ask(handler, address, language)
    caching.make_current(version)
    if not indexed:
        # Once the version is served: building the index (0.7 s at 100,000 records, most of
        # it the database's) must not hold the pages back (`caching.STALE_SECONDS`); a filter
        # nobody asked for is counted in the database until it is there.
        facetindex.rebuild(version)
    return asked


def _warm_records(handler, commitment_ids):
    """The pages of the changed records and of those related to them (which show their
    titles), the changed ones first, under their pending stamps; then the stamps are theirs."""
    changed = list(dict.fromkeys(commitment_ids))
    related = sorted(caching.related_ids(changed) - set(changed)) if changed else []
    ids = [*changed, *related][:MAX_RECORDS]
    slugs = dict(Commitment.objects.published().filter(pk__in=ids).values_list("pk", "slug"))
    ordered = [slugs[pk] for pk in ids if pk in slugs]
    asked = 0
    with caching.warming_records(ids):
        for language in languages():
            for address in record_pages(language, ordered):
                asked += _ask(handler, address, language)
    caching.settle_records(ids)
    return asked


def _ask(handler, address, language):
    try:
        # Not closed: closing a response sends request_finished, which closes the database
        # connection the task (or a test) is using.
        handler.get_response(_request(address, language))
    except Exception:  # a page that fails now fails for its visitor too: nothing to stop
        logger.exception("Warming %s failed", address)
    return 1


def _request(address, language):
    site = urlsplit(settings.SITE_URL)
    secure = site.scheme == "https"
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": address,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": site.hostname or "localhost",
        "SERVER_PORT": str(site.port or (443 if secure else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": site.netloc,
        "HTTP_ACCEPT_LANGUAGE": language,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": site.scheme or "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        # Not counted against the anonymous API throttle: the warm-up asks for every changed
        # record's API entry in every language, more than a client's minute allows.
        OWN_REQUEST: True,
    }
    if settings.SECURE_PROXY_SSL_HEADER:
        header, value = settings.SECURE_PROXY_SSL_HEADER
        environ[header] = value if secure else "http"
    return WSGIRequest(environ)
