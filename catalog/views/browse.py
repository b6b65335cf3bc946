"""Browse pages: institutions, organisations, themes, categories, timeline, matrix, about.

Every commitment shown or counted here comes from `Commitment.objects.published()` (directly or
through `for_listing()`), so these pages never disagree with the catalogue about what is public.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, Max, Min, Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from ..models import (
    ActivityCategory,
    CategoryAssignment,
    Commitment,
    Institution,
    Organisation,
    Theme,
    published_commitment_count,
)

CATALOGUE_URL_NAME = "catalog:commitment_list"


def catalogue_url(**params):
    """The catalogue filtered by `params` (lists repeat their parameter)."""
    query = urlencode({key: value for key, value in params.items() if value}, doseq=True)
    url = reverse(CATALOGUE_URL_NAME)
    return f"{url}?{query}" if query else url


# --------------------------------------------------------------------------------------
# Breadcrumbs
# --------------------------------------------------------------------------------------


class BreadcrumbsMixin:
    """Puts `breadcrumbs`, a list of (label, url) from the home page down, in the context.

    The last crumb is the current page and has no url.
    """

    def get_breadcrumbs(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [(_("Home"), reverse("catalog:home")), *self.get_breadcrumbs()]
        return context


# --------------------------------------------------------------------------------------
# Institutions and organisations
# --------------------------------------------------------------------------------------


@dataclass
class TreeNode:
    institution: Institution
    children: list = field(default_factory=list)

    def walk(self):
        """This node and every node below it, depth first, in sibling order."""
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def subtree_ids(self):
        return [node.institution.pk for node in self.walk()]


def build_forest(institutions):
    """Nest institutions (already in sibling order) under their parents; return the roots.

    Works from one list, so the whole tree costs the single query that produced it. A body
    whose parent is not in the list becomes a root rather than disappearing. When the
    institutions carry `published_count` (commitments adopted by the body itself), each also
    gets `subtree_count`: those of the body and of every body below it.
    """
    nodes = {institution.pk: TreeNode(institution) for institution in institutions}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.institution.parent_id)
        (parent.children if parent else roots).append(node)
    for root in roots:
        _add_subtree_counts(root)
    return roots


def _add_subtree_counts(node):
    own = getattr(node.institution, "published_count", None)
    if own is None:
        return None
    total = own + sum(_add_subtree_counts(child) or 0 for child in node.children)
    node.institution.subtree_count = total
    return total


@dataclass
class OrganisationTree:
    organisation: Organisation
    roots: list


def institution_trees(institutions):
    """Group institutions by organisation (primary first) and nest each group."""
    by_organisation = {}
    for institution in institutions:
        by_organisation.setdefault(institution.organisation, []).append(institution)
    ordered = sorted(by_organisation, key=lambda org: (not org.is_primary, org.name))
    return [OrganisationTree(org, build_forest(by_organisation[org])) for org in ordered]


def with_catalogue_links(institutions):
    """Each institution gets `catalogue_url` (commitments it adopted) and `subtree_url`
    (with those of its sub-bodies): the same filters the counts are made of."""
    for institution in institutions:
        institution.catalogue_url = catalogue_url(body=institution.slug)
        institution.subtree_url = catalogue_url(body=institution.slug, include_sub_bodies="on")
    return institutions


class InstitutionListView(BreadcrumbsMixin, TemplateView):
    """The organisations' bodies as nested org charts: kind, seat, head's title and counts."""

    template_name = "catalog/institution_list.html"

    def get_breadcrumbs(self):
        return [(_("Institutions"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institutions = with_catalogue_links(
            list(
                Institution.objects.select_related("organisation")
                .annotate(published_count=published_commitment_count("adopting_body"))
                .order_by("position", "name")
            )
        )
        context["trees"] = institution_trees(institutions)
        return context


class InstitutionDetailView(BreadcrumbsMixin, DetailView):
    """A body, its place in the tree, its whole subtree and the commitments of both."""

    model = Institution
    template_name = "catalog/institution_detail.html"
    context_object_name = "institution"

    def get_queryset(self):
        return Institution.objects.select_related("organisation")

    def get_object(self, queryset=None):
        institution = super().get_object(queryset)
        # The organisation's bodies in one query give the ancestors, the subtree and the
        # counts (commitments adopted by each body itself; the tree adds up the rest).
        bodies = with_catalogue_links(
            list(
                Institution.objects.filter(organisation=institution.organisation_id)
                .annotate(published_count=published_commitment_count("adopting_body"))
                .order_by("position", "name")
            )
        )
        by_pk = {body.pk: body for body in bodies}
        chain, parent_id = [], institution.parent_id
        while parent_id in by_pk and by_pk[parent_id] not in chain:
            chain.append(by_pk[parent_id])
            parent_id = by_pk[parent_id].parent_id
        institution.ancestor_list = list(reversed(chain))
        node = next(
            node
            for root in build_forest(bodies)
            for node in root.walk()
            if node.institution.pk == institution.pk
        )
        institution.node = node
        institution.sub_bodies = node.children
        institution.published_count = node.institution.published_count
        institution.subtree_count = node.institution.subtree_count
        return institution

    def get_breadcrumbs(self):
        institution = self.object
        return [
            (_("Institutions"), reverse("catalog:institution_list")),
            *[(body.short_name, body.get_absolute_url()) for body in institution.ancestor_list],
            (institution.short_name, None),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institution = self.object
        context["commitments"] = (
            Commitment.objects.for_listing()
            .filter(adopting_body__in=institution.node.subtree_ids)
            .newest_first()
        )
        context["catalogue_url"] = catalogue_url(body=institution.slug)
        context["subtree_url"] = catalogue_url(body=institution.slug, include_sub_bodies="on")
        return context


class OrganisationDetailView(BreadcrumbsMixin, DetailView):
    model = Organisation
    template_name = "catalog/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.prefetch_related("partners")

    def get_breadcrumbs(self):
        return [(self.object.acronym or self.object.name, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        institutions = with_catalogue_links(
            list(
                Institution.objects.filter(organisation=organisation)
                .annotate(published_count=published_commitment_count("adopting_body"))
                .order_by("position", "name")
            )
        )
        context["bodies"] = build_forest(institutions)
        context["commitments"] = (
            Commitment.objects.for_listing().filter(organisation=organisation).newest_first()
        )
        context["catalogue_url"] = catalogue_url(organisation=organisation.slug)
        return context


# --------------------------------------------------------------------------------------
# Themes and online-activity categories
# --------------------------------------------------------------------------------------


class ThemeListView(BreadcrumbsMixin, ListView):
    template_name = "catalog/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self):
        # Aggregating drops Meta.ordering, so the order is restated.
        return Theme.objects.annotate(
            published_count=published_commitment_count("themes")
        ).order_by("position", "name")

    def get_breadcrumbs(self):
        return [(_("Themes"), None)]


class ThemeDetailView(BreadcrumbsMixin, DetailView):
    model = Theme
    template_name = "catalog/theme_detail.html"
    context_object_name = "theme"

    def get_breadcrumbs(self):
        return [(_("Themes"), reverse("catalog:theme_list")), (self.object.name, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["commitments"] = (
            Commitment.objects.for_listing().filter(themes=self.object).newest_first()
        )
        context["catalogue_url"] = catalogue_url(theme=self.object.slug)
        return context


class CategoryListView(BreadcrumbsMixin, ListView):
    template_name = "catalog/category_list.html"
    context_object_name = "categories"

    def get_queryset(self):
        return ActivityCategory.objects.annotate(
            published_count=published_commitment_count("activity_categories")
        ).order_by("position", "name")

    def get_breadcrumbs(self):
        return [(_("Online-activity categories"), None)]


class CategoryDetailView(BreadcrumbsMixin, DetailView):
    model = ActivityCategory
    template_name = "catalog/category_detail.html"
    context_object_name = "category"

    def get_breadcrumbs(self):
        return [
            (_("Online-activity categories"), reverse("catalog:category_list")),
            (self.object.name, None),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # One row per published commitment in the category, with the evidence for it.
        context["assignments"] = (
            CategoryAssignment.objects.filter(
                category=self.object, commitment__in=Commitment.objects.published()
            )
            .select_related("commitment__adopting_body", "commitment__organisation")
            .order_by("-commitment__year", "-commitment__adopted_on", "commitment__title")
        )
        context["catalogue_url"] = catalogue_url(category=self.object.slug)
        return context


# --------------------------------------------------------------------------------------
# Timeline
# --------------------------------------------------------------------------------------


@dataclass
class Bar:
    year: int
    count: int
    url: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    show_label: bool


@dataclass
class TimelineChart:
    """Geometry of the timeline's SVG bar chart, in the SVG's own units."""

    bars: list
    ticks: list
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    tick_label_x: int
    year_label_y: int
    first_year: int
    last_year: int
    max_count: int


CHART_WIDTH, CHART_HEIGHT = 800, 320
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 40, 790, 16, 280
MAX_YEAR_LABELS = 16


def nice_step(maximum, target_ticks=5):
    """A step of 1, 2 or 5 times a power of ten giving at most `target_ticks` gridlines."""
    rough = max(maximum / target_ticks, 1)
    magnitude = 10 ** (len(str(int(rough))) - 1)
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= rough:
            return multiple * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def timeline_chart(counts_by_year):
    """Bars for every year from the first to the last (empty years included, so the axis is
    continuous), scaled to the largest count."""
    if not counts_by_year:
        return None
    first, last = min(counts_by_year), max(counts_by_year)
    years = list(range(first, last + 1))
    max_count = max(counts_by_year.values())
    step = nice_step(max_count)
    top = -(-max_count // step) * step  # rounded up to a whole step
    plot_width, plot_height = PLOT_RIGHT - PLOT_LEFT, PLOT_BOTTOM - PLOT_TOP
    slot = plot_width / len(years)
    bar_width = slot * 0.7
    label_every = -(-len(years) // MAX_YEAR_LABELS)
    bars = []
    for index, year in enumerate(years):
        count = counts_by_year.get(year, 0)
        height = plot_height * count / top
        x = PLOT_LEFT + index * slot + (slot - bar_width) / 2
        bars.append(
            Bar(
                year=year,
                count=count,
                url=catalogue_url(year_from=year, year_to=year),
                x=round(x, 2),
                y=round(PLOT_BOTTOM - height, 2),
                width=round(bar_width, 2),
                height=round(height, 2),
                label_x=round(x + bar_width / 2, 2),
                show_label=(year - first) % label_every == 0 or year == last,
            )
        )
    ticks = [
        {"value": value, "y": round(PLOT_BOTTOM - plot_height * value / top, 2)}
        for value in range(0, top + 1, step)
    ]
    return TimelineChart(
        bars=bars,
        ticks=ticks,
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        plot_left=PLOT_LEFT,
        plot_right=PLOT_RIGHT,
        plot_top=PLOT_TOP,
        plot_bottom=PLOT_BOTTOM,
        tick_label_x=PLOT_LEFT - 6,
        year_label_y=PLOT_BOTTOM + 18,
        first_year=first,
        last_year=last,
        max_count=max_count,
    )


class TimelineView(BreadcrumbsMixin, TemplateView):
    template_name = "catalog/timeline.html"

    def get_breadcrumbs(self):
        return [(_("Timeline"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = (
            Commitment.objects.published()
            .order_by()
            .values("year")
            .annotate(count=Count("pk"))
            .order_by("year")
        )
        counts = {row["year"]: row["count"] for row in rows}
        chart = timeline_chart(counts)
        context["chart"] = chart
        context["years_with_records"] = [bar for bar in chart.bars if bar.count] if chart else []
        context["total"] = sum(counts.values())
        return context


# --------------------------------------------------------------------------------------
# Matrix
# --------------------------------------------------------------------------------------


class MatrixFilterForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All themes"),
        error_messages={
            "invalid_choice": _("There is no theme with this name. Choose one from the list.")
        },
    )


@dataclass
class MatrixRow:
    commitment: Commitment
    cells: list


@dataclass
class MatrixColumn:
    category: ActivityCategory
    total: int
    url: str


class MatrixView(BreadcrumbsMixin, TemplateView):
    """Published commitments (rows) by online-activity category (columns).

    Three queries whatever the size: the themes for the form, the categories, and the
    commitments with their categories prefetched (plus the prefetch itself).
    """

    template_name = "catalog/matrix.html"

    def get_breadcrumbs(self):
        return [(_("Matrix"), None)]

    def get(self, request, *args, **kwargs):
        form = MatrixFilterForm(request.GET or None)
        theme = form.cleaned_data["theme"] if form.is_valid() else None
        context = self.get_context_data(form=form, theme=theme, **kwargs)
        status = 400 if form.is_bound and not form.is_valid() else 200
        return self.render_to_response(context, status=status)

    def get_context_data(self, *, form, theme, **kwargs):
        context = super().get_context_data(form=form, theme=theme, **kwargs)
        categories = list(ActivityCategory.objects.all())
        commitments = Commitment.objects.published().select_related("adopting_body")
        if theme:
            commitments = commitments.filter(themes=theme)
        commitments = commitments.prefetch_related(
            Prefetch("activity_categories", ActivityCategory.objects.only("pk"))
        ).newest_first()
        theme_slug = theme.slug if theme else None
        rows, totals = [], dict.fromkeys((category.pk for category in categories), 0)
        for commitment in commitments:
            marked = {category.pk for category in commitment.activity_categories.all()}
            for pk in marked & totals.keys():
                totals[pk] += 1
            rows.append(MatrixRow(commitment, [category.pk in marked for category in categories]))
        columns = [
            MatrixColumn(
                category,
                totals[category.pk],
                catalogue_url(category=category.slug, theme=theme_slug),
            )
            for category in categories
        ]
        for row in rows:
            row.cells = list(zip(columns, row.cells, strict=True))
        context.update(
            rows=rows,
            columns=columns,
            classified_count=sum(1 for row in rows if any(mark for _c, mark in row.cells)),
        )
        return context


# --------------------------------------------------------------------------------------
# About
# --------------------------------------------------------------------------------------


class AboutView(BreadcrumbsMixin, TemplateView):
    template_name = "catalog/about.html"

    def get_breadcrumbs(self):
        return [(_("About and methodology"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = Commitment.objects.published().aggregate(
            total=Count("pk"),
            first_year=Min("year"),
            last_year=Max("year"),
            last_reviewed=Max("last_reviewed_on"),
        )
        context["categories"] = ActivityCategory.objects.all()
        context["themes"] = Theme.objects.all()
        context["organisation"] = Organisation.objects.filter(is_primary=True).first()
        return context


class RobotsTxtView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sitemap_url"] = self.request.build_absolute_uri(reverse("sitemap"))
        return context
