"""Commitments as the API shows them, built directly from the prefetched records.

`CommitmentSerializer` (serializers.py) declares the representation: it is the schema's
source and the reference. Running its field machinery for a page of 20 fully nested records
(themes, categories, sources, relations in both directions) costs tens of milliseconds, so the
list and the detail build the same dicts here: the same keys in the same order, the same values,
addresses, labels and dates, byte for byte (tests/api/test_representations.py compares both for
every seed record, in every format the API offers). A field added to the serializer must be
added here too; that test fails until it is.

Like the serializers, this never queries: it reads what the view's queryset prefetched.
"""

from django.utils import translation
from rest_framework import serializers as drf
from rest_framework.settings import api_settings

from ..models import INVERSE_RELATION_LABELS, Commitment, RelationKind
from .serializers import (
    SLUG_PLACEHOLDER,
    api_url_template,
    translations_of,
    wants_translations,
    web_url_template,
)

# Each label in words, by value (what `get_kind_display()` gives, without Django hashing every
# lazy choice label on each call); translated once per representation.
COMMITMENT_KIND_LABELS = dict(Commitment.Kind.choices)
RELATION_KIND_LABELS = dict(RelationKind.choices)

# DRF's own fields for dates, so the format and the time zone are exactly the serializer's.
DATE = drf.DateField()
DATETIME = drf.DateTimeField()


def _date(value):
    return None if value is None else DATE.to_representation(value)


def _datetime(value):
    return None if value is None else DATETIME.to_representation(value)


class CommitmentRepresentation:
    """Builds what `CommitmentSerializer(..., context=context).data` gives, faster.

    `context` is the serializer context of the view (`get_serializer_context()`): the request
    (absolute addresses) and the format (addresses keep `?format=`).
    """

    def __init__(self, context):
        self.context = context
        self.request = context["request"]
        self.format = context.get("format")
        self._labels = {}

    def many(self, commitments):
        return [self.one(commitment) for commitment in commitments]

    def cache_parts(self):
        """What a record's representation depends on besides the catalogue: the host and
        scheme of its absolute addresses, the format they keep (`?format=` or a suffix) and
        the language of its labels."""
        return (
            self.request.build_absolute_uri("/"),
            self.format,
            self.request.query_params.get(api_settings.URL_FORMAT_OVERRIDE),
            translation.get_language(),
            wants_translations(self.request),
        )

    # Addresses and labels, each built once per representation -------------------------------

    def _api_url(self, view_name, slug):
        template = api_url_template(self.context, view_name, self.request, self.format)
        return template.replace(SLUG_PLACEHOLDER, slug)

    def _web_url(self, record):
        return web_url_template(self.context, record).replace(SLUG_PLACEHOLDER, record.slug)

    def _label(self, labels, value):
        key = (id(labels), value)
        if key not in self._labels:
            # An unknown value reads as itself, as with get_FOO_display().
            self._labels[key] = str(labels.get(value, value))
        return self._labels[key]

    # Compact forms (the *CompactSerializer classes) ------------------------------------------

    def _organisation(self, organisation):
        return {
            "id": organisation.slug,
            "url": self._api_url("api:organisation-detail", organisation.slug),
            "web_url": self._web_url(organisation),
            "name": organisation.name,
            "acronym": organisation.acronym,
        }

    def _institution(self, institution):
        return {
            "id": institution.slug,
            "url": self._api_url("api:institution-detail", institution.slug),
            "web_url": self._web_url(institution),
            "name": institution.name,
            "acronym": institution.acronym,
            "kind": institution.kind,
        }

    def _theme(self, theme):
        return {
            "id": theme.slug,
            "url": self._api_url("api:theme-detail", theme.slug),
            "web_url": self._web_url(theme),
            "name": theme.name,
        }

    def _category(self, category):
        return {
            "id": category.slug,
            "url": self._api_url("api:category-detail", category.slug),
            "web_url": self._web_url(category),
            "name": category.name,
        }

    def _compact(self, commitment):
        return {
            "id": commitment.slug,
            "url": self._api_url("api:commitment-detail", commitment.slug),
            "web_url": self._web_url(commitment),
            "symbol": commitment.symbol,
            "title": commitment.title,
            "kind": commitment.kind,
            "year": commitment.year,
        }

    # The full record (CommitmentSerializer) ----------------------------------------------

    def one(self, commitment):
        body = commitment.adopting_body
        return {
            "id": commitment.slug,
            "url": self._api_url("api:commitment-detail", commitment.slug),
            "web_url": self._web_url(commitment),
            "symbol": commitment.symbol,
            "symbol_status": commitment.symbol_status,
            "number": commitment.number,
            "display_number": commitment.display_number,
            "title": commitment.title,
            "short_title": commitment.short_title,
            "kind": commitment.kind,
            "kind_label": self._label(COMMITMENT_KIND_LABELS, commitment.kind),
            "organisation": self._organisation(commitment.organisation),
            "body": None if body is None else self._institution(body),
            "year": commitment.year,
            "adopted_on": _date(commitment.adopted_on),
            "meeting": commitment.meeting,
            "place": commitment.place,
            "summary": commitment.summary,
            "key_quotation": commitment.key_quotation,
            "keywords": commitment.keyword_list,
            "external_references": commitment.external_reference_list,
            "themes": [self._theme(theme) for theme in commitment.themes.all()],
            "categories": [
                {
                    "category": self._category(assignment.category),
                    "evidence": assignment.note,
                    "evidence_url": assignment.source_url,
                }
                for assignment in commitment.category_assignments.all()
            ],
            "sources": [
                {
                    "url": source.url,
                    "label": source.display_label,
                    "language": source.language,
                    "kind": source.kind,
                    "is_official": source.is_official,
                }
                for source in commitment.sources.all()
            ],
            "relations_outgoing": [
                {
                    "kind": relation.kind,
                    "label": self._label(RELATION_KIND_LABELS, relation.kind),
                    "note": relation.note,
                    "commitment": self._compact(relation.target),
                }
                for relation in commitment.public_outgoing
            ],
            "relations_incoming": [
                {
                    "kind": relation.kind,
                    "label": self._label(INVERSE_RELATION_LABELS, relation.kind),
                    "note": relation.note,
                    "commitment": self._compact(relation.source),
                }
                for relation in commitment.public_incoming
            ],
            "is_featured": commitment.is_featured,
            "last_reviewed_on": _date(commitment.last_reviewed_on),
            "updated_at": _datetime(commitment.updated_at),
            **(
                {"translations": translations_of(commitment)}
                if wants_translations(self.request)
                else {}
            ),
        }
