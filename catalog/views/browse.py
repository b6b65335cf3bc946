"""Browse pages: institutions, organisations, themes, categories, timeline, matrix, about.

Every commitment shown or counted here comes from `Commitment.objects.published()` (directly or
through `for_listing()`), so these pages never disagree with the catalogue about what is public.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from ..collation import python_key, translated_order
from ..filters import CommitmentFilterSet
from ..models import (
    ActivityCategory,
    CategoryAssignment,
    Commitment,
    Institution,
    Organisation,
    Theme,
    published_commitment_count,
)
from .catalogue import CleanQueryMixin

CATALOGUE_URL_NAME = "catalog:commitment_list"

# Bounded work per request: a browse page lists at most BROWSE_LIST_LENGTH records (the newest)
# and links to the catalogue filtered the same way for the rest; the matrix and the timeline
# are paged. However large the catalogue, no page renders more than these.
BROWSE_LIST_LENGTH = 50
MATRIX_PAGE_SIZE = 100
TIMELINE_PAGE_SIZE = 200


def catalogue_url(**params):
    """The catalogue filtered by `params` (lists repeat their parameter)."""
    query = urlencode({key: value for key, value in params.items() if value}, doseq=True)
    url = reverse(CATALOGUE_URL_NAME)
    return f"{url}?{query}" if query else url


@dataclass
class Capped:
    """At most `limit` rows of a list, with the number of all of them (counted only when there
    are more) and the catalogue address that shows them all."""

    rows: list
    total: int
    url: str

    @property
    def is_capped(self):
        return self.total > len(self.rows)

    def __bool__(self):
        return bool(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def capped(queryset, url):
    limit = BROWSE_LIST_LENGTH
    rows = list(queryset[: limit + 1])
    total = len(rows) if len(rows) <= limit else queryset.count()
    return Capped(rows[:limit], total, url)


def page_of(request, queryset, per_page):
    """The page `?page=` asks for (the first without one); a page that is not a whole number
    or past the last is a 404, as in the catalogue."""
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page", 1))
    except InvalidPage as error:
        raise Http404(str(error)) from error


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
    ordered = sorted(
        by_organisation,
        key=lambda org: (not org.is_primary, python_key(org.official_name()[0])),
    )
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
                .order_by("position", translated_order("name"))
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
                .order_by("position", translated_order("name"))
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
        context["catalogue_url"] = catalogue_url(body=institution.slug)
        context["subtree_url"] = catalogue_url(body=institution.slug, include_sub_bodies="on")
        context["commitments"] = capped(
            Commitment.objects.for_listing()
            .filter(adopting_body__in=institution.node.subtree_ids)
            .newest_first(),
            context["subtree_url"] if institution.sub_bodies else context["catalogue_url"],
        )
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
                .order_by("position", translated_order("name"))
            )
        )
        context["bodies"] = build_forest(institutions)
        context["catalogue_url"] = catalogue_url(organisation=organisation.slug)
        context["commitments"] = capped(
            Commitment.objects.for_listing().filter(organisation=organisation).newest_first(),
            context["catalogue_url"],
        )
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
        ).order_by("position", translated_order("name"))

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
        context["catalogue_url"] = catalogue_url(theme=self.object.slug)
        context["commitments"] = capped(
            Commitment.objects.for_listing().filter(themes=self.object).newest_first(),
            context["catalogue_url"],
        )
        return context


class CategoryListView(BreadcrumbsMixin, ListView):
    template_name = "catalog/category_list.html"
    context_object_name = "categories"

    def get_queryset(self):
        return ActivityCategory.objects.annotate(
            published_count=published_commitment_count("activity_categories")
        ).order_by("position", translated_order("name"))

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
        context["catalogue_url"] = catalogue_url(category=self.object.slug)
        context["assignments"] = capped(
            CategoryAssignment.objects.filter(
                category=self.object, commitment__in=Commitment.objects.published()
            )
            .select_related("commitment__adopting_body", "commitment__organisation")
            .order_by("-commitment__year", "-commitment__adopted_on", "commitment__title"),
            context["catalogue_url"],
        )
        return context


# --------------------------------------------------------------------------------------
# Chronology (timeline)
# --------------------------------------------------------------------------------------

# The documents that frame the others, drawn as milestones across every lane: the plan and
# charter the OSCE's counter-terrorism work rests on, the Consolidated Framework and the two
# sets of cyber/ICT confidence-building measures. Shown when published, whatever the filters.
MILESTONES = {
    "MC(9).DEC/1": _("Bucharest Plan of Action"),
    "PC.DEC/1063": _("Consolidated Framework"),
    "PC.DEC/1106": _("First set of cyber/ICT CBMs"),
    "PC.DEC/1202": _("Second set of cyber/ICT CBMs"),
}
# The Porto Charter has no symbol of its own; charters are milestones by kind.
MILESTONE_KINDS = ("charter",)
MILESTONE_LIMIT = 20

CHRONO_WIDTH = 1000
CHRONO_LABEL_WIDTH = 190
CHRONO_RIGHT = 985
CHRONO_TOP = 86  # room for three staggered rows of milestone labels
CHRONO_DOT_GAP = 13
CHRONO_LANE_PADDING = 14
CHRONO_LANES = 8  # colours; further bodies reuse them (each lane also has its own row label)


@dataclass
class Dot:
    commitment: Commitment
    x: float
    y: float


@dataclass
class Lane:
    label: str
    url: str
    colour: int
    y: float
    height: float
    dots: list


@dataclass
class Chronology:
    """Geometry of the chronology's SVG, in the SVG's own units."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: float
    lanes: list
    years: list  # [{"year", "x", "label"}] for the axis
    milestones: list  # [{"commitment", "label", "x", "label_y"}]


def _year_x(year, first, last):
    span = max(last - first, 1)
    inner = CHRONO_RIGHT - CHRONO_LABEL_WIDTH - 20
    return round(CHRONO_LABEL_WIDTH + 10 + inner * (year - first) / span, 1)


def _chronological(commitment):
    day = commitment.adopted_on.isoformat() if commitment.adopted_on else ""
    return (commitment.year, day, commitment.title)


def chronology(commitments, milestones):
    """Lanes of dots: one lane per adopting body (most documents first), one dot per document
    at its year (several in one year stack up), plus the milestones as vertical lines."""
    if not commitments:
        return None
    years = [c.year for c in commitments] + [m.year for m in milestones]
    first, last = min(years), max(years)
    by_body = {}
    for commitment in commitments:
        by_body.setdefault(commitment.adopting_body_id, []).append(commitment)
    order = sorted(by_body, key=lambda pk: (-len(by_body[pk]), pk is None, pk or 0))
    lanes, y = [], CHRONO_TOP
    for index, pk in enumerate(order):
        rows = by_body[pk]
        body = rows[0].adopting_body
        per_year = {}
        for commitment in sorted(rows, key=_chronological):
            per_year.setdefault(commitment.year, []).append(commitment)
        stack = max(len(items) for items in per_year.values())
        height = CHRONO_LANE_PADDING * 2 + CHRONO_DOT_GAP * (stack - 1)
        dots = []
        for year, items in per_year.items():
            for position, commitment in enumerate(items):
                dots.append(
                    Dot(
                        commitment,
                        _year_x(year, first, last),
                        round(y + CHRONO_LANE_PADDING + CHRONO_DOT_GAP * position, 1),
                    )
                )
        lanes.append(
            Lane(
                label=body.short_name if body else str(_("No adopting body")),
                url=body.get_absolute_url() if body else "",
                colour=index % CHRONO_LANES,
                y=y,
                height=height,
                dots=dots,
            )
        )
        y += height
    span = last - first
    step = 1 if span <= 12 else 2 if span <= 24 else 5
    axis = [
        {"year": year, "x": _year_x(year, first, last)}
        for year in range(first, last + 1)
        if (year - first) % step == 0 or year == last
    ]
    marks = [
        {
            "commitment": milestone,
            "label": milestone.milestone_label,
            "x": _year_x(milestone.year, first, last),
            "label_y": 20 + 24 * (index % 3),
        }
        for index, milestone in enumerate(sorted(milestones, key=lambda m: m.year))
    ]
    return Chronology(
        width=CHRONO_WIDTH,
        height=round(y + 34),
        plot_left=CHRONO_LABEL_WIDTH,
        plot_right=CHRONO_RIGHT,
        plot_top=CHRONO_TOP,
        plot_bottom=y,
        lanes=lanes,
        years=axis,
        milestones=marks,
    )


class OfficialNameChoiceField(forms.ModelChoiceField):
    """Bodies named as the page names them: the official name in its language, if sourced."""

    def label_from_instance(self, obj):
        name = obj.official_name()[0]
        return f"{name} ({obj.acronym})" if obj.acronym else name


class CatalogueChoicesForm(forms.Form):
    """A theme and an adopting body to narrow a view, each one at most; the names are the
    catalogue's query parameters (the shared FilterSet applies them)."""

    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.order_by("position", translated_order("name")),
        to_field_name="slug",
        required=False,
        empty_label=_("All themes"),
    )
    body = OfficialNameChoiceField(
        label=_("Adopting body"),
        queryset=Institution.objects.order_by(
            translated_order("organisation__name"), "position", translated_order("name")
        ),
        to_field_name="slug",
        required=False,
        empty_label=_("All bodies"),
    )


class TimelineFilterForm(CatalogueChoicesForm):
    """The chronology's own controls; their names are the catalogue's query parameters."""

    category = forms.ModelChoiceField(
        label=_("Online-activity category"),
        queryset=ActivityCategory.objects.order_by("position", translated_order("name")),
        to_field_name="slug",
        required=False,
        empty_label=_("All categories"),
    )
    include_sub_bodies = forms.BooleanField(label=_("Include sub-bodies"), required=False)

    field_order = ["theme", "category", "body", "include_sub_bodies"]


class TimelineView(CleanQueryMixin, BreadcrumbsMixin, TemplateView):
    """Published documents along a time axis, by adopting body, framed by the milestones.

    Narrowed with the catalogue's own FilterSet and query string (`theme`, `category`, `body`,
    `include_sub_bodies`, and any other catalogue filter), so a view can be shared and opened
    in the catalogue. A fixed number of queries: the filtered documents with their bodies, the
    milestones, and the three lists of the form.
    """

    template_name = "catalog/timeline.html"

    def get_breadcrumbs(self):
        return [(_("Timeline"), None)]

    def get(self, request, *args, **kwargs):
        query = request.GET.copy()
        query.pop("page", None)
        filterset = CommitmentFilterSet(
            query or None,
            queryset=Commitment.objects.for_listing().order_by(
                "year", "adopted_on", "title_en", "pk"
            ),
            request=request,
        )
        invalid = filterset.is_bound and not filterset.is_valid()
        page = None if invalid else page_of(request, filterset.qs, TIMELINE_PAGE_SIZE)
        context = self.get_context_data(
            filterset=filterset, invalid=invalid, page=page, query=query, **kwargs
        )
        return self.render_to_response(context, status=400 if invalid else 200)

    def get_context_data(self, *, filterset, invalid, page, query, **kwargs):
        context = super().get_context_data(**kwargs)
        commitments = [] if page is None else list(page.object_list)
        milestones = list(
            Commitment.objects.published()
            .filter(Q(symbol__in=MILESTONES) | Q(kind__in=MILESTONE_KINDS))
            .order_by("year", "pk")[:MILESTONE_LIMIT]
        )
        for milestone in milestones:
            milestone.milestone_label = MILESTONES.get(milestone.symbol) or milestone.display_title
        milestone_ids = {m.pk for m in milestones}
        for commitment in commitments:
            commitment.is_milestone = commitment.pk in milestone_ids
        years = {}
        for commitment in commitments:
            years.setdefault(commitment.year, []).append(commitment)
        query = query.urlencode()
        context.update(
            form=TimelineFilterForm(self.request.GET or None),
            filterset=filterset,
            invalid=invalid,
            chart=chronology(commitments, milestones),
            milestones=milestones,
            years=sorted(years.items()),
            total=page.paginator.count if page else 0,
            page_obj=page,
            page_range=page.paginator.get_elided_page_range(page.number) if page else [],
            filtered=bool(self.request.GET),
            catalogue_link=f"{reverse(CATALOGUE_URL_NAME)}?{query}" if query else "",
        )
        return context


# --------------------------------------------------------------------------------------
# Matrix
# --------------------------------------------------------------------------------------


class MatrixFilterForm(CatalogueChoicesForm):
    """The matrix's controls: a theme and a body, and `classified`, which keeps only rows with
    at least one mark."""

    classified = forms.BooleanField(label=_("Only classified commitments"), required=False)


@dataclass
class MatrixRow:
    commitment: Commitment
    cells: list
    total: int = 0


@dataclass
class MatrixColumn:
    category: ActivityCategory
    total: int
    url: str
    rows: list = field(default_factory=list)


class MatrixView(CleanQueryMixin, BreadcrumbsMixin, TemplateView):
    """Published commitments (rows) by online-activity category (columns), with totals both
    ways; narrow screens get one list per category instead of the grid.

    A fixed number of queries whatever the size: the categories, the commitments (through the
    catalogue's FilterSet) with their categories prefetched, and the form's two lists.
    """

    template_name = "catalog/matrix.html"

    def get_breadcrumbs(self):
        return [(_("Matrix"), None)]

    def get(self, request, *args, **kwargs):
        query = request.GET.copy()
        query.pop("page", None)
        classified = query.pop("classified", None) is not None
        filterset = CommitmentFilterSet(
            query or None,
            # newest_first(), with the id to make the pages' order total.
            queryset=Commitment.objects.published().order_by(
                "-year", "-adopted_on", "title_en", "pk"
            ),
            request=request,
        )
        invalid = filterset.is_bound and not filterset.is_valid()
        context = self.get_context_data(
            form=MatrixFilterForm(request.GET or None),
            filterset=filterset,
            invalid=invalid,
            classified=classified,
            query=query,
            **kwargs,
        )
        return self.render_to_response(context, status=400 if invalid else 200)

    def get_context_data(self, *, filterset, invalid, classified, query, **kwargs):
        context = super().get_context_data(filterset=filterset, invalid=invalid, **kwargs)
        categories = list(ActivityCategory.objects.all())
        totals = dict.fromkeys((category.pk for category in categories), 0)
        rows, page, classified_count = [], None, 0
        if not invalid:
            matching = filterset.qs
            marked_any = Exists(CategoryAssignment.objects.filter(commitment=OuterRef("pk")))
            if classified:
                matching = matching.filter(marked_any)
            # The totals cover every matching record, the rows only this page's: two grouped
            # counts, whatever the size of the catalogue.
            totals.update(
                CategoryAssignment.objects.filter(commitment__in=matching.order_by().values("pk"))
                .order_by()
                .values_list("category")
                .annotate(n=Count("commitment", distinct=True))
            )
            classified_count = matching.filter(marked_any).count()
            page = page_of(
                self.request,
                matching.select_related("adopting_body").prefetch_related(
                    Prefetch("activity_categories", ActivityCategory.objects.only("pk"))
                ),
                MATRIX_PAGE_SIZE,
            )
            for commitment in page.object_list:
                marked = {category.pk for category in commitment.activity_categories.all()}
                row = MatrixRow(commitment, [category.pk in marked for category in categories])
                row.total = sum(row.cells)
                rows.append(row)
        columns = []
        for category in categories:
            link = query.copy()
            link.setlist("category", [category.slug])
            columns.append(
                MatrixColumn(
                    category,
                    totals.get(category.pk, 0),
                    f"{reverse(CATALOGUE_URL_NAME)}?{link.urlencode()}",
                )
            )
        for row in rows:
            row.cells = list(zip(columns, row.cells, strict=True))
            for column, marked in row.cells:
                if marked:
                    column.rows.append(row.commitment)
        context.update(
            rows=rows,
            columns=columns,
            classified=classified,
            filtered=bool(self.request.GET),
            total=page.paginator.count if page else 0,
            page_obj=page,
            page_range=page.paginator.get_elided_page_range(page.number) if page else [],
            classified_count=classified_count,
            marks=sum(column.total for column in columns),
            theme=(filterset.cleaned_data.get("theme") or [None])[0] if not invalid else None,
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
        context["publisher"] = {
            "name": settings.PORTAL_PUBLISHER,
            "url": settings.PORTAL_PUBLISHER_URL,
            "email": settings.PORTAL_CONTACT_EMAIL,
        }
        context["licence"] = settings.DATA_LICENCE
        return context


class RobotsTxtView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sitemap_url"] = self.request.build_absolute_uri(reverse("sitemap"))
        return context
