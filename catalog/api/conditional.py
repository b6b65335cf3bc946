"""Conditional GET for the API: ETag and Last-Modified from the published data's state."""

import hashlib

from django.conf import settings
from django.db.models import Count, Max
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from rest_framework.response import Response

from .. import caching
from ..models import ActivityCategory, Commitment, Institution, Organisation, Theme
from . import answers


def catalogue_state():
    """When the published catalogue last changed, and a fingerprint of its state.

    The fingerprint also counts the records, so unpublishing or deleting one (which does not
    raise any visible `updated_at`) still changes it; a scheduled record becoming visible
    counts from its `publish_at`. One small aggregate per table.
    """
    stamps, counts = [], []
    published = Commitment.objects.published().aggregate(
        changed=Max("updated_at"), shown=Max("publish_at"), count=Count("pk")
    )
    stamps += [published["changed"], published["shown"]]
    counts.append(published["count"])
    for model in (Organisation, Institution, Theme, ActivityCategory):
        state = model.objects.aggregate(changed=Max("updated_at"), count=Count("pk"))
        stamps.append(state["changed"])
        counts.append(state["count"])
    stamps = [stamp for stamp in stamps if stamp is not None]
    last_modified = max(stamps) if stamps else None
    fingerprint = ":".join([last_modified.isoformat() if last_modified else "-", *map(str, counts)])
    return last_modified, fingerprint


class ConditionalGetMixin:
    """ETag / Last-Modified on reads, 304 when the client's copy is current, and caching headers.

    Validators are computed before the expensive queries, so a 304 costs a handful of cheap
    aggregates. The ETag covers the data's state, the full address (filters, page) and the
    format, so each representation has its own. Anonymous answers are kept whole with their
    headers by the page cache (answers.py); a kept one still answers 304 when current.
    """

    def list(self, request, *args, **kwargs):
        return self._answer(request, lambda: None, lambda _nothing: self.get_list_response())

    def retrieve(self, request, *args, **kwargs):
        # 404 first: a missing record is never "not modified".
        return self._answer(request, self.get_object, self.get_response_for)

    def _answer(self, request, find, respond):
        """`respond(find())`, unless the client's copy is current (304). An anonymous answer
        the same for every client is marked to be kept whole by the page cache (answers.py),
        which serves it to the next such request before this view runs."""
        keep = answers.shared(request, self)
        stamp = answers.record_stamp(self) if keep else None
        found = find()
        not_modified = self._not_modified(request)
        if not_modified:
            return not_modified
        if keep:
            answers.keep(request, found, stamp)
        return respond(found)

    def get_list_response(self):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is None:
            return Response(self.represent(queryset, many=True))
        return self.get_paginated_response(self.represent(page, many=True))

    def get_response_for(self, instance):
        return Response(self.represent(instance))

    def represent(self, data, many=False):
        """The representation of one record or a page of them: the serializer's."""
        return self.get_serializer(data, many=many).data

    def _not_modified(self, request):
        # Cached under the catalogue version (replaced by every write and when a scheduled
        # record comes due), so a list request no longer aggregates every table.
        last_modified, fingerprint = caching.cached(
            "api-state", (), catalogue_state, per_language=False
        )
        # The language is part of the representation (Accept-Language, ?lang=): each has its
        # own ETag.
        key = "|".join(
            [
                fingerprint,
                request.get_full_path(),
                request.accepted_renderer.format,
                get_language() or "",
            ]
        )
        self._etag = quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])
        self._last_modified = last_modified
        return self._conditional_response(request)

    def _conditional_response(self, request):
        last_modified = self._last_modified
        timestamp = int(last_modified.timestamp()) if last_modified else None
        return get_conditional_response(request, etag=self._etag, last_modified=timestamp)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # The answer depends on the session too (a staff member's is private), whether the
        # session is read (computed) or not (kept by the page cache): say so on both.
        patch_vary_headers(response, ["Accept", "Cookie"])
        if request.method in ("GET", "HEAD") and response.status_code in (200, 304):
            if getattr(self, "_etag", None):
                response["ETag"] = self._etag
            if getattr(self, "_last_modified", None):
                response["Last-Modified"] = http_date(self._last_modified.timestamp())
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, no_cache=True)
            else:
                patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE)
        return response
