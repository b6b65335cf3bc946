"""FilterSets shared by the public pages and the API: one definition of each filter.

`CommitmentFilterSet` also computes the catalogue's facet counts (`facets()`) and its active
filters (`active_filters()`); the API uses only the filtering part, unchanged.
"""

import django_filters
from django import forms
from django.db.models import Case, Count, Q, When
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .models import (
    MAX_YEAR,
    MIN_YEAR,
    ActivityCategory,
    Commitment,
    Institution,
    Organisation,
    Theme,
)
from .search import search_commitments

MAX_QUERY_LENGTH = 500

# The body facet lists only bodies with matching published commitments; this caps it further so
# a catalogue with many bodies never renders a huge list (the most frequent ones are kept).
MAX_BODY_OPTIONS = 40


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


class CommitmentFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(
        label=_("Text"),
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Words in the title, symbol, number, summary or keywords."),
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"),
        choices=Commitment.Kind.choices,
        help_text=_("Kind of document; repeat for several (a record matches any of them)."),
    )
    body = django_filters.ModelMultipleChoiceFilter(
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
    theme = django_filters.ModelMultipleChoiceFilter(
        label=_("Theme"),
        field_name="themes__slug",
        to_field_name="slug",
        queryset=Theme.objects.all(),
        distinct=True,
        help_text=_("Theme slug; repeat for several (a record matches any of them)."),
    )
    category = django_filters.ModelMultipleChoiceFilter(
        label=_("Online-activity category"),
        field_name="activity_categories__slug",
        to_field_name="slug",
        queryset=ActivityCategory.objects.all(),
        distinct=True,
        help_text=_("Category slug; repeat for several (a record matches any of them)."),
    )
    organisation = django_filters.ModelChoiceFilter(
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
        "newest": ["-year", "-adopted_on", "title"],
        "oldest": ["year", "adopted_on", "title"],
        "title": ["title", "-year"],
        "symbol": ["symbol", "-year", "title"],
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

    class Meta:
        model = Commitment
        fields = []
        form = CommitmentFilterForm

    def filter_text(self, queryset, name, value):
        return search_commitments(queryset, value)

    def filter_body(self, queryset, name, value):
        if not value:
            return queryset
        ids = {body.pk for body in value}
        if self.form.cleaned_data.get("include_sub_bodies"):
            # Cached: the facets apply this filter several times per request.
            key = frozenset(ids)
            if getattr(self, "_descendants", (None, None))[0] != key:
                self._descendants = (key, Institution.objects.descendant_ids(ids))
            ids = self._descendants[1]
        return queryset.filter(adopting_body__in=ids)

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

    def queryset_excluding(self, *names):
        """The queryset filtered by every valid filter except `names` (and the ordering)."""
        queryset = self.queryset.all()
        for name, value in self.cleaned_data.items():
            if name not in names and name != "ordering":
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def _matching(self, facet):
        return self.queryset_excluding(*self.FACET_PARAMETERS[facet]).order_by().values("pk")

    def facets(self):
        """Options of each facet with the number of matching records, one query per facet.

        Options without matches are left out unless they are selected.
        """
        data = self.cleaned_data
        selected_kinds = set(data.get("kind") or [])
        kind_counts = dict(
            Commitment.objects.filter(pk__in=self._matching("kind"))
            .values_list("kind")
            .annotate(n=Count("pk"))
            .order_by()
        )
        facets = {
            "kind": [
                _option(value, label, kind_counts.get(value, 0), value in selected_kinds)
                for value, label in Commitment.Kind.choices
                if kind_counts.get(value) or value in selected_kinds
            ]
        }
        organisation = data.get("organisation")
        for facet, model, related, selected in (
            ("theme", Theme, "commitments", data.get("theme")),
            ("category", ActivityCategory, "commitments", data.get("category")),
            ("organisation", Organisation, "commitments", [organisation] if organisation else []),
            ("body", Institution, "commitments", data.get("body")),
        ):
            slugs = {obj.slug for obj in selected or []}
            options = model.objects.annotate(
                n=Count(related, filter=Q(**{f"{related}__in": self._matching(facet)}))
            ).filter(Q(n__gt=0) | Q(slug__in=slugs))
            if facet == "body":
                selected_first = Case(When(slug__in=slugs, then=0), default=1)
                options = options.order_by(selected_first, "-n", "name")[:MAX_BODY_OPTIONS]
            facets[facet] = [
                _option(obj.slug, str(obj), obj.n, obj.slug in slugs) for obj in options
            ]
        return facets

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
        kinds = dict(Commitment.Kind.choices)
        for value in data.get("kind") or []:
            add("kind", kinds[value], value)
        for body in data.get("body") or []:
            add("body", str(body), body.slug)
        if data.get("body") and data.get("include_sub_bodies"):
            add("include_sub_bodies", _("yes"))
        for name in ("year_from", "year_to"):
            if data.get(name) is not None:
                add(name, str(int(data[name])) if data[name] == int(data[name]) else data[name])
        for name in ("theme", "category"):
            for obj in data.get(name) or []:
                add(name, str(obj), obj.slug)
        if data.get("organisation"):
            add("organisation", str(data["organisation"]))
        return chips


def _option(value, label, count, selected):
    return {"value": value, "label": label, "count": count, "selected": selected}
