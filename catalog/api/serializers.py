"""Read-only representations of the published catalogue.

Every record is identified by its slug (`id`), which never changes once published, and carries
its API address (`url`) and its public page (`web_url`). Nested records are compact and come
from prefetched data: the serializers never query.
"""

import copy
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse as reverse_with_format

from ..models import (
    ActivityCategory,
    CategoryAssignment,
    Commitment,
    CommitmentRelation,
    Institution,
    Organisation,
    Source,
    Theme,
)
from ..translation import LANGUAGE_CODES, language_field, translated_fields


class DescribedModelSerializer(serializers.ModelSerializer):
    """Every model field is documented: its help text, or else its name in words."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if not kwargs.get("help_text"):
            kwargs["help_text"] = capfirst(model_field.verbose_name)
        return field_class, kwargs


TRANSLATIONS_PARAMETER = "translations"


def wants_translations(request):
    """Whether the request asks for every language at once (`?translations=all`)."""
    return request is not None and request.query_params.get(TRANSLATIONS_PARAMETER) == "all"


def translations_of(record):
    """{language: {field: text or null}} of a record's translated fields, every language (a
    missing translation is null here: no English in its place)."""
    names = translated_fields(type(record))
    return {
        code: {name: getattr(record, language_field(name, code)) or None for name in names}
        for code in LANGUAGE_CODES
    }


@extend_schema_field(
    {
        "type": "object",
        "description": _(
            "Only with `translations=all`: the record's translated fields in every "
            "language (en, fr, de, it, ru, es), null where there is no translation."
        ),
        "additionalProperties": {
            "type": "object",
            "additionalProperties": {"type": "string", "nullable": True},
        },
    }
)
class TranslationsField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, required=False, **kwargs)

    def to_representation(self, value):
        return translations_of(value)


class TranslatedModelSerializer(DescribedModelSerializer):
    """A record whose translated fields come in the request's language (`?lang=`,
    Accept-Language; English where a translation is missing), and in every language under
    `translations` when the request says `translations=all`."""

    translations_parameter = True

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        schema = getattr(self.context.get("view"), "swagger_fake_view", False)
        if request is None or schema or wants_translations(request):
            fields["translations"] = TranslationsField()
        return fields


def _id_field():
    return serializers.SlugField(
        source="slug",
        read_only=True,
        help_text=_("Stable identifier: the record's slug, as used in its addresses."),
    )


# Stands for the slug in an address built once per request and field; slugs are letters,
# digits, hyphens and underscores, so a plain replacement gives the same address as reverse().
SLUG_PLACEHOLDER = "zzslugzz"


def _per_request(context, key, build):
    """A value built once per serialisation (the context is shared by nested serializers)."""
    memo = context.setdefault("_url_templates", {})
    if key not in memo:
        memo[key] = build()
    return memo[key]


class SlugIdentityField(serializers.HyperlinkedIdentityField):
    """The record's API address, reversed once per request and view, not once per record."""

    def get_url(self, obj, view_name, request, format):
        if obj.pk in (None, ""):
            return None
        template = api_url_template(self.context, view_name, request, format)
        return template.replace(SLUG_PLACEHOLDER, getattr(obj, self.lookup_field))

    def to_representation(self, value):
        # A plain string, not DRF's Hyperlink: that keeps the whole record (with everything
        # prefetched on it) and was pickled with every kept representation — 37 KB a record,
        # most of an uncached API list's time spent unpickling them.
        url = super().to_representation(value)
        return None if url is None else str(url)


def api_url_template(context, view_name, request, format):
    """The API address of a record of `view_name`, with SLUG_PLACEHOLDER for its slug."""
    return _per_request(
        context,
        ("api", view_name, format),
        lambda: reverse_with_format(
            view_name, kwargs={"slug": SLUG_PLACEHOLDER}, request=request, format=format
        ),
    )


def web_url_template(context, record):
    """The absolute address of the public page of a record of `record`'s type, with
    SLUG_PLACEHOLDER for its slug."""

    def build():
        placeholder = copy.copy(record)
        placeholder.slug = SLUG_PLACEHOLDER
        return context["request"].build_absolute_uri(placeholder.get_absolute_url())

    return _per_request(context, ("web", type(record)), build)


def _api_url_field(view_name):
    return SlugIdentityField(
        view_name=f"api:{view_name}-detail",
        lookup_field="slug",
        help_text=_("This record in the API."),
    )


@extend_schema_field(OpenApiTypes.URI)
class WebURLField(serializers.Field):
    """The absolute address of the record's public page."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("The record's page on the public site."))
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return web_url_template(self.context, value).replace(SLUG_PLACEHOLDER, value.slug)


@extend_schema_field(OpenApiTypes.URI)
class CommitmentsURLField(serializers.Field):
    """The commitments list filtered on this record."""

    def __init__(self, parameter, **kwargs):
        self.parameter = parameter
        kwargs.setdefault(
            "help_text", _("The API list of the published commitments linked to this record.")
        )
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        path = reverse("api:commitment-list") + "?" + urlencode({self.parameter: value.slug})
        return self.context["request"].build_absolute_uri(path)


def _published_count_field():
    return serializers.IntegerField(
        read_only=True,
        help_text=_("How many published commitments are linked to this record."),
    )


def _lines_field(source, help_text):
    return serializers.ListField(
        source=source, child=serializers.CharField(), read_only=True, help_text=help_text
    )


# --------------------------------------------------------------------------------------
# Compact forms, embedded in other records
# --------------------------------------------------------------------------------------


class OrganisationCompactSerializer(DescribedModelSerializer):
    id = _id_field()
    url = _api_url_field("organisation")
    web_url = WebURLField()

    class Meta:
        model = Organisation
        fields = ["id", "url", "web_url", "name", "acronym"]


class InstitutionCompactSerializer(DescribedModelSerializer):
    id = _id_field()
    url = _api_url_field("institution")
    web_url = WebURLField()

    class Meta:
        model = Institution
        fields = ["id", "url", "web_url", "name", "acronym", "kind"]


class ThemeCompactSerializer(DescribedModelSerializer):
    id = _id_field()
    url = _api_url_field("theme")
    web_url = WebURLField()

    class Meta:
        model = Theme
        fields = ["id", "url", "web_url", "name"]


class ActivityCategoryCompactSerializer(DescribedModelSerializer):
    id = _id_field()
    url = _api_url_field("category")
    web_url = WebURLField()

    class Meta:
        model = ActivityCategory
        fields = ["id", "url", "web_url", "name"]


class CommitmentCompactSerializer(DescribedModelSerializer):
    id = _id_field()
    url = _api_url_field("commitment")
    web_url = WebURLField()

    class Meta:
        model = Commitment
        fields = ["id", "url", "web_url", "symbol", "title", "kind", "year"]


# --------------------------------------------------------------------------------------
# Commitments
# --------------------------------------------------------------------------------------


class CategoryAssignmentSerializer(DescribedModelSerializer):
    category = ActivityCategoryCompactSerializer(
        read_only=True, help_text=_("The online-activity category.")
    )
    evidence = serializers.CharField(
        source="note", read_only=True, help_text=_("What the source shows, in our own words.")
    )
    evidence_url = serializers.URLField(
        source="source_url",
        read_only=True,
        help_text=_("The page the evidence rests on (empty when not recorded)."),
    )

    class Meta:
        model = CategoryAssignment
        fields = ["category", "evidence", "evidence_url"]


class SourceSerializer(DescribedModelSerializer):
    label = serializers.CharField(
        source="display_label",
        read_only=True,
        help_text=_("The source's label, or its web site's name when it has none."),
    )

    class Meta:
        model = Source
        fields = ["url", "label", "language", "kind", "is_official"]


class OutgoingRelationSerializer(DescribedModelSerializer):
    label = serializers.CharField(
        source="get_kind_display",
        read_only=True,
        help_text=_("How the relation reads from this commitment, e.g. “builds on”."),
    )
    commitment = CommitmentCompactSerializer(
        source="target", read_only=True, help_text=_("The commitment this one points to.")
    )

    class Meta:
        model = CommitmentRelation
        fields = ["kind", "label", "note", "commitment"]


class IncomingRelationSerializer(DescribedModelSerializer):
    label = serializers.CharField(
        source="inverse_label",
        read_only=True,
        help_text=_("How the relation reads from this commitment, e.g. “built on by”."),
    )
    commitment = CommitmentCompactSerializer(
        source="source", read_only=True, help_text=_("The commitment that points to this one.")
    )

    class Meta:
        model = CommitmentRelation
        fields = ["kind", "label", "note", "commitment"]


class CommitmentSerializer(TranslatedModelSerializer):
    id = _id_field()
    url = _api_url_field("commitment")
    web_url = WebURLField()
    kind_label = serializers.CharField(
        source="get_kind_display", read_only=True, help_text=_("The kind in words.")
    )
    display_number = serializers.CharField(
        read_only=True, help_text=_("The number as cited, e.g. “No. 7/06”.")
    )
    organisation = OrganisationCompactSerializer(
        read_only=True, help_text=_("The organisation whose document it is.")
    )
    body = InstitutionCompactSerializer(
        source="adopting_body",
        read_only=True,
        allow_null=True,
        help_text=_("The body that adopted it; null when it was adopted elsewhere."),
    )
    themes = ThemeCompactSerializer(
        many=True, read_only=True, help_text=_("Its themes, the most relevant first.")
    )
    categories = CategoryAssignmentSerializer(
        source="category_assignments",
        many=True,
        read_only=True,
        help_text=_("Online-activity categories it addresses, with the evidence."),
    )
    keywords = _lines_field("keyword_list", _("Fine-grained search terms."))
    external_references = _lines_field(
        "external_reference_list", _("Documents cited that are not records of the catalogue.")
    )
    sources = SourceSerializer(
        many=True,
        read_only=True,
        help_text=_("Where its text or facts can be checked, official sources first."),
    )
    relations_outgoing = OutgoingRelationSerializer(
        source="public_outgoing",
        many=True,
        read_only=True,
        help_text=_("Published commitments this one builds on, reaffirms, endorses…"),
    )
    relations_incoming = IncomingRelationSerializer(
        source="public_incoming",
        many=True,
        read_only=True,
        help_text=_("Published commitments that build on, reaffirm, endorse… this one."),
    )

    class Meta:
        model = Commitment
        fields = [
            "id",
            "url",
            "web_url",
            "symbol",
            "symbol_status",
            "number",
            "display_number",
            "title",
            "short_title",
            "kind",
            "kind_label",
            "organisation",
            "body",
            "year",
            "adopted_on",
            "meeting",
            "place",
            "summary",
            "key_quotation",
            "keywords",
            "external_references",
            "themes",
            "categories",
            "sources",
            "relations_outgoing",
            "relations_incoming",
            "is_featured",
            "last_reviewed_on",
            "updated_at",
        ]


# --------------------------------------------------------------------------------------
# Organisations, bodies and vocabularies
# --------------------------------------------------------------------------------------


class OrganisationSerializer(TranslatedModelSerializer):
    id = _id_field()
    url = _api_url_field("organisation")
    web_url = WebURLField()
    facts = _lines_field("fact_list", _("Key facts, one sourced statement each."))
    sources = _lines_field("source_list", _("Web addresses the facts rest on."))
    partners = OrganisationCompactSerializer(
        many=True, read_only=True, help_text=_("Organisations it co-operates with.")
    )
    published_commitment_count = _published_count_field()
    commitments_url = CommitmentsURLField("organisation")

    class Meta:
        model = Organisation
        fields = [
            "id",
            "url",
            "web_url",
            "name",
            "acronym",
            "is_primary",
            "founded_year",
            "founded_on",
            "headquarters",
            "website",
            "overview",
            "facts",
            "sources",
            "partners",
            "published_commitment_count",
            "commitments_url",
        ]


class InstitutionSerializer(TranslatedModelSerializer):
    id = _id_field()
    url = _api_url_field("institution")
    web_url = WebURLField()
    kind_label = serializers.CharField(
        source="get_kind_display", read_only=True, help_text=_("The kind in words.")
    )
    organisation = OrganisationCompactSerializer(
        read_only=True, help_text=_("The organisation it belongs to.")
    )
    parent = InstitutionCompactSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("The body it is part of; null for a top-level body."),
    )
    children = InstitutionCompactSerializer(
        many=True, read_only=True, help_text=_("The bodies directly below it.")
    )
    published_commitment_count = _published_count_field()
    commitments_url = CommitmentsURLField("body")

    class Meta:
        model = Institution
        fields = [
            "id",
            "url",
            "web_url",
            "name",
            "acronym",
            "kind",
            "kind_label",
            "organisation",
            "parent",
            "children",
            "seat",
            "established_year",
            "meets",
            "head_title",
            "description",
            "website",
            "published_commitment_count",
            "commitments_url",
        ]


class ThemeSerializer(TranslatedModelSerializer):
    id = _id_field()
    url = _api_url_field("theme")
    web_url = WebURLField()
    published_commitment_count = _published_count_field()
    commitments_url = CommitmentsURLField("theme")

    class Meta:
        model = Theme
        fields = [
            "id",
            "url",
            "web_url",
            "name",
            "description",
            "published_commitment_count",
            "commitments_url",
        ]


class ActivityCategorySerializer(TranslatedModelSerializer):
    id = _id_field()
    url = _api_url_field("category")
    web_url = WebURLField()
    published_commitment_count = _published_count_field()
    commitments_url = CommitmentsURLField("category")

    class Meta:
        model = ActivityCategory
        fields = [
            "id",
            "url",
            "web_url",
            "name",
            "scope_note",
            "published_commitment_count",
            "commitments_url",
        ]


class ErrorSerializer(serializers.Serializer):
    """The body of a 400 answer (documentation only)."""

    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("For each invalid parameter, what is wrong with its value."),
    )
    allowed = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text=_("For each invalid parameter, the values it accepts."),
    )


class DetailSerializer(serializers.Serializer):
    """The body of a 404, 405, 406 or 429 answer (documentation only)."""

    detail = serializers.CharField(help_text=_("What went wrong."))
