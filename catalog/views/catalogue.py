"""Home, the filtered catalogue, its exports and the commitment pages."""

import re

from django.db.models import Prefetch
from django.http import HttpResponseBadRequest, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, lazy
from django.utils.safestring import SafeString, mark_safe
from django.views import View
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from .. import caching, exports, extensions, pagecache, search
from ..feeds import CommitmentFeed
from ..filters import CommitmentFilterSet
from ..models import (
    ActivityCategory,
    CategoryAssignment,
    Commitment,
    Organisation,
    RelationKind,
    Source,
    Theme,
    published_commitment_count,
    published_figures,
)
from ..pagination import CataloguePaginator

HOME_LIST_LENGTH = 6
# Records a reader may tick for comparison and keep in the address (compare takes 2 or 3).
MAX_SELECTED = 3
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,120}")
# A theme (or category) filter with this many results or fewer points to the other one.
FEW_CLASSIFIED = 3

# Parameters left out of shareable URLs when they hold these values (they change nothing).
DEFAULT_PARAMETERS = {"ordering": "relevance", "page": "1"}


def clean_query(query):
    """The query string without empty values and defaults, or None when it is already clean.

    A form submitted without JavaScript sends every field, so `?search=&year_from=&…` becomes
    `?theme=youth`; repeated parameters keep their order.
    """
    clean = query.copy()
    changed = False
    for name in list(clean):
        values = clean.getlist(name)
        kept = [v for v in values if v.strip() and DEFAULT_PARAMETERS.get(name) != v]
        if kept != values:
            changed = True
            if kept:
                clean.setlist(name, kept)
            else:
                del clean[name]
    return clean.urlencode() if changed else None


class CleanQueryMixin:
    """GET requests with empty parameters redirect to the same page without them."""

    def dispatch(self, request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            clean = clean_query(request.GET)
            if clean is not None:
                return HttpResponseRedirect(f"{request.path}?{clean}" if clean else request.path)
        return super().dispatch(request, *args, **kwargs)


__all__ = [
    "CommitmentDetailView",
    "CommitmentExportView",
    "CommitmentFeed",
    "CommitmentListView",
    "HomeView",
]


class HomeView(TemplateView):
    template_name = "catalog/home.html"

    @staticmethod
    def catalogue_summary():
        """The primary organisation, the newest and the featured records, and figures and counts
        over every published record: all of it follows from the catalogue alone, so it is
        cached under its version (the figures scan every record)."""
        # Only what a row shows: the summary is kept (and unpickled by every request for the
        # home page) with the records in it — whole records made it ten times larger.
        listing = Commitment.objects.for_rows()
        return {
            "organisation": Organisation.objects.filter(is_primary=True).first(),
            "latest": list(listing.newest_first()[:HOME_LIST_LENGTH]),
            "featured": list(listing.filter(is_featured=True).newest_first()[:HOME_LIST_LENGTH]),
            # The same in every language: scanned once for all six.
            "figures": caching.cached("home-figures", (), published_figures, per_language=False),
            # Filtered here: `.filter(n__gt=0)` would run the count a second time per theme.
            "themes": [
                theme
                for theme in Theme.objects.annotate(n=published_commitment_count("themes"))
                if theme.n > 0
            ],
            "categories": list(
                ActivityCategory.objects.annotate(
                    n=published_commitment_count("activity_categories")
                )
            ),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(caching.cached("home", (), self.catalogue_summary))
        return context


class CommitmentListView(CleanQueryMixin, FilterView):
    """The catalogue: every filter lives in the query string, so each view is a shareable URL.

    It is also the site's one search results page: with a `search`, rows show the summary
    passage with the matched words marked, and the institutions, themes and categories whose
    names match are offered beside the results. Invalid filter values show the form's messages
    above an empty result (status 200).
    """

    filterset_class = CommitmentFilterSet
    template_name = "catalog/commitment_list.html"
    context_object_name = "commitments"
    paginate_by = 20

    def get_queryset(self):
        return Commitment.objects.for_rows().newest_first()

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        # The page counts facets: its list and facets share one search.
        filterset.shares_search = True
        return filterset

    def get_context_data(self, **kwargs):
        # Facet counts scan every matching record; cached per catalogue version and filters.
        filters = sorted(
            (name, tuple(values))
            for name, values in self.request.GET.lists()
            if name not in ("page", "ordering")
        )
        facets = caching.cached("facets", filters, self.filterset.facets)
        # Every record has one kind, so the kind facet already holds the number of results:
        # no COUNT over every matching record.
        self.known_count = None
        if not self.filterset.is_bound or self.filterset.is_valid():
            kinds = facets["kind"]
            chosen = [option for option in kinds if option["selected"]] or kinds
            self.known_count = sum(option["count"] for option in chosen)
        context = super().get_context_data(**kwargs)
        context["facets"] = facets
        context["facets_key"] = filters
        context["active_filters"] = self.filterset.active_filters()
        context["filters_invalid"] = self.filterset.is_bound and not self.filterset.is_valid()
        query = self.request.GET.copy()
        query.pop("page", None)
        context["export_query"] = query.urlencode()
        page = context["page_obj"]
        # A search reads at most search.CANDIDATE_LIMIT + 1 candidates: more reads "1,000+".
        context["count_capped"] = bool(
            (self.filterset.cleaned_data.get("search") or "").strip()
        ) and search.is_capped(page.paginator.count)
        context["page_range"] = page.paginator.get_elided_page_range(page.number)
        context["other_classification"] = self.other_classification(page.paginator.count)
        query = self.filterset.cleaned_data.get("search", "").strip()
        context["search_query"] = query
        searched = bool(query) and not context["filters_invalid"]
        # The rows are read only if they are rendered: a page of a search whose rows are in
        # the fragment cache reads none (the search's ranking names them).
        rows = LazyRows(page.object_list, (lambda rows: _mark(rows, query)) if searched else None)
        context["commitments"] = context["object_list"] = rows
        ids = search.page_ids(page.object_list)
        if ids is None and not context["filters_invalid"]:
            # A page of a filtered list: its records, kept per catalogue version, filters, order
            # and page as a search's ranking is (read with the rows the first time).
            ordering = self.request.GET.get("ordering", "")
            ids = caching.cached(
                "page-ids", (filters, ordering, page.number), lambda: [row.pk for row in rows]
            )
        context.update(self.selection(rows, ids))
        if searched:
            context["also_matching"] = search.vocabulary_groups(query)
            context.update(self.did_you_mean(query))
        return context

    def selection(self, rows, ids):
        """The records ticked for comparison, kept in the address (`r`) across pages and
        filters without JavaScript: ticked here, or carried as hidden fields when their rows
        are on another page. The other parameters of the address come along with them.
        `ids`: the page's record ids when known without reading its rows, else None."""
        selected = list(
            dict.fromkeys(slug for slug in self.request.GET.getlist("r") if SLUG.fullmatch(slug))
        )[:MAX_SELECTED]
        rows.also(lambda loaded: _tick(loaded, selected))
        on_page = set()
        if ids is None or selected:  # the rows are read: their ids and slugs
            ids = [commitment.pk for commitment in rows]
            on_page = {commitment.slug for commitment in rows}
        # What the rows show follows from the catalogue version, the records and the ticks
        # (and the search): the key of the page's rows, which every worker reuses.
        rows_key = (tuple(ids), tuple(selected))
        kept = [
            (name, value)
            for name, values in self.request.GET.lists()
            if name not in ("r", "page")
            for value in values
        ]
        page = self.request.GET.get("page")
        return {
            "row_ids": ids,
            "rows_key": rows_key,
            "selected": selected,
            "selected_elsewhere": [slug for slug in selected if slug not in on_page],
            "kept_parameters": kept + ([("page", page)] if page else []),
        }

    def other_classification(self, count):
        """ "category" when themes alone give few results (and "theme" the other way round):
        the two classify differently, and the reader may have meant the other."""
        if count > FEW_CLASSIFIED or not self.filterset.is_valid():
            return ""
        data = self.filterset.cleaned_data
        others = [
            name
            for name, value in data.items()
            if value and name not in ("theme", "category", "search", "ordering")
        ]
        if others:  # few results may come from the other filters: no advice then
            return ""
        themes, categories = data.get("theme"), data.get("category")
        if themes and not categories:
            return "category"
        if categories and not themes:
            return "theme"
        return ""

    def did_you_mean(self, query):
        """The search spelt as the catalogue spells it, when a word of it is unknown (even
        if PostgreSQL's typo matching found something) and the spelling finds records."""
        spelt = search.suggestion(query)
        if spelt is None:  # the words are being counted: a page to serve, not to keep
            pagecache.dont_keep(self.request)
        if not spelt or spelt.lower() == query.lower():
            return {}
        data = self.request.GET.copy()
        data.pop("page", None)
        data["search"] = spelt
        found = CommitmentFilterSet(data, queryset=self.get_queryset(), request=self.request)
        if not found.qs.exists():
            return {}
        return {"suggestion": spelt, "suggestion_query": data.urlencode()}

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kw):
        return KnownCountPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            count=getattr(self, "known_count", None),
        )


class LazyRows:
    """A page's rows, read from the database when first used, then given what each
    `prepare(rows)` adds (marked passages, ticks)."""

    def __init__(self, queryset, prepare=None):
        self.queryset = queryset
        self.prepares = [prepare] if prepare is not None else []
        self.rows = None

    def also(self, prepare):
        self.prepares.append(prepare)
        if self.rows is not None:  # read already
            prepare(self.rows)

    def _read(self):
        if self.rows is None:
            self.rows = list(self.queryset)
            for prepare in self.prepares:
                prepare(self.rows)
        return self.rows

    def __iter__(self):
        return iter(self._read())

    def __bool__(self):
        return bool(self._read())


def _tick(rows, selected):
    for commitment in rows:
        commitment.ticked = commitment.slug in selected


def _mark(rows, query):
    """Each row's passage with the words of `query` marked and its hits inside official texts,
    asked for (one query each, for the page) only if a row is rendered."""
    marked = SimpleLazyObject(lambda: search.snippets(rows, query))
    hits = SimpleLazyObject(lambda: extensions.search_hits(rows, query))
    for commitment in rows:
        commitment.snippet = lazy_passage(marked, commitment.pk)
        commitment.text_hits = SimpleLazyObject(lambda pk=commitment.pk: hits.get(pk, []))


def _passage(marked, pk):
    return marked.get(pk) or mark_safe("")


# The marked passage of record `pk` from `marked` ({pk: safe HTML}, lazy), computed when the
# template first reads it. (Built once: each call of lazy() makes a new proxy class.)
lazy_passage = lazy(_passage, SafeString)


class KnownCountPaginator(CataloguePaginator):
    """A paginator told its count (from cached facet counts) instead of asking the database."""

    def __init__(self, *args, count=None, **kwargs):
        super().__init__(*args, **kwargs)
        if count is not None:
            self.__dict__["count"] = count


class CommitmentExportView(View):
    """All records matching the catalogue's filters, streamed as CSV or JSON."""

    format = "csv"

    def get(self, request):
        filterset = CommitmentFilterSet(
            request.GET or None,
            queryset=Commitment.objects.for_listing().with_classification().newest_first(),
            request=request,
        )
        if filterset.is_bound and not filterset.is_valid():
            return HttpResponseBadRequest(
                exports.error_text(filterset.errors), content_type="text/plain; charset=utf-8"
            )
        writer = exports.csv_stream if self.format == "csv" else exports.json_stream
        response = StreamingHttpResponse(
            writer(filterset.qs, request), content_type=exports.CONTENT_TYPES[self.format]
        )
        response["Content-Disposition"] = f'attachment; filename="{exports.FILENAME}.{self.format}"'
        response["Link"] = exports.licence_link()
        return response


class CommitmentDetailView(DetailView):
    """A commitment's page. `get_queryset` is the only visibility rule (published only)."""

    template_name = "catalog/commitment_detail.html"
    context_object_name = "commitment"
    # The record and what its page shows follow from the catalogue alone: cached under its
    # version. Previews (subclasses) show what the catalogue does not, and never use it.
    cache_page_data = True

    def get_queryset(self):
        return self.with_page_data(Commitment.objects.published())

    def get_object(self, queryset=None):
        if not self.cache_page_data or queryset is not None:
            return super().get_object(queryset)
        # Kept under the record's own stamp: an edit of another record leaves it valid. A
        # missing record raises Http404 inside: nothing is cached for it.
        stamp, self.page_data = caching.cached_record(
            "record-page", self.kwargs[self.slug_url_kwarg], (), self.load_page_data
        )
        record = self.page_data["object"]
        if stamp is not None:
            pagecache.keep_for_record(self.request, record.pk, stamp)
        return record

    def load_page_data(self):
        record = super().get_object()
        return record.pk, {"object": record, **self.page_context(record)}

    @staticmethod
    def with_page_data(queryset):
        """Everything the page shows, in a fixed number of queries."""
        return (
            queryset.select_related("organisation", "adopting_body", "adopting_body__parent")
            .prefetch_related(
                "themes",
                Prefetch("sources", Source.objects.public()),
                Prefetch(
                    "category_assignments",
                    CategoryAssignment.objects.select_related("category"),
                ),
            )
            .with_public_relations()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cached = getattr(self, "page_data", None)
        if cached is not None and cached["object"] is self.object:
            context.update((key, value) for key, value in cached.items() if key != "object")
        else:
            context.update(self.page_context(self.object))
        return context

    @staticmethod
    def page_context(record):
        """The relations by kind and the citable version (the newest published one: two
        queries, any history size)."""
        from participation.history import published_versions

        context = {"relation_groups": relation_groups(record)}
        context.update(extensions.record_page_context(record))
        versions = published_versions(record)
        if versions:
            context["current_version"] = versions[-1]
            context["current_version_url"] = reverse(
                "participation:version", args=[record.slug, versions[-1].id]
            )
        return context


def relation_groups(commitment):
    """Public relations from both sides, grouped by how they read from this record.

    A list of (label, [(relation, other commitment)]) in a stable order: the record's own
    relations by kind ("builds on"), then the relations pointing at it ("built on by").
    """
    order = list(RelationKind)
    groups = {}
    outgoing = sorted(getattr(commitment, "public_outgoing", []), key=lambda r: order.index(r.kind))
    incoming = sorted(getattr(commitment, "public_incoming", []), key=lambda r: order.index(r.kind))
    for relation in outgoing:
        groups.setdefault(relation.get_kind_display(), []).append((relation, relation.target))
    for relation in incoming:
        groups.setdefault(relation.inverse_label, []).append((relation, relation.source))
    return list(groups.items())
