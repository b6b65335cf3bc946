"""FilterSets shared by the public pages and the API: one definition of each filter.

`CommitmentFilterSet` also computes the catalogue's facet counts (`facets()`) and its active
filters (`active_filters()`); the API uses only the filtering part, unchanged.
"""

import copy
import functools
import operator

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Count, F
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from osce_portal import i18n

from . import caching, facetindex, search
from .collation import python_key, translated_order
from .models import (
    MAX_YEAR,
    MIN_YEAR,
    ActivityCategory,
    CategoryAssignment,
    Commitment,
    Institution,
    Organisation,
    Theme,
    cached_published_counts,
    cached_terms,
    normalise_symbol,
    validate_symbol,
)
from .search import search_commitments

MAX_QUERY_LENGTH = 500

# The body facet lists only bodies with matching published commitments; this caps it further so
# a catalogue with many bodies never renders a huge list (the most frequent ones are kept).
MAX_BODY_OPTIONS = 40


class TermsField(django_filters.fields.ModelMultipleChoiceField):
    """Slugs of terms (themes, categories, bodies), checked against `cached_terms`: the same
    messages as the model field's, without a query."""

    def _check_values(self, value):
        try:
            value = frozenset(value)
        except TypeError:
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        terms = cached_terms(self.queryset.model)
        for slug in value:
            self.validate_no_null_characters(slug)
            if str(slug) not in terms:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": slug},
                )
        chosen = {str(slug) for slug in value}
        return [term for slug, term in terms.items() if slug in chosen]


class TermField(django_filters.fields.ModelChoiceField):
    """The slug of one term (an organisation), checked against `cached_terms`."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        term = cached_terms(self.queryset.model).get(str(value))
        if term is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return term


class TermsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = TermsField


class TermFilter(django_filters.ModelChoiceFilter):
    field_class = TermField


class CommitmentFilterForm(forms.Form):
    # An empty value of a repeatable filter ("?theme=") means "not filtered", not "invalid".
    MULTIPLE = ("kind", "body", "theme", "category")

    def __init__(self, data=None, *args, **kwargs):
        if isinstance(data, QueryDict):
            data = data.copy()
            for name in self.MULTIPLE:
                if name in data:
                    data.setlist(name, [value for value in data.getlist(name) if value.strip()])
        super().__init__(data, *args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        year_from, year_to = cleaned_data.get("year_from"), cleaned_data.get("year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            self.add_error(
                "year_to",
                _("“To year” (%(to)s) is before “From year” (%(from)s). Swap or correct them.")
                % {"to": year_to, "from": year_from},
            )
        return cleaned_data


class CopiedOneLevel(dict):
    """Filters, or a form's fields, that each FilterSet or form copies for itself: copied one
    level deep (each object once), not through everything they hold — `copy.deepcopy` of the
    twelve filters and then of their fields, querysets and widgets included, took 0.6 ms of
    every catalogue page and API list. Neither is changed in place once declared: a
    FilterSet sets its own `parent` and `model` on its copies, and a form's fields are only
    read (their querysets are never evaluated in place)."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, value in self.items():
            value = copy.copy(value)
            if getattr(value, "method", None):  # a filter's method, bound to the copy
                value.method = value.method
            copies[name] = value
        return copies


class CommitmentFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(
        label=_("Text"),
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Words in the title, symbol, number, summary or keywords."),
    )
    symbol = django_filters.CharFilter(
        label=_("Official symbol"),
        method="filter_symbol",
        max_length=64,
        validators=[validate_symbol],
        help_text=_(
            "The exact official symbol, e.g. MC.DEC/7/06; case and spaces do not matter "
            "(mc.dec/7/06 finds it too)."
        ),
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"),
        choices=Commitment.Kind.choices,
        distinct=False,  # a column of the row itself: nothing to de-duplicate
        help_text=_("Kind of document; repeat for several (a record matches any of them)."),
    )
    body = TermsFilter(
        label=_("Adopting body"),
        field_name="adopting_body",
        to_field_name="slug",
        queryset=Institution.objects.all(),
        method="filter_body",
        help_text=_("Slug of the adopting body; repeat for several."),
    )
    include_sub_bodies = django_filters.BooleanFilter(
        label=_("Include sub-bodies"),
        method="filter_noop",
        widget=forms.CheckboxInput,
        help_text=_("Also match commitments adopted by bodies below the chosen ones."),
    )
    year_from = django_filters.NumberFilter(
        label=_("From year"),
        field_name="year",
        lookup_expr="gte",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=_("Adopted in or after this year."),
    )
    year_to = django_filters.NumberFilter(
        label=_("To year"),
        field_name="year",
        lookup_expr="lte",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=_("Adopted in or before this year; not before “From year”."),
    )
    theme = TermsFilter(
        label=_("Theme"),
        to_field_name="slug",
        queryset=Theme.objects.all(),
        method="filter_theme",
        help_text=_("Theme slug; repeat for several (a record matches any of them)."),
    )
    category = TermsFilter(
        label=_("Online-activity category"),
        to_field_name="slug",
        queryset=ActivityCategory.objects.all(),
        method="filter_category",
        help_text=_("Category slug; repeat for several (a record matches any of them)."),
    )
    organisation = TermFilter(
        label=_("Organisation"),
        to_field_name="slug",
        queryset=Organisation.objects.all(),
        help_text=_("Slug of the organisation whose document it is."),
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[
            ("relevance", _("Best match")),
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("title", _("Title (A–Z)")),
            ("symbol", _("Symbol")),
        ],
        method="filter_ordering",
        empty_label=None,
        help_text=_(
            "relevance (the default: best match first when searching, otherwise newest "
            "first), newest, oldest, title or symbol."
        ),
    )

    ORDERINGS = {
        "newest": ["-year", "-adopted_on", "title_en"],
        "oldest": ["year", "adopted_on", "title_en"],
        # Alphabetical: by the title the page shows, in its language's collation.
        "title": [translated_order("title"), "-year"],
        "symbol": ["symbol", "-year", "title_en"],
    }

    # Each facet and the request parameters it ignores: a facet's counts reflect the OTHER
    # active filters, so choosing a theme does not hide the other themes.
    FACET_PARAMETERS = {
        "kind": ("kind",),
        "body": ("body", "include_sub_bodies"),
        "theme": ("theme",),
        "category": ("category",),
        "organisation": ("organisation",),
    }
    # The filters some facet ignores; the others narrow every facet and the list alike.
    FACET_FILTERS = frozenset(name for names in FACET_PARAMETERS.values() for name in names)
    # Whether the list and the facets share one search (`_searched`): set by the catalogue
    # page, which counts facets; a list alone (the API, the exports) searches its own set.
    shares_search = False

    class Meta:
        model = Commitment
        fields = []
        form = CommitmentFilterForm

    def get_form_class(self):
        """The form of the filters, built once per FilterSet class (the fields do not depend
        on the request)."""
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = CopiedOneLevel(form_class.base_fields)
            type(self)._form_class = form_class
        return form_class

    def filter_text(self, queryset, name, value):
        return search_commitments(queryset, value)

    def filter_symbol(self, queryset, name, value):
        symbol = normalise_symbol(value)
        return queryset.filter(symbol=symbol) if symbol else queryset

    def filter_body(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(adopting_body__in=self._body_ids(value))

    # A semi-join (`pk IN (SELECT commitment_id …)`) instead of JOIN + DISTINCT: no duplicate
    # rows to remove, so no sort over every column and an exact, cheap COUNT.
    def filter_theme(self, queryset, name, value):
        if not value:
            return queryset
        links = Commitment.themes.through.objects.filter(theme__in=[theme.pk for theme in value])
        return queryset.filter(pk__in=links.values("commitment_id"))

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        links = CategoryAssignment.objects.filter(category__in=[obj.pk for obj in value])
        return queryset.filter(pk__in=links.values("commitment_id"))

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_ordering(self, queryset, name, value):
        if value == "relevance":
            if (self.form.cleaned_data.get("search") or "").strip():
                return queryset  # the search filter, applied first, orders by relevance
            value = "newest"
        return queryset.order_by(*self.ORDERINGS[value])

    # ----------------------------------------------------------------------------------
    # Facets and active filters (used by the catalogue page)
    # ----------------------------------------------------------------------------------

    @property
    def cleaned_data(self):
        """The valid part of the request's filters ({} when nothing was asked)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return self.form.cleaned_data

    def filter_queryset(self, queryset):
        """Every valid filter, the text search last and then the ordering.

        Search reads a bounded number of candidates (see `search.search_commitments`), so it
        must see the queryset already narrowed by the other filters. The filtered set is the
        facets' memo entry for "every filter" (`queryset` is always `self.queryset.all()`), so
        the list and the facets that ignore no requested filter share one search.
        """
        filtered = self.queryset_excluding()
        if "ordering" in self.cleaned_data:
            filtered = self.filters["ordering"].filter(filtered, self.cleaned_data["ordering"])
        return filtered

    def _filtered(self, queryset, exclude):
        data = self.cleaned_data
        for name, value in data.items():
            if name not in exclude and name not in ("search", "ordering"):
                queryset = self.filters[name].filter(queryset, value)
                assert isinstance(queryset, models.QuerySet), f"{name} returned no queryset"
        if "search" not in exclude and "search" in data:
            queryset = self._searched(
                queryset,
                {
                    name
                    for name in data
                    if name not in exclude
                    and name not in ("search", "ordering")
                    and _has_value(data[name])
                },
            )
        if "ordering" not in exclude and "ordering" in data:
            queryset = self.filters["ordering"].filter(queryset, data["ordering"])
        return queryset

    def _narrowing(self, names):
        """The cache key part of a set of applied filters: they identify a search's candidates
        (every queryset of this FilterSet is the published catalogue)."""
        data = self.cleaned_data
        return [(name, _cache_part(data[name])) for name in sorted(names)]

    def _common_ranking(self):
        """The search's ranking in the records narrowed by the filters no facet ignores (the
        widest set the list or a facet counts from), found once per request; None when the
        query cannot be ranked (nothing to search for, SQLite without FTS5)."""
        if "_common" not in self.__dict__:
            data = self.cleaned_data
            common = {
                name
                for name in data
                if name not in self.FACET_FILTERS
                and name not in ("search", "ordering")
                and _has_value(data[name])
            }
            queryset = self.queryset.all()
            for name in common:
                queryset = self.filters[name].filter(queryset, data[name])
            self._common = (
                common,
                search.ranking(queryset, data["search"], cache_parts=self._narrowing(common)),
            )
        return self._common

    def _searched(self, queryset, applied):
        """`queryset`, narrowed by the filters `applied`, searched.

        One search per request for the list and every facet: the candidates are found once,
        in the records narrowed by the filters every facet keeps (`_common_ranking`), and each
        narrower set takes its own from them with one query on their ids (cached like the
        ranking). That is exact while the common ranking holds every match; when it is capped
        (more than CANDIDATE_LIMIT matches), a narrower set searches on its own, so that its
        matches are not only those among the newest of the wider set.
        """
        data = self.cleaned_data
        narrowing = self._narrowing(applied)
        if not self.shares_search:
            return search_commitments(queryset, data["search"], cache_parts=narrowing)
        common, found = self._common_ranking()
        if found is None or (applied != common and search.is_capped_ranking(found)):
            return search_commitments(queryset, data["search"], cache_parts=narrowing)
        if applied == common:
            return search.ranked(queryset, found)
        ids = caching.cached(
            "search-narrowed",
            (search.search_language(), data["search"], narrowing),
            lambda: list(search.among(queryset, found[0]).values_list("pk", flat=True)),
        )
        return search.ranked(queryset, search.narrowed(found, ids))

    def queryset_excluding(self, *names):
        """The queryset filtered by every valid filter except `names` (and the ordering).

        Memoised per set of filters applied, so the facets that ignore a filter nobody asked
        for share one queryset (and one search).
        """
        data = self.cleaned_data
        applied = frozenset(
            name
            for name in data
            if name not in names and name != "ordering" and _has_value(data[name])
        )
        memo = self.__dict__.setdefault("_excluding", {})
        if applied not in memo:
            memo[applied] = self._filtered(
                self.queryset.all(), exclude=(*(set(data) - applied), "ordering")
            )
        return memo[applied]

    def _matching(self, facet):
        queryset = self.queryset_excluding(*self.FACET_PARAMETERS[facet])
        if connection.vendor == "sqlite":
            ids = search.candidates_of(queryset)
            if ids is not None:
                # SQLite builds the id list of every `IN (subquery)` filter (a theme's every
                # record) in each query that has one; a search's candidates already satisfy
                # the filters, so its facets count them by id alone.
                return Commitment.objects.filter(search.InIds(F("pk"), ids)).values("pk")
        return queryset.order_by().values("pk")

    def facets(self):
        """Options of each facet with the number of matching records.

        One grouped query per facet over the matching records (for a search, over its bounded
        candidates), then the options in the editors' order (position, then name). Options
        without matches are left out unless they are selected.
        """
        data = self.cleaned_data
        selected_kinds = set(data.get("kind") or [])
        counted = self._counted()
        kind_counts = counted["kind"]
        facets = {
            # str(): the facets are kept per language, and a lazy label in a kept value costs
            # a new class each time it is unpickled (about 0.4 ms per label, on every page).
            "kind": [
                _option(value, str(label), kind_counts.get(value, 0), value in selected_kinds)
                for value, label in Commitment.Kind.choices
                if kind_counts.get(value) or value in selected_kinds
            ]
        }
        organisation = data.get("organisation")
        for facet, selected in (
            ("theme", data.get("theme")),
            ("category", data.get("category")),
            ("organisation", [organisation] if organisation else []),
            ("body", data.get("body")),
        ):
            _source, _link, fields = FACET_SOURCES[facet]
            # A translated name (themes, categories) in the page's language, else the English;
            # a body's or organisation's sourced official name in the page's language.
            local = _local_name_column(fields[2]) if facet in TRANSLATED_FACETS else None
            official = OFFICIAL_NAME_FACETS.get(facet)
            rows = {row[fields[0]]: row for row in counted[facet]}
            known = _facet_terms(facet)
            for obj in selected or []:  # a selected term no matching record has
                if obj.pk in known:
                    rows.setdefault(obj.pk, {**known[obj.pk], "n": 0})
            terms = {
                pk: _official(_localised(dict(row), fields[2], local), fields[2], official)
                for pk, row in rows.items()
            }
            slugs = {obj.slug for obj in selected or []}
            options = sorted(terms.values(), key=FACET_SORT[facet])
            if facet == "body":
                options.sort(key=lambda row: (row[fields[1]] not in slugs, -row["n"]))
                options = options[:MAX_BODY_OPTIONS]
            facets[facet] = [
                _option(row[fields[1]], _label(row, fields), row["n"], row[fields[1]] in slugs)
                for row in options
            ]
        return facets

    def _counted(self):
        """The facets' counts and terms, the same in every language: {"kind": {kind: n},
        facet: rows of the term's fields, every language's name and `n`}. From the facet index
        when it can give them; else, without a search (whose matches depend on the page's
        language), computed in the database once per catalogue version and filters for all six
        languages."""

        data = self.cleaned_data
        valid = not self.is_bound or self.is_valid()
        applied = {name for name in data if name != "ordering" and _has_value(data[name])}

        def count():
            counted = {"kind": _grouped(self._matching("kind"), "kind")}
            for facet, (source, link, fields) in FACET_SOURCES.items():
                terms = _facet_terms(facet)
                if valid and not applied:
                    # The whole published catalogue: the counts the home page and the lists
                    # show too, computed once per catalogue version for all of them.
                    counts = cached_published_counts(facetindex.LOOKUPS[facet])
                    counted[facet] = [
                        {**terms[pk], "n": n} for pk, n in counts.items() if pk in terms
                    ]
                    continue
                matching = self._matching(facet)
                # The records' own fields are grouped in the matching records' query itself;
                # a link table's from the links of the matching records. Grouped by the
                # term's id alone: the term's fields and names come from `_facet_terms`.
                rows = (
                    matching
                    if source is Commitment
                    else source.objects.filter(**{f"{link}__in": matching})
                )
                counted[facet] = [
                    {**terms[pk], "n": n}
                    for pk, n in rows.order_by().values_list(fields[0]).annotate(n=Count(link))
                    if pk in terms  # (records adopted by no body have no body option)
                ]
            return counted

        indexed = self._indexed_counts()
        if indexed is not None:
            # Counted from the index in less time than the shared cache's round trips take (a
            # lookup, a lock, a store): kept only when the database counts.
            return indexed
        if not valid or (data.get("search") or "").strip():
            return count()
        return caching.cached("facet-counts", self._narrowing(applied), count, per_language=False)

    def _indexed(self):
        """(the facet index of the version being served, {filter: bitset of the records it
        keeps}) for the request's filters; None when there is no index yet (the re-warming
        task builds it), when a filter it does not hold is asked (the official symbol), or
        when a search has more matches than it ranks and a facet's filter is asked (each
        facet then searches its own set) or is not shared by the list and the facets (the
        API's), or when the filters are invalid."""
        if self.is_bound and not self.is_valid():
            return None
        data = self.cleaned_data
        index = facetindex.current()
        if index is None:
            return None
        # Each facet's filter keeps the records of its terms (its facet ignores it); the years
        # and a search narrow every facet.
        masks, capped = {}, False
        for name, value in data.items():
            if name in ("ordering", "include_sub_bodies", "year_from", "year_to"):
                continue
            if not _has_value(value):
                continue
            if name == "search":
                found = self._common_ranking()[1] if self.shares_search else None
                if found is None:
                    return None
                capped = search.is_capped_ranking(found)
                masks["search"] = facetindex.bitset(found[0])
            elif name in self.FACET_PARAMETERS:  # each facet's own filter, by the same name
                masks[name] = index.union(name, self._terms(name, value))
            else:
                return None
        if data.get("year_from") is not None or data.get("year_to") is not None:
            masks["year"] = index.years(data.get("year_from"), data.get("year_to"))
        if capped and self.FACET_FILTERS.intersection(masks):
            # The newest CANDIDATE_LIMIT + 1 matches of the wider set are not those of a
            # narrower one: each facet then searches its own (`_searched`). Without a facet
            # filter every facet counts those same candidates, as the index does.
            return None
        return index, masks

    def _terms(self, facet, value):
        """The facet index's terms of a facet's cleaned filter value: kinds as they are,
        records by primary key (bodies with those below them when asked)."""
        if facet == "kind":
            return value
        if facet == "body":
            return self._body_ids(value)
        if isinstance(value, models.Model):  # the one organisation
            return [value.pk]
        return [obj.pk for obj in value]

    def indexed_count(self):
        """The number of records the valid filters keep, from the facet index; None when it
        cannot say (see `_indexed`) — the database counts then."""
        found = self._indexed()
        if found is None:
            return None
        index, masks = found
        return functools.reduce(operator.and_, masks.values(), index.universe).bit_count()

    def _indexed_counts(self):
        """`_counted()`'s counts from the facet index (None when it cannot give them: see
        `_indexed`)."""
        found = self._indexed()
        if found is None:
            return None
        index, masks = found

        def within(facet):
            bits = index.universe
            for name, mask in masks.items():
                if name not in self.FACET_PARAMETERS[facet]:
                    bits &= mask
            return bits

        counted = {"kind": index.counts("kind", within("kind"))}
        for facet in FACET_SOURCES:
            terms = _facet_terms(facet)
            counted[facet] = [
                {**terms[pk], "n": n}
                for pk, n in index.counts(facet, within(facet)).items()
                if pk in terms
            ]
        return counted

    def _body_ids(self, bodies):
        """The ids of the adopting bodies `bodies` (and of every body below them when
        sub-bodies are included), found once per request: the facets apply them often."""
        ids = {body.pk for body in bodies}
        if self.form.cleaned_data.get("include_sub_bodies"):
            key = frozenset(ids)
            if getattr(self, "_descendants", (None, None))[0] != key:
                self._descendants = (key, Institution.objects.descendant_ids(ids))
            ids = self._descendants[1]
        return ids

    def active_filters(self):
        """The request's valid filters, one entry per value, each with the query that drops it.

        Returns a list of dicts: `label` (the filter), `value` (readable), `query` (the query
        string without that value, and without the page number).
        """
        data = self.cleaned_data
        chips = []

        def add(name, label, value=None):
            query = self.data.copy()
            query.pop("page", None)
            if value is None:
                query.pop(name, None)
            else:
                query.setlist(name, [v for v in query.getlist(name) if v != value])
            if name == "body" and not query.getlist("body"):
                query.pop("include_sub_bodies", None)
            chips.append(
                {"name": name, "label": self.filters[name].label, "value": label, "query": query}
            )

        if data.get("search", "").strip():
            add("search", f"“{data['search'].strip()}”")
        if data.get("symbol", "").strip():
            add("symbol", normalise_symbol(data["symbol"]))
        kinds = dict(Commitment.Kind.choices)
        for value in _chosen(data.get("kind")):
            add("kind", kinds[value], value)
        for body in _chosen(data.get("body")):
            add("body", str(body), body.slug)
        if _chosen(data.get("body")) and data.get("include_sub_bodies"):
            add("include_sub_bodies", _("yes"))
        for name in ("year_from", "year_to"):
            if data.get(name) is not None:
                add(name, str(int(data[name])) if data[name] == int(data[name]) else data[name])
        for name in ("theme", "category"):
            for obj in _chosen(data.get(name)):
                add(name, str(obj), obj.slug)
        if data.get("organisation"):
            add("organisation", str(data["organisation"]))
        return chips


CommitmentFilterSet.base_filters = CopiedOneLevel(CommitmentFilterSet.base_filters)

# Where each facet counts from: (model, link to the commitment, fields: id, slug, name, then
# what orders and labels the options). One GROUP BY per facet gives options and counts.
FACET_SOURCES = {
    "theme": (
        Commitment.themes.through,
        "commitment_id",
        ("theme_id", "theme__slug", "theme__name", "theme__position"),
    ),
    "category": (
        CategoryAssignment,
        "commitment_id",
        ("category_id", "category__slug", "category__name", "category__position"),
    ),
    "organisation": (
        Commitment,
        "pk",
        (
            "organisation_id",
            "organisation__slug",
            "organisation__name",
            "organisation__is_primary",
        ),
    ),
    "body": (
        Commitment,
        "pk",
        (
            "adopting_body_id",
            "adopting_body__slug",
            "adopting_body__name",
            "adopting_body__position",
            "adopting_body__acronym",
        ),
    ),
}
# Options in the editors' order (position, then name); the body facet is then sorted by count
# (a stable sort, so equal counts keep this order).
# Names compare as the page's language sorts them (catalog/collation.py).
FACET_SORT = {
    "theme": lambda row: (row["theme__position"], python_key(row["theme__name"])),
    "category": lambda row: (row["category__position"], python_key(row["category__name"])),
    "organisation": lambda row: (
        not row["organisation__is_primary"],
        python_key(row["organisation__name"]),
    ),
    "body": lambda row: (python_key(_label(row, FACET_SOURCES["body"][2])),),
}


TRANSLATED_FACETS = {"theme", "category"}
OFFICIAL_NAME_FACETS = {"organisation": "organisation__names", "body": "adopting_body__names"}


def _local_name_column(field):
    language = i18n.active_language()
    return None if language == settings.LANGUAGE_CODE else f"{field}_{language}"


def _every_name_column(field):
    return [f"{field}_{code}" for code in i18n.LANGUAGE_CODES if code != settings.LANGUAGE_CODE]


def _official(row, field, official):
    """The row's name in the page's language when `official` (its `names` column) has one."""
    if official:
        names = row.pop(official, None) or {}
        language = i18n.active_language()
        if language != settings.LANGUAGE_CODE:
            row[field] = names.get(language) or row[field]
    return row


def _localised(row, field, local):
    if local:
        row[field] = row.pop(local) or row[field]
    return row


def _label(row, fields):
    """The option's label, as the term's `str()` reads."""
    name = row[fields[2]]
    acronym = row.get("adopting_body__acronym")
    return f"{name} ({acronym})" if acronym else name


def _facet_terms(facet):
    """{id: the facet row's term fields and every language's names} for every term of
    `facet`, read once per catalogue version (the term tables are small) for every count.

    The counts group the matching records by the term's id alone and take the rest from here:
    grouped by every name column as well, those columns were carried through the join of
    every matching record (2-4 times slower at 100,000 records)."""
    source, _link, fields = FACET_SOURCES[facet]
    relation = fields[0].removesuffix("_id")  # "theme", "category", "adopting_body", …
    model = source._meta.get_field(relation).related_model
    names = _every_name_column(fields[2]) if facet in TRANSLATED_FACETS else []
    if facet in OFFICIAL_NAME_FACETS:
        names.append(OFFICIAL_NAME_FACETS[facet])  # every language's, one column
    columns = {column: column.removeprefix(f"{relation}__") for column in (*fields[1:], *names)}

    def load():
        queryset = model._default_manager.all()
        if hasattr(queryset, "rewrite"):  # the columns as stored, not the page language's
            queryset = queryset.rewrite(False)
        return {
            row["pk"]: {fields[0]: row["pk"]} | {key: row[name] for key, name in columns.items()}
            for row in queryset.values("pk", *columns.values())
        }

    return caching.cached("facet-terms", facet, load, per_language=False)


def _grouped(matching, field):
    """{value of `field`: number of matching commitments} in one GROUP BY over the matching
    records' own query (their filters are subqueries: one row per record)."""
    return dict(matching.order_by().values_list(field).annotate(n=Count("pk")))


def _option(value, label, count, selected):
    return {"value": value, "label": label, "count": count, "selected": selected}


def _cache_part(value):
    """A cleaned filter value as plain data for a cache key (records by primary key)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set, frozenset, models.QuerySet)):
        return tuple(sorted(str(_cache_part(item)) for item in value))
    return value


def _chosen(value):
    """The values of a repeatable filter ([] when none were chosen, without a query)."""
    return value if _has_value(value) else []


def _has_value(value):
    """Whether a cleaned filter value narrows anything (empty fields are no-ops), so facets
    that differ only by filters nobody asked for share one queryset and one search."""
    if value is None or value == "" or value is False:  # an unticked include_sub_bodies
        return False
    if isinstance(value, models.QuerySet) and value.query.is_empty():
        return False  # a choice left empty: known without compiling (or running) a query
    if isinstance(value, (list, tuple, set, frozenset, models.QuerySet)):
        return len(value) > 0
    return True
