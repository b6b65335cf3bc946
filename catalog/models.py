import json
import re
from urllib.parse import urlsplit

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osce_portal import i18n

from .expressions import Mapped

MIN_YEAR = 1900
MAX_YEAR = 2100
year_validators = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]

# Official document symbols: MC.DEC/7/06, MC.DOC/5/14, PC.DEC/1063, MC(9).DEC/1, A/RES/60/288.
SYMBOL_RE = re.compile(r"^[A-Z]+(\(\d+\))?(\.[A-Z]+)*(/[A-Z0-9]+)+$")


def normalise_symbol(value):
    """Canonical form of an official symbol: upper case, without spaces.

    "mc.dec/5/16", " MC.DEC / 5/16 " and "MC.DEC/5/16" all become "MC.DEC/5/16".
    """
    return re.sub(r"\s+", "", value or "").upper()


def validate_symbol(value):
    if value and not SYMBOL_RE.match(normalise_symbol(value)):
        raise ValidationError(
            _(
                "“%(value)s” is not an official document symbol. Use the OSCE form, "
                "for example MC.DEC/7/06, PC.DEC/1039 or MC(9).DEC/1."
            ),
            code="invalid_symbol",
            params={"value": value},
        )


def validate_url_lines(value):
    validator = URLValidator(schemes=["http", "https"])
    for number, line in enumerate(_lines(value), start=1):
        try:
            validator(line)
        except ValidationError:
            raise ValidationError(
                _("Line %(number)s is not a web address (http:// or https://): “%(line)s”."),
                code="invalid_url",
                params={"number": number, "line": line},
            ) from None


def _lines(value):
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def check_date_matches_year(date_value, year_value, date_field, year_field):
    """The full date, when known, must fall in the year."""
    if date_value and year_value and date_value.year != year_value:
        raise ValidationError(
            {
                date_field: _("The date %(date)s is not in %(year)s. Correct the date or the year.")
                % {"date": date_value.isoformat(), "year": year_value},
                year_field: _("The year must be the year of the full date."),
            }
        )


def choice_label(choices, value):
    """The label of `value` in the `TextChoices` class `choices` (the value itself when it is
    not one of them), in the active language.

    The models' `get_<field>_display()` methods use it: Django's own hashes every choice's
    lazy label on each call, which cost a page of twenty records a millisecond or more.
    """
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        abstract = True


class TranslatedContent(models.Model):
    """A record with content fields in several languages (catalog/translation.py)."""

    translation_sources = models.JSONField(
        _("sources of the translations"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "Per field and language, a fingerprint of the English text a translation was made "
            "from: the editor's desk lists translations whose English changed since."
        ),
    )

    class Meta:
        abstract = True


# --------------------------------------------------------------------------------------
# Organisations and their bodies
# --------------------------------------------------------------------------------------


class OfficialNames:
    """Bodies with official names in other OSCE languages (`names`: dataset revision 4, each
    read in a stored source, `name_sources`). A language without a sourced name falls back to
    the English `name`; a name is never translated by the catalogue itself."""

    def official_name(self, language=None):
        """(name, language code of that name) for `language` (the active one by default)."""
        language = language or i18n.active_language()
        if language != settings.LANGUAGE_CODE:
            name = (self.names or {}).get(language)
            if name:
                return name, language
        return self.name, settings.LANGUAGE_CODE


class SlugNaturalKeyManager(models.Manager):
    """Records are identified by their slug in fixtures (natural keys)."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Organisation(OfficialNames, TranslatedContent, TimeStampedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(
        _("acronym"), max_length=20, help_text=_("Short form used in lists, e.g. OSCE, CoE, UN.")
    )
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, help_text=_("Used in web addresses; lower case.")
    )
    is_primary = models.BooleanField(
        _("primary organisation"),
        default=False,
        help_text=_(
            "The organisation this catalogue is about (the OSCE). Only one can be primary; "
            "its overview is shown on the home page."
        ),
    )
    founded_year = models.PositiveSmallIntegerField(
        _("founded (year)"), null=True, blank=True, validators=year_validators
    )
    founded_on = models.DateField(
        _("founded (full date)"),
        null=True,
        blank=True,
        help_text=_("Only when the exact day is known; it must fall in the founding year."),
    )
    headquarters = models.CharField(_("headquarters"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    overview = models.TextField(
        _("overview"), blank=True, help_text=_("A paragraph introducing the organisation.")
    )
    facts = models.TextField(
        _("key facts"),
        blank=True,
        help_text=_("One sourced statement per line, in the catalogue's own words."),
    )
    source_urls = models.TextField(
        _("sources"),
        blank=True,
        validators=[validate_url_lines],
        help_text=_("Web addresses the facts rest on, one per line."),
    )
    partners = models.ManyToManyField(
        "self",
        blank=True,
        verbose_name=_("partner organisations"),
        help_text=_("Organisations it co-operates with; the link is shown on both sides."),
    )
    names = models.JSONField(
        _("official names in other languages"),
        default=dict,
        blank=True,
        help_text=_(
            'The name in other OSCE languages where a source gives it: {"fr": "…"}. '
            "A missing language means the name was not verified."
        ),
    )
    name_sources = models.JSONField(
        _("sources of the names"),
        default=dict,
        blank=True,
        help_text=_("Per language, the web addresses where that exact name was read."),
    )

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["-is_primary", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["is_primary"],
                condition=Q(is_primary=True),
                name="organisation_single_primary",
                violation_error_message=_("Another organisation is already the primary one."),
            ),
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True)
                | Q(founded_year__gte=MIN_YEAR, founded_year__lte=MAX_YEAR),
                name="organisation_founded_year_range",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:organisation_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        check_date_matches_year(self.founded_on, self.founded_year, "founded_on", "founded_year")
        if self.founded_on and not self.founded_year:
            self.founded_year = self.founded_on.year

    @property
    def fact_list(self):
        return _lines(self.facts)

    @property
    def source_list(self):
        return _lines(self.source_urls)


class InstitutionQuerySet(models.QuerySet):
    def descendant_ids(self, root_ids):
        """Ids of the given institutions and every body below them (any depth).

        Institutions are few (tens), so one query for the whole tree beats a recursive CTE
        that SQLite and PostgreSQL spell differently.
        """
        children = {}
        for pk, parent_id in self.model.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        found, stack = set(), list(root_ids)
        while stack:
            pk = stack.pop()
            if pk in found:
                continue
            found.add(pk)
            stack.extend(children.get(pk, []))
        return found


InstitutionManager = SlugNaturalKeyManager.from_queryset(InstitutionQuerySet)


class Institution(OfficialNames, TranslatedContent, TimeStampedModel):
    class Kind(models.TextChoices):
        DECISION_MAKING_BODY = "decision_making_body", _("decision-making body")
        PARLIAMENTARY_BODY = "parliamentary_body", _("parliamentary body")
        INSTITUTION = "institution", _("institution")
        EXECUTIVE_STRUCTURE = "executive_structure", _("executive structure")
        DEPARTMENT = "department", _("department")
        UNIT = "unit", _("unit")
        # The participating State chairing the OSCE for a year (Chairperson-in-Office).
        CHAIRMANSHIP = "chairmanship", _("chairpersonship")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="institutions",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(
        _("acronym"),
        max_length=20,
        blank=True,
        help_text=_("Official acronym only (e.g. ODIHR, FSC); leave empty when there is none."),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
        help_text=_(
            "The body this one belongs to, e.g. the Action against Terrorism Unit is part of the "
            "Transnational Threats Department. Empty for the organisation's top-level bodies."
        ),
    )
    seat = models.CharField(_("seat"), max_length=300, blank=True)
    established_year = models.PositiveSmallIntegerField(
        _("established (year)"), null=True, blank=True, validators=year_validators
    )
    meets = models.CharField(
        _("meets"), max_length=300, blank=True, help_text=_("How often it meets, e.g. “Weekly”.")
    )
    head_title = models.CharField(
        _("head's title"),
        max_length=300,
        blank=True,
        help_text=_("The title of whoever leads or chairs it, not a person's name."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Public description of its role.")
    )
    role_summary = models.TextField(
        _("editors' notes on its role"),
        blank=True,
        help_text=_("Research notes for editors; not shown on the public site."),
    )
    website = models.URLField(_("official website"), blank=True)
    source_urls = models.TextField(
        _("sources"),
        blank=True,
        validators=[validate_url_lines],
        help_text=_("Web addresses the description rests on, one per line."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order among its sibling bodies.")
    )
    names = models.JSONField(
        _("official names in other languages"),
        default=dict,
        blank=True,
        help_text=_(
            'The name in other OSCE languages where a source gives it: {"fr": "…"}. '
            "A missing language means the name was not verified."
        ),
    )
    name_sources = models.JSONField(
        _("sources of the names"),
        default=dict,
        blank=True,
        help_text=_("Per language, the web addresses where that exact name was read."),
    )

    objects = InstitutionManager()

    class Meta:
        ordering = ["organisation__name", "position", "name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="institution_unique_name_per_organisation"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="institution_not_own_parent"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("catalog:institution_detail", kwargs={"slug": self.slug})

    def get_kind_display(self):
        return choice_label(self.Kind, self.kind)

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["catalog.organisation"]

    @property
    def short_name(self):
        return self.acronym or self.name

    def ancestors(self):
        """Parents from the top of the tree down to the direct parent."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def clean(self):
        errors = {}
        if self.parent_id:
            if self.pk and self.parent_id == self.pk:
                errors["parent"] = _("A body cannot be part of itself.")
            elif self.pk and self.parent_id in Institution.objects.descendant_ids([self.pk]):
                errors["parent"] = _(
                    "“%(parent)s” is already below “%(name)s” in the tree; making it the parent "
                    "would create a loop."
                ) % {"parent": self.parent, "name": self.name}
            elif self.organisation_id and self.parent.organisation_id != self.organisation_id:
                errors["parent"] = _("The parent body must belong to the same organisation.")
        if errors:
            raise ValidationError(errors)


# --------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------


class VocabularyTerm(TranslatedContent, TimeStampedModel):
    """A term of a controlled list a visitor browses (a theme, an activity category)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = SlugNaturalKeyManager()

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Theme(VocabularyTerm):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("One or two sentences in the catalogue's words.")
    )

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def get_absolute_url(self):
        return reverse("catalog:theme_detail", kwargs={"slug": self.slug})


class ActivityCategory(VocabularyTerm):
    """A category of terrorist use of the internet (the ten ICTRP categories)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    scope_note = models.TextField(
        _("scope note"),
        help_text=_("What the category covers, in the catalogue's own words (not a definition)."),
    )

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("online-activity category")
        verbose_name_plural = _("online-activity categories")

    def get_absolute_url(self):
        return reverse("catalog:category_detail", kwargs={"slug": self.slug})


# --------------------------------------------------------------------------------------
# Commitments
# --------------------------------------------------------------------------------------


class RowIterable(models.query.ModelIterable):
    """Commitments with their adopting body from `cached_terms` (`for_rows`)."""

    def __iter__(self):
        bodies = None
        for commitment in super().__iter__():
            if commitment.adopting_body_id is not None:
                if bodies is None:
                    bodies = {body.pk: body for body in cached_terms(Institution).values()}
                body = bodies.get(commitment.adopting_body_id)
                if body is not None:  # else read when shown
                    commitment.adopting_body = body
            yield commitment


class CommitmentQuerySet(models.QuerySet):
    def published(self, now=None):
        """The one definition of what the public may see.

        Published, and either not scheduled or scheduled for a moment that has passed.
        """
        now = now or timezone.now()
        return self.filter(
            Q(publish_at__isnull=True) | Q(publish_at__lte=now),
            status=Commitment.Status.PUBLISHED,
        )

    def for_listing(self):
        """Published commitments with everything a list row shows, in a fixed number of queries."""
        return self.published().select_related("organisation", "adopting_body")

    # What a row of a list shows (templates/catalog/includes/_commitment_list.html); its
    # translated fields in the page's language and in English (the fallback) only.
    ROW_FIELDS = ("slug", "kind", "symbol", "year", "adopted_on", "adopting_body")
    ROW_TRANSLATED_FIELDS = ("title", "summary")

    def for_rows(self):
        """Published commitments with only what a list row shows in the active language: a
        tenth of the columns `for_listing()` reads (no organisation, no long texts but the
        summary, two languages of six), and the adopting body from `cached_terms` instead of
        a join (together 2.2 → 1.1 ms for a page of twenty rows at 100,000 records)."""
        languages = dict.fromkeys((i18n.active_language(), settings.LANGUAGE_CODE))
        queryset = self.published().only(
            *self.ROW_FIELDS,
            *(f"{field}_{code}" for field in self.ROW_TRANSLATED_FIELDS for code in languages),
        )
        queryset._iterable_class = RowIterable
        return queryset

    def with_classification(self):
        """Prefetch themes and online-activity categories (exports, feeds, API rows)."""
        return self.prefetch_related(
            "themes", Prefetch("activity_categories", ActivityCategory.objects.all())
        )

    def with_public_relations(self):
        """Prefetch relations in both directions whose other end is public.

        Sets `public_outgoing` and `public_incoming` (lists of CommitmentRelation) on each
        commitment, so a link to an unpublished record never reaches a public surface.
        """
        published = Commitment.objects.published()
        return self.prefetch_related(
            Prefetch(
                "outgoing_relations",
                CommitmentRelation.objects.filter(target__in=published).select_related(
                    "target", "target__adopting_body"
                ),
                to_attr="public_outgoing",
            ),
            Prefetch(
                "incoming_relations",
                CommitmentRelation.objects.filter(source__in=published).select_related(
                    "source", "source__adopting_body"
                ),
                to_attr="public_incoming",
            ),
        )

    def newest_first(self):
        return self.order_by("-year", "-adopted_on", "title_en")

    def export_values(self):
        """One dict per commitment with what the exports write (catalog/exports.py), in ONE
        query: each row carries the ids of its themes and categories aggregated in SQL
        (`theme_ids`, `category_ids`), so a full export costs no query and no model instance
        per row; the exports name them from the two small vocabularies."""
        return self.prefetch_related(None).values(
            "slug",
            "symbol",
            "symbol_status",
            "number",
            "title",
            "short_title",
            "kind",
            "year",
            "adopted_on",
            "meeting",
            "place",
            "summary",
            "last_reviewed_on",
            organisation_acronym=models.F("organisation__acronym"),
            adopting_body_name=models.F("adopting_body__name"),
            theme_ids=IdArray(
                Commitment.themes.through.objects.filter(commitment=models.OuterRef("pk")).values(
                    "theme_id"
                ),
                column="theme_id",
            ),
            category_ids=IdArray(
                CategoryAssignment.objects.filter(commitment=models.OuterRef("pk"))
                .order_by()
                .values("category_id"),
                column="category_id",
            ),
        )


class IdArray(models.Subquery):
    """The ids a correlated one-column subquery returns, as one value: a list on PostgreSQL
    (`ARRAY(...)`, read from the (commitment, term) index alone), a JSON array text on SQLite
    (`json_group_array`). Use `id_list()` to read either."""

    output_field = models.TextField()

    def __init__(self, queryset, column, **extra):
        self.column = column
        super().__init__(queryset, **extra)

    def as_sql(self, compiler, connection, template=None, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        if connection.vendor == "postgresql":
            return f"ARRAY{sql}", params
        column = connection.ops.quote_name(self.column)
        return f"(SELECT json_group_array(ids.{column}) FROM {sql} ids)", params


def id_list(value):
    """Read an `IdArray` value."""
    if isinstance(value, list):
        return value
    return json.loads(value) if value else []


def published_commitment_count(lookup):
    """Annotation: how many published commitments point at the outer row through `lookup`.

    `lookup` goes from Commitment to the annotated model ("themes", "activity_categories",
    "adopting_body", "organisation"). The counts come from one grouped query over
    `published()` (so the one definition of "public" decides every count), cached under the
    catalogue version, and the annotation reads each row's count from them: a subquery per
    row scanned every commitment for each theme, seconds at 100,000 records.
    """
    return Coalesce(Mapped(models.F("pk"), cached_published_counts(lookup)), 0)


def cached_terms(model):
    """{slug: term} of every term of `model` (themes, categories, institutions,
    organisations), in its order: read once per catalogue version (the term tables are small,
    and a change of a term is a change of the catalogue), so that a filter naming a theme, or
    a list row naming its adopting body, costs no query."""
    from . import caching  # it imports the models

    return caching.cached(
        "terms",
        model._meta.label,
        lambda: {term.slug: term for term in model._default_manager.all()},
        per_language=False,
    )


def cached_published_counts(lookup):
    """`published_counts(lookup)`, computed once per catalogue version for every language and
    every page that shows them (the home page's themes, the lists, the catalogue's facets):
    from the version's facet index when it has one."""
    from . import caching, facetindex  # they import the models

    def count():
        index = facetindex.current()
        return published_counts(lookup) if index is None else index.totals(lookup)

    return caching.cached("published-counts", lookup, count, per_language=False)


def published_figures():
    """The home page's figures over every published record: from the version's facet index
    when it has one, else one aggregate over the records."""
    from . import facetindex  # it imports the models

    index = facetindex.current()
    if index is not None:
        return index.figures()
    return Commitment.objects.published().aggregate(
        commitments=models.Count("pk"),
        bodies=models.Count("adopting_body", distinct=True),
        first_year=models.Min("year"),
        last_year=models.Max("year"),
    )


def published_counts(lookup):
    """{id of the related row: how many published commitments point at it} for `lookup`.

    Each link joins a commitment to a row at most once (a foreign key, or a link table unique
    on the pair), so a plain COUNT is exact."""
    rows = (
        Commitment.objects.published()
        .filter(**{f"{lookup}__isnull": False})
        .order_by()
        .values_list(lookup)
        .annotate(count=models.Count("pk"))
    )
    return dict(rows)


CommitmentManager = SlugNaturalKeyManager.from_queryset(CommitmentQuerySet)


class Commitment(TranslatedContent, TimeStampedModel):
    class Kind(models.TextChoices):
        DECISION = "decision", _("decision")
        RESOLUTION = "resolution", _("resolution")
        DECLARATION = "declaration", _("declaration")
        STATEMENT = "statement", _("statement")
        CHARTER = "charter", _("charter")
        PLAN_OF_ACTION = "plan_of_action", _("plan of action")
        PROGRAMME_OF_ACTION = "programme_of_action", _("programme of action")
        STRATEGY = "strategy", _("strategy")
        REFERENCE_COMPILATION = "reference_compilation", _("reference compilation")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    class SymbolStatus(models.TextChoices):
        VERIFIED = "verified", _("verified")
        DERIVED = "derived", _("derived from the decision number")

    title = models.CharField(
        _("title"),
        max_length=500,
        help_text=_(
            "Official title. Put a descriptive title in [square brackets] until the official "
            "one is verified."
        ),
    )
    short_title = models.CharField(
        _("short title"), max_length=200, blank=True, help_text=_("For lists and citations.")
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("organisation"),
        help_text=_("The organisation whose document this is."),
    )
    symbol = models.CharField(
        _("official symbol"),
        max_length=64,
        blank=True,
        validators=[validate_symbol],
        help_text=_(
            "The document symbol, e.g. MC.DEC/7/06 or PC.DEC/1039. Stored in upper case without "
            "spaces; leave empty when the document has none."
        ),
    )
    symbol_status = models.CharField(
        _("symbol status"),
        max_length=16,
        choices=SymbolStatus.choices,
        blank=True,
        help_text=_(
            "Verified: the symbol appears in a source. Derived: the number is sourced and the "
            "symbol follows the OSCE pattern."
        ),
    )
    number = models.CharField(
        _("number"),
        max_length=200,
        blank=True,
        help_text=_(
            "The number as cited, e.g. 7/06 or 1039 (shown as “No. 7/06”), or a longer form "
            "such as “Declaration No. 5/14”."
        ),
    )
    adopting_body = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("adopting body"),
        help_text=_("The body that adopted it; empty when it was adopted elsewhere."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=year_validators, help_text=_("Year of adoption (always required).")
    )
    adopted_on = models.DateField(
        _("adopted on"),
        null=True,
        blank=True,
        help_text=_("Only when the exact day was seen in a source; it must fall in the year."),
    )
    meeting = models.CharField(
        _("meeting"),
        max_length=300,
        blank=True,
        help_text=_("The meeting that adopted it, with its dates when the day is not known."),
    )
    place = models.CharField(_("place"), max_length=120, blank=True)
    summary = models.TextField(
        _("summary"), help_text=_("Two to four sentences in the catalogue's own words.")
    )
    key_quotation = models.TextField(
        _("key quotation"), blank=True, help_text=_("A short verbatim passage from the text.")
    )
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_("Fine-grained terms for search, one per line, in lower case."),
    )
    external_references = models.TextField(
        _("other documents cited"),
        blank=True,
        help_text=_("Documents that are not records here (e.g. UNSCR 1624 (2005)), one per line."),
    )
    themes = models.ManyToManyField(
        Theme,
        blank=True,
        related_name="commitments",
        verbose_name=_("themes"),
        help_text=_("One to four themes, the most relevant first."),
    )
    activity_categories = models.ManyToManyField(
        ActivityCategory,
        through="CategoryAssignment",
        blank=True,
        related_name="commitments",
        verbose_name=_("online-activity categories"),
    )
    is_featured = models.BooleanField(
        _("featured"),
        default=False,
        help_text=_("Shown among the featured records on the home page."),
    )

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to publish at once; a future time schedules publication."),
    )
    last_reviewed_on = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When an editor last checked the record against its sources."),
    )
    editorial_note = models.TextField(
        _("editorial note"),
        blank=True,
        help_text=_("What must be verified before publication. Never shown publicly."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    objects = CommitmentManager()

    class Meta:
        ordering = ["-year", "-adopted_on", "title_en"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "symbol"],
                condition=~Q(symbol=""),
                name="commitment_unique_symbol_per_organisation",
                violation_error_message=_(
                    "Another commitment of this organisation already has this symbol."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name="commitment_year_range"
            ),
            models.CheckConstraint(
                condition=Q(symbol="") | ~Q(symbol_status=""),
                name="commitment_symbol_has_status",
                violation_error_message=_("Say whether the symbol is verified or derived."),
            ),
        ]
        permissions = [
            (
                "publish_commitment",
                "Can publish, schedule, unpublish, archive and send back commitments",
            )
        ]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="commitment_visibility_idx"),
            models.Index(fields=["-year", "-adopted_on", "title_en"], name="commitment_newest_idx"),
            # A kind (with a theme, years…) in the catalogue's order: the page's rows found among
            # that kind's records, not by walking every record until twenty match (a rare theme,
            # kind and years nobody asked for: up to 15 ms → 3 ms at 100,000 records).
            models.Index(
                fields=["kind", "-year", "-adopted_on", "title_en"],
                name="commitment_kind_newest_idx",
            ),
            # The home page's featured records: a few rows, found without scanning the rest.
            models.Index(
                fields=["-year", "-adopted_on", "title_en"],
                condition=Q(is_featured=True),
                name="commitment_featured_idx",
            ),
            # The catalogue's filters and facet counts (years, kind; grouped by kind, body or
            # organisation) and the API's state (count and last change of the published
            # records, after every write) read the published records from this index alone,
            # not from the table's wide rows (PostgreSQL; other databases do without it).
            models.Index(
                fields=["year", "kind"],
                include=["id", "publish_at", "adopting_body", "organisation", "updated_at"],
                condition=Q(status="published"),
                name="commitment_facets_idx",
            ),
        ]

    def __str__(self):
        return f"{self.symbol} — {self.title}" if self.symbol else self.title

    def save(self, *args, **kwargs):
        self.symbol = normalise_symbol(self.symbol)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalog:commitment_detail", kwargs={"slug": self.slug})

    def get_kind_display(self):
        return choice_label(self.Kind, self.kind)

    def get_status_display(self):
        return choice_label(self.Status, self.status)

    def get_symbol_status_display(self):
        return choice_label(self.SymbolStatus, self.symbol_status)

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = [
        "catalog.organisation",
        "catalog.institution",
        "catalog.theme",
        "catalog.activitycategory",
    ]

    def clean(self):
        self.symbol = normalise_symbol(self.symbol)
        errors = {}
        if self.symbol and not self.symbol_status:
            errors["symbol_status"] = _("Say whether the symbol is verified or derived.")
        if not self.symbol and self.symbol_status:
            errors["symbol_status"] = _("Leave this empty when there is no symbol.")
        if (
            self.adopting_body_id
            and self.organisation_id
            and self.adopting_body.organisation_id != self.organisation_id
        ):
            errors["adopting_body"] = _(
                "“%(body)s” is a body of another organisation than the one chosen."
            ) % {"body": self.adopting_body}
        try:
            check_date_matches_year(self.adopted_on, self.year, "adopted_on", "year")
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and (
            self.publish_at is None or self.publish_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    @property
    def display_number(self):
        if re.fullmatch(r"[0-9]+(/[0-9]+)*", self.number):
            return f"No. {self.number}"
        return self.number

    @property
    def display_title(self):
        return self.short_title or self.title

    @property
    def keyword_list(self):
        return _lines(self.keywords)

    @property
    def external_reference_list(self):
        return _lines(self.external_references)


class CategoryAssignmentManager(models.Manager):
    def get_by_natural_key(self, commitment_slug, category_slug):
        return self.get(commitment__slug=commitment_slug, category__slug=category_slug)


class CategoryAssignment(models.Model):
    """Why a commitment is classified under an online-activity category."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="category_assignments"
    )
    category = models.ForeignKey(
        ActivityCategory,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("category"),
    )
    note = models.TextField(
        _("evidence"),
        blank=True,
        help_text=_("What the source shows, in the catalogue's own words."),
    )
    source_url = models.URLField(
        _("source"), max_length=500, blank=True, help_text=_("The page the evidence rests on.")
    )

    objects = CategoryAssignmentManager()

    class Meta:
        ordering = ["category__position"]
        verbose_name = _("category assignment")
        verbose_name_plural = _("category assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "category"], name="category_assignment_unique"
            )
        ]

    def __str__(self):
        return f"{self.commitment} → {self.category}"

    def natural_key(self):
        return self.commitment.natural_key() + self.category.natural_key()

    natural_key.dependencies = ["catalog.commitment", "catalog.activitycategory"]


class RelationKind(models.TextChoices):
    BUILDS_ON = "builds_on", _("builds on")
    REAFFIRMS = "reaffirms", _("reaffirms")
    ENDORSES = "endorses", _("endorses")
    SUPERSEDES = "supersedes", _("supersedes")
    IMPLEMENTS = "implements", _("implements")
    REFERENCES = "references", _("references")


# How a relation reads from its target's side.
INVERSE_RELATION_LABELS = {
    RelationKind.BUILDS_ON: _("built on by"),
    RelationKind.REAFFIRMS: _("reaffirmed by"),
    RelationKind.ENDORSES: _("endorsed by"),
    RelationKind.SUPERSEDES: _("superseded by"),
    RelationKind.IMPLEMENTS: _("implemented by"),
    RelationKind.REFERENCES: _("referenced by"),
}


class CommitmentRelationManager(models.Manager):
    def get_by_natural_key(self, source_slug, target_slug, kind):
        return self.get(source__slug=source_slug, target__slug=target_slug, kind=kind)

    def public(self):
        """Relations whose both ends are public."""
        published = Commitment.objects.published()
        return self.filter(source__in=published, target__in=published)


class CommitmentRelation(models.Model):
    """A typed link from one commitment (the source) to another (the target)."""

    Kind = RelationKind

    source = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="outgoing_relations",
        verbose_name=_("from"),
    )
    target = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="incoming_relations",
        verbose_name=_("to"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RelationKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = CommitmentRelationManager()

    class Meta:
        ordering = ["kind", "target__year"]
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"],
                name="relation_unique",
                violation_error_message=_("This relation already exists."),
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")),
                name="relation_not_to_itself",
                violation_error_message=_("A commitment cannot be related to itself."),
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.get_kind_display()} {self.target}"

    def get_kind_display(self):
        return choice_label(self.Kind, self.kind)

    def natural_key(self):
        return self.source.natural_key() + self.target.natural_key() + (self.kind,)

    natural_key.dependencies = ["catalog.commitment"]

    @property
    def inverse_label(self):
        return INVERSE_RELATION_LABELS[self.kind]

    def clean(self):
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError({"target": _("A commitment cannot be related to itself.")})


class SourceKind(models.TextChoices):
    """What kind of publisher a source's host is (the dataset's `meta.source_kinds`)."""

    OFFICIAL = "official", _("official")
    GOVERNMENT = "government", _("government")
    SECONDARY = "secondary", _("secondary")
    NEWS = "news", _("news")
    COPY = "copy", _("copy")
    UNUSABLE = "unusable", _("unusable")


# How a source of each kind is labelled on public pages (official sources carry a tag instead).
SOURCE_KIND_LABELS = {
    SourceKind.OFFICIAL: _("official publication"),
    SourceKind.GOVERNMENT: _("copy published by a government"),
    SourceKind.SECONDARY: _("secondary source: analysis or summary"),
    SourceKind.NEWS: _("news report or blog"),
    SourceKind.COPY: _("copy on a document-sharing site"),
    SourceKind.UNUSABLE: _("unusable (never shown)"),
}


class SourceQuerySet(models.QuerySet):
    def public(self):
        """Sources a public page may show: never those on an unusable (test, staging) host."""
        return self.exclude(kind=SourceKind.UNUSABLE)


class SourceManager(models.Manager.from_queryset(SourceQuerySet)):
    def get_by_natural_key(self, commitment_slug, url):
        return self.get(commitment__slug=commitment_slug, url=url)


class Source(models.Model):
    """Where a commitment's text or facts can be checked."""

    Kind = SourceKind

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(_("web address"), max_length=500)
    label = models.CharField(
        _("label"), max_length=200, blank=True, help_text=_("Shown instead of the address.")
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        default="en",
        help_text=_("Language of the source as an ISO 639-1 code, e.g. en, fr, de."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=SourceKind.choices,
        default=SourceKind.SECONDARY,
        help_text=_(
            "Official: the organisation's own publication (osce.org, oscepa.org, "
            "legislationline.org, un.org). Government: a State's ministry or parliament. "
            "Secondary: analysis or summary. News: a news site or blog. Copy: a "
            "document-sharing site (a copy of unknown provenance). Unusable: a test or staging "
            "host, never shown publicly. A host nobody has classified yet counts as secondary."
        ),
    )
    is_official = models.BooleanField(
        _("official"),
        default=False,
        editable=False,
        help_text=_("Follows the kind: true only for official sources."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = SourceManager()

    class Meta:
        ordering = ["-is_official", "position", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "url"], name="source_unique_url"),
            # Nothing but an official source is ever called official.
            models.CheckConstraint(
                condition=Q(is_official=True, kind="official")
                | (Q(is_official=False) & ~Q(kind="official")),
                name="source_official_follows_kind",
            ),
        ]

    def __str__(self):
        return self.label or self.url

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Also on unsaved copies (a pending version, a preview): official follows the kind.
        self.is_official = self.kind == SourceKind.OFFICIAL

    def save(self, *args, **kwargs):
        self.is_official = self.kind == SourceKind.OFFICIAL
        super().save(*args, **kwargs)

    def natural_key(self):
        return self.commitment.natural_key() + (self.url,)

    natural_key.dependencies = ["catalog.commitment"]

    @property
    def display_label(self):
        return self.label or urlsplit(self.url).netloc.removeprefix("www.")

    @property
    def host(self):
        return urlsplit(self.url).netloc.lower().removeprefix("www.")

    def get_kind_display(self):
        return choice_label(SourceKind, self.kind)

    @property
    def kind_label(self):
        return SOURCE_KIND_LABELS.get(self.kind, self.kind)


class StatusChange(models.Model):
    """One step of a commitment's editorial workflow: who moved it, when, and why.

    The link to the commitment has no database constraint and is not cascaded, so the log
    outlives a deletion and reappears when the record is recovered from its history (it
    comes back with the same primary key).
    """

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="status_changes",
        verbose_name=_("commitment"),
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=Commitment.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=Commitment.Status.choices)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        if self.from_status == self.to_status:
            return _("Comment on “%(status)s”") % {"status": self.get_to_status_display()}
        return _("%(from)s → %(to)s") % {
            "from": self.get_from_status_display() or _("new"),
            "to": self.get_to_status_display(),
        }

    def clean_fields(self, exclude=None):
        # The log outlives a deleted record on purpose, so its link is not re-validated.
        super().clean_fields(exclude={*(exclude or ()), "commitment"})


class PendingChange(models.Model):
    """Edits of a published record waiting for review; the live record is untouched.

    `data` holds the whole pending version: the record's content fields, its theme ids and its
    sources, category evidence and outgoing relations (see `catalog.editorial.pending`). Only
    the editorial service layer writes it; no public surface reads it.
    """

    class State(models.TextChoices):
        EDITING = "editing", _("being edited")
        SUBMITTED = "submitted", _("awaiting review")
        SCHEDULED = "scheduled", _("approved, scheduled")
        REJECTED = "rejected", _("rejected")

    commitment = models.OneToOneField(
        Commitment, on_delete=models.CASCADE, related_name="pending_change"
    )
    data = models.JSONField(_("pending version"), default=dict)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.EDITING, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    approve_at = models.DateTimeField(_("goes live at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("pending change")
        verbose_name_plural = _("pending changes")

    def __str__(self):
        return _("Pending changes of “%(record)s”") % {"record": self.commitment}


class SearchDocument(models.Model):
    """What search matches for one commitment; rebuilt by `catalog.search.refresh()`.

    A table of its own keeps the schema identical on PostgreSQL and SQLite: `vector` is filled
    only on PostgreSQL (GIN-indexed); SQLite keeps its words in an FTS5 table instead. Both
    use the symbol and number keys, which make every spelling of a symbol match.
    """

    commitment = models.OneToOneField(
        Commitment, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    symbol_key = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="Symbol letters and digits only."
    )
    number_key = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="The number, e.g. 7/06 or 1039."
    )
    words = models.TextField(
        blank=True,
        help_text="Title, keywords, names of themes, categories and body, in every language.",
    )
    # One vector per language of the site: `vector` is English; `vector_<language>` holds the
    # record's words in that language and its English words (a query is matched in the page's
    # language and in English), each under the language's text-search configuration.
    vector = SearchVectorField(null=True, blank=True)
    vector_fr = SearchVectorField(null=True, blank=True)
    vector_de = SearchVectorField(null=True, blank=True)
    vector_it = SearchVectorField(null=True, blank=True)
    vector_ru = SearchVectorField(null=True, blank=True)
    vector_es = SearchVectorField(null=True, blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return str(self.commitment_id)


class SearchWord(models.Model):
    """A distinct word of the search documents (`SearchDocument.words`, every language), which
    a word search matches nothing for is compared with (typo tolerance): a small table with its
    own trigram index on PostgreSQL, so a typo reads words, not documents.

    `catalog.search.refresh()` adds the words of the documents it rebuilds; words no document
    uses any more are deleted by the daily `catalog.tasks.prune_search_words`.
    """

    word = models.CharField(max_length=40, unique=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self):
        return self.word


class ThesaurusTerm(TimeStampedModel):
    """A term publishers add to the search thesaurus in the admin, beside the shipped ones of
    `catalog/data/thesaurus.toml` (`catalog.thesaurus` merges both). A term whose meaning is a
    shipped term's adds its forms to that term."""

    meaning = models.CharField(
        _("meaning"),
        max_length=200,
        unique=True,
        help_text=_("The spelled-out form, as a reader should see it."),
    )
    abbreviations = models.TextField(
        _("abbreviations"),
        blank=True,
        help_text=_("Short forms and their plurals, one per line (e.g. CBM and CBMs)."),
    )
    variants = models.TextField(
        _("variants"),
        blank=True,
        help_text=_(
            "Other spellings and synonyms, one per line. Keep them specific: a variant as "
            "broad as “security” would make every query about security match this term."
        ),
    )

    class Meta:
        ordering = ["meaning"]
        verbose_name = _("thesaurus term")
        verbose_name_plural = _("thesaurus terms")

    def __str__(self):
        return self.meaning

    @staticmethod
    def lines(text):
        """The forms of a one-per-line field: stripped, blank lines dropped, duplicates once."""
        return tuple(
            dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip())
        )

    def clean(self):
        from . import thesaurus

        self.meaning = (self.meaning or "").strip()
        self.abbreviations = "\n".join(self.lines(self.abbreviations))
        self.variants = "\n".join(self.lines(self.variants))
        errors = {}
        if not self.abbreviations and not self.variants:
            errors["abbreviations"] = _("Give at least one abbreviation or variant.")
        too_long = [form for form in self.forms() if len(form) > 200]
        if too_long:
            errors["variants"] = _("“%(form)s…” is longer than 200 characters.") % {
                "form": too_long[0][:40]
            }
        others = [term.as_term() for term in ThesaurusTerm.objects.exclude(pk=self.pk)]
        owner = {}
        for term in (*thesaurus.shipped_terms(), *others):
            for form in term.forms:
                owner.setdefault(thesaurus.form_key(form), term.meaning)
        mine = thesaurus.form_key(self.meaning)
        if any(thesaurus.form_key(term.meaning) == mine for term in others):
            errors["meaning"] = _("A term with this meaning has already been added.")
        elif owner.get(mine) is not None and thesaurus.form_key(owner[mine]) != mine:
            errors["meaning"] = _("“%(form)s” already belongs to the term “%(meaning)s”.") % {
                "form": self.meaning,
                "meaning": owner[mine],
            }
        for field in ("abbreviations", "variants"):
            for form in self.lines(getattr(self, field)):
                meaning = owner.get(thesaurus.form_key(form))
                if meaning is not None and thesaurus.form_key(meaning) != mine:
                    errors.setdefault(field, []).append(
                        _("“%(form)s” already belongs to the term “%(meaning)s”.")
                        % {"form": form, "meaning": meaning}
                    )
        if errors:
            raise ValidationError(errors)

    def forms(self):
        return (self.meaning, *self.lines(self.abbreviations), *self.lines(self.variants))

    def as_term(self):
        from .thesaurus import Term

        return Term(self.meaning, self.lines(self.abbreviations), self.lines(self.variants))


# History (django-reversion). A commitment's revision holds the record with its sources,
# category evidence and relations in both directions, so reverting or recovering it brings
# them back too. Themes are a many-to-many field: their ids are stored in the commitment's
# own data and restored with it; the Theme rows themselves are not followed, because a
# revert would then overwrite later edits of a theme or delete themes added since.
reversion.register(Source)
reversion.register(CategoryAssignment)
reversion.register(CommitmentRelation)
reversion.register(
    Commitment,
    follow=["sources", "category_assignments", "outgoing_relations", "incoming_relations"],
)
reversion.register(Organisation)
reversion.register(Institution)
reversion.register(Theme)
reversion.register(ActivityCategory)
reversion.register(ThesaurusTerm)
# Pending changes get a version only when they are discarded (services.discard_changes): the
# discarded text stays in that revision, beside the record.
reversion.register(PendingChange)
