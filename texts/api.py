"""The texts in the public API: `/api/v1/texts/`, `/api/v1/paragraphs/`, `/api/v1/provisions/`.

Read-only, on public data only (`Text.objects.public()`, `Provision.objects.public()`), with
the catalogue API's throttle, conditional GET, pagination and strict filters.
"""

import hashlib

import django_filters
from django.core.validators import RegexValidator
from django.db.models import Count, Max, Prefetch
from django.urls import reverse
from django.utils.http import quote_etag
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from catalog import caching
from catalog.api import schema as docs
from catalog.api.conditional import ConditionalGetMixin
from catalog.api.filtering import KnownParametersMixin, StrictFilterBackend
from catalog.api.pagination import CataloguePagination
from catalog.api.permissions import ReadOnly
from catalog.api.throttling import AnonymousClientThrottle

from .models import Language, Paragraph, Provision, Text


class CommitmentLink(serializers.Serializer):
    id = serializers.CharField(source="slug", help_text=_("The commitment's slug."))
    symbol = serializers.CharField(help_text=_("Its official symbol (may be empty)."))
    url = serializers.SerializerMethodField(help_text=_("The commitment in the API."))

    def get_url(self, commitment) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:commitment-detail", args=[commitment.slug])
        )


class ParagraphSerializer(serializers.ModelSerializer):
    text = serializers.IntegerField(source="text_id", help_text=_("The text's id."))
    language = serializers.CharField(
        source="text.language", help_text=_("The text's language (en, fr, de, it, ru, es).")
    )
    commitment = serializers.CharField(
        source="text.commitment.slug", help_text=_("The commitment's slug.")
    )
    label = serializers.CharField(help_text=_("“operative paragraph 5”"))
    citation = serializers.SerializerMethodField(help_text=_("“MC.DEC/7/06, para. 3”"))
    web_url = serializers.SerializerMethodField(help_text=_("The paragraph in the reading view."))

    class Meta:
        model = Paragraph
        fields = [
            "id",
            "text",
            "commitment",
            "language",
            "position",
            "kind",
            "number",
            "anchor",
            "label",
            "citation",
            "page",
            "content",
            "web_url",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The paragraph's id.")},
            "position": {"help_text": _("Its place in the text, from 1.")},
            "kind": {"help_text": _("heading, preamble, operative, annex or other.")},
            "page": {"help_text": _("The page of the file where it starts.")},
            "content": {"help_text": _("Its text, as extracted from the official file.")},
        }

    def get_citation(self, paragraph) -> str:
        record = paragraph.text.commitment
        return f"{record.symbol or record.title}, {paragraph.citation_label}"

    def get_web_url(self, paragraph) -> str:
        return self.context["request"].build_absolute_uri(paragraph.get_absolute_url())


class TextSerializer(serializers.ModelSerializer):
    commitment = CommitmentLink(help_text=_("The commitment whose text this is."))
    official_url = serializers.URLField(source="url", help_text=_("Where the file was read."))
    web_url = serializers.SerializerMethodField(help_text=_("The reading view."))
    file_url = serializers.SerializerMethodField(help_text=_("The original file (download)."))
    paragraph_count = serializers.SerializerMethodField(help_text=_("How many paragraphs."))

    class Meta:
        model = Text
        fields = [
            "id",
            "commitment",
            "language",
            "version",
            "is_original",
            "official_url",
            "media_type",
            "sha256",
            "size",
            "page_count",
            "paragraph_count",
            "retrieved_at",
            "extracted_at",
            "extractor",
            "web_url",
            "file_url",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The text's id.")},
            "language": {"help_text": _("en, fr, de, it, ru or es.")},
            "media_type": {"help_text": _("application/pdf or text/html.")},
            "sha256": {"help_text": _("SHA-256 of the file.")},
            "size": {"help_text": _("Size of the file in bytes.")},
            "page_count": {"help_text": _("Pages of the file.")},
            "retrieved_at": {"help_text": _("When the file was uploaded or fetched.")},
            "extracted_at": {"help_text": _("When its text was extracted.")},
        }

    def get_web_url(self, text) -> str:
        return self.context["request"].build_absolute_uri(text.get_absolute_url())

    def get_file_url(self, text) -> str:
        return self.context["request"].build_absolute_uri(text.get_file_url())

    def get_paragraph_count(self, text) -> int:
        return len(text.paragraphs.all())


class TextDetailSerializer(TextSerializer):
    paragraphs = ParagraphSerializer(
        many=True, read_only=True, help_text=_("Its paragraphs, in order.")
    )

    class Meta(TextSerializer.Meta):
        fields = [*TextSerializer.Meta.fields, "paragraphs"]


class ProvisionSerializer(serializers.ModelSerializer):
    commitment = CommitmentLink(help_text=_("The commitment the provision belongs to."))
    citation = serializers.SerializerMethodField(help_text=_("“PC.DEC/1106, measure 8”"))
    web_url = serializers.SerializerMethodField(help_text=_("The provision on the record page."))

    class Meta:
        model = Provision
        fields = [
            "id",
            "commitment",
            "number",
            "number_status",
            "number_note",
            "label",
            "summary",
            "source_url",
            "number_source_url",
            "anchor",
            "citation",
            "web_url",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The provision's id.")},
            "number": {"help_text": _("Its number in the document's list.")},
            "number_status": {
                "help_text": _("stated (in a source) or inferred (from list order).")
            },
        }

    def get_citation(self, provision) -> str:
        record = provision.commitment
        return f"{record.symbol or record.title}, measure {provision.number}"

    def get_web_url(self, provision) -> str:
        return self.context["request"].build_absolute_uri(provision.get_absolute_url())


class TextFilterSet(django_filters.FilterSet):
    commitment = django_filters.CharFilter(
        field_name="commitment__slug", help_text=_("A commitment's slug.")
    )
    language = django_filters.MultipleChoiceFilter(choices=Language.choices)
    is_original = django_filters.BooleanFilter()

    class Meta:
        model = Text
        fields = ["commitment", "language", "is_original"]


class ParagraphFilterSet(django_filters.FilterSet):
    commitment = django_filters.CharFilter(
        field_name="text__commitment__slug", help_text=_("A commitment's slug.")
    )
    language = django_filters.MultipleChoiceFilter(
        field_name="text__language", choices=Language.choices
    )
    text = django_filters.CharFilter(
        field_name="text_id",
        max_length=12,
        validators=[RegexValidator(r"^[0-9]{1,12}$", _("A text's id is a whole number."))],
        help_text=_("A text's id."),
    )
    kind = django_filters.MultipleChoiceFilter(choices=Paragraph.Kind.choices)
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=300,
        help_text=_("Words the paragraph contains, stemmed in the text's own language."),
    )

    class Meta:
        model = Paragraph
        fields = ["commitment", "language", "text", "kind", "search"]

    def filter_search(self, queryset, name, value):
        from .search import paragraphs_matching

        return paragraphs_matching(queryset, value)


class ProvisionFilterSet(django_filters.FilterSet):
    commitment = django_filters.CharFilter(
        field_name="commitment__slug", help_text=_("A commitment's slug.")
    )
    number_status = django_filters.MultipleChoiceFilter(choices=Provision.NumberStatus.choices)

    class Meta:
        model = Provision
        fields = ["commitment", "number_status"]


ID_PATH_PARAMETER = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1},
    OpenApiParameter.PATH,
    description=_("The item's id."),
)


class TextsViewSet(KnownParametersMixin, ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """What the catalogue's API viewsets do (throttle, conditional GET, pagination, strict
    filters), for items identified by their numeric id; JSON only."""

    lookup_field = "pk"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9]{1,12}"
    authentication_classes = [SessionAuthentication]
    permission_classes = [ReadOnly]
    throttle_classes = [AnonymousClientThrottle]
    pagination_class = CataloguePagination
    filter_backends = [StrictFilterBackend]
    schema = docs.CatalogueAutoSchema()

    def get_renderers(self):
        return [JSONRenderer(), BrowsableAPIRenderer()]

    def _not_modified(self, request):
        """The catalogue's validators, with the state of the texts and provisions mixed in
        (a text approved or a provision corrected changes no commitment)."""
        super()._not_modified(request)
        state = caching.cached("api-texts-state", (), texts_state)
        self._etag = quote_etag(hashlib.sha256(f"{self._etag}|{state}".encode()).hexdigest()[:32])
        return self._conditional_response(request)


def texts_state():
    texts = Text.objects.public().aggregate(changed=Max("updated_at"), count=Count("pk"))
    provisions = Provision.objects.public().aggregate(changed=Max("updated_at"), count=Count("pk"))
    return ":".join(
        str(value)
        for value in (texts["changed"], texts["count"], provisions["changed"], provisions["count"])
    )


def public_texts():
    return Text.objects.public().select_related("commitment")


@extend_schema_view(
    list=extend_schema(
        summary=_("List official texts"),
        description=_(
            "The official texts of published commitments held by the portal, one per "
            "language and version, with where each was read, its checksum and its pages."
        ),
        responses=docs.list_responses(TextSerializer),
    ),
    retrieve=extend_schema(
        summary=_("One official text, with its paragraphs"),
        parameters=[ID_PATH_PARAMETER],
        responses=docs.detail_responses(TextDetailSerializer),
    ),
)
class TextViewSet(TextsViewSet):
    filterset_class = TextFilterSet

    def get_serializer_class(self):
        return TextDetailSerializer if self.action == "retrieve" else TextSerializer

    def get_queryset(self):
        paragraphs = Paragraph.objects.order_by("position")
        if self.action == "retrieve":
            paragraphs = paragraphs.select_related("text__commitment")
        return (
            public_texts()
            .prefetch_related(Prefetch("paragraphs", paragraphs))
            .order_by("commitment__slug", "language", "version_position")
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("List paragraphs of official texts"),
        description=_(
            "Paragraphs of the public official texts, with the document's own numbering, "
            "their anchor in the reading view and a short citation."
        ),
        parameters=[
            OpenApiParameter(
                "text",
                {"type": "string", "pattern": "^([0-9]{1,12})?$"},
                description=_("A text's id."),
            )
        ],
        responses=docs.list_responses(ParagraphSerializer),
    ),
    retrieve=extend_schema(
        summary=_("One paragraph"),
        parameters=[ID_PATH_PARAMETER],
        responses=docs.detail_responses(ParagraphSerializer),
    ),
)
class ParagraphViewSet(TextsViewSet):
    serializer_class = ParagraphSerializer
    filterset_class = ParagraphFilterSet

    def get_queryset(self):
        return (
            Paragraph.objects.filter(text__in=Text.objects.public())
            .select_related("text__commitment")
            .order_by("text__commitment__slug", "text__language", "text_id", "position")
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("List provisions"),
        description=_(
            "Numbered provisions of published commitments (for example the 16 ICT "
            "confidence-building measures), summarised in the catalogue's own words; "
            "`number_status` says whether a number is stated in a source or inferred."
        ),
        responses=docs.list_responses(ProvisionSerializer),
    ),
    retrieve=extend_schema(
        summary=_("One provision"),
        parameters=[ID_PATH_PARAMETER],
        responses=docs.detail_responses(ProvisionSerializer),
    ),
)
class ProvisionViewSet(TextsViewSet):
    serializer_class = ProvisionSerializer
    filterset_class = ProvisionFilterSet

    def get_queryset(self):
        return (
            Provision.objects.public()
            .select_related("commitment")
            .order_by("commitment__slug", "number")
        )
