"""FilterSets shared by the public pages and the API: one definition of each filter."""

import django_filters
from django import forms
from django.db.models import Q
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

MAX_QUERY_LENGTH = 500


class CommitmentFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(
        label=_("Text"),
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Words in the title, symbol, number, summary or keywords."),
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=Commitment.Kind.choices, help_text=_("Kind of document.")
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
        help_text=_("Adopted in or before this year."),
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
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("title", _("Title (A–Z)")),
            ("symbol", _("Symbol")),
        ],
        method="filter_ordering",
        empty_label=None,
        help_text=_("newest (default), oldest, title or symbol."),
    )

    ORDERINGS = {
        "newest": ["-year", "-adopted_on", "title"],
        "oldest": ["year", "adopted_on", "title"],
        "title": ["title", "-year"],
        "symbol": ["symbol", "-year", "title"],
    }

    class Meta:
        model = Commitment
        fields = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        terms = Q()
        for field in ("title", "short_title", "symbol", "number", "summary", "keywords"):
            terms |= Q(**{f"{field}__icontains": value})
        return queryset.filter(terms)

    def filter_body(self, queryset, name, value):
        if not value:
            return queryset
        ids = {body.pk for body in value}
        if self.form.cleaned_data.get("include_sub_bodies"):
            ids = Institution.objects.descendant_ids(ids)
        return queryset.filter(adopting_body__in=ids)

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*self.ORDERINGS.get(value or "newest"))
