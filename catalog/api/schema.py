"""OpenAPI documentation helpers: documented answers, examples and the filters' schema."""

import copy

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.drainage import set_override
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from ..exports import COMMITMENT_COLUMNS, VOCABULARY
from ..filters import CommitmentFilterSet
from .filtering import KnownParametersMixin, takes_translations
from .serializers import DetailSerializer, ErrorSerializer

BAD_PARAMETER = OpenApiResponse(
    ErrorSerializer,
    description=_(
        "A parameter has an invalid value, or is not one this address accepts; the body names "
        "it and what is allowed."
    ),
    examples=[
        OpenApiExample(
            "Unknown kind",
            value={
                "errors": {
                    "kind": ["Select a valid choice. foo is not one of the available choices."]
                },
                "allowed": {"kind": "One of: decision, resolution, declaration, …"},
            },
            status_codes=["400"],
            response_only=True,
        )
    ],
)
NOT_FOUND = OpenApiResponse(
    DetailSerializer,
    description=_("No published record has this slug, or the page is past the end."),
)
NOT_ACCEPTABLE = OpenApiResponse(
    DetailSerializer, description=_("The requested format is not offered here.")
)
THROTTLED = OpenApiResponse(
    DetailSerializer,
    description=_("Too many requests from this address; retry after `Retry-After` seconds."),
)
NOT_MODIFIED = OpenApiResponse(
    description=_("The copy the client holds (If-None-Match / If-Modified-Since) is current.")
)


SLUG_PATH_PARAMETER = OpenApiParameter(
    "slug",
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    OpenApiParameter.PATH,
    description=_("The record's stable identifier (its `id`)."),
)


def commitment_filter_parameters():
    """Bounds the FilterSet enforces, stated in the schema too (taken from the FilterSet)."""
    filters = CommitmentFilterSet.base_filters
    parameters = [
        OpenApiParameter(
            name,
            {
                "type": "integer",
                "minimum": filters[name].extra["min_value"],
                "maximum": filters[name].extra["max_value"],
            },
            description=str(filters[name].extra["help_text"]),
        )
        for name in ("year_from", "year_to")
    ]
    parameters.append(
        OpenApiParameter(
            "search",
            {
                "type": "string",
                "maxLength": filters["search"].extra["max_length"],
                "pattern": "^[^\\x00]*$",
            },
            description=str(filters["search"].extra["help_text"]),
        )
    )
    return parameters


def list_responses(serializer):
    return {
        200: serializer(many=True),
        304: NOT_MODIFIED,
        400: BAD_PARAMETER,
        404: NOT_FOUND,
        406: NOT_ACCEPTABLE,
        429: THROTTLED,
    }


def detail_responses(serializer):
    return {
        200: serializer,
        304: NOT_MODIFIED,
        400: BAD_PARAMETER,
        404: NOT_FOUND,
        406: NOT_ACCEPTABLE,
        429: THROTTLED,
    }


_COMPACT_BODY = {
    "id": "ministerial-council",
    "url": "https://portal.example.org/api/v1/institutions/ministerial-council/",
    "web_url": "https://portal.example.org/institutions/ministerial-council/",
    "name": "Ministerial Council",
    "acronym": "MC",
    "kind": "decision_making_body",
}
_COMMITMENT = {
    "id": "mc-dec-7-06",
    "url": "https://portal.example.org/api/v1/commitments/mc-dec-7-06/",
    "web_url": "https://portal.example.org/commitments/mc-dec-7-06/",
    "symbol": "MC.DEC/7/06",
    "symbol_status": "verified",
    "number": "7/06",
    "display_number": "No. 7/06",
    "title": "Decision No. 7/06 on Countering the Use of the Internet for Terrorist Purposes",
    "short_title": "",
    "kind": "decision",
    "kind_label": "decision",
    "organisation": {
        "id": "osce",
        "url": "https://portal.example.org/api/v1/organisations/osce/",
        "web_url": "https://portal.example.org/organisations/osce/",
        "name": "Organization for Security and Co-operation in Europe",
        "acronym": "OSCE",
    },
    "body": _COMPACT_BODY,
    "year": 2006,
    "adopted_on": "2006-12-05",
    "meeting": "14th Meeting of the Ministerial Council",
    "place": "Brussels",
    "summary": "Participating States commit to exchange information on the use of the "
    "internet for terrorist purposes and to consider further measures.",
    "key_quotation": "",
    "keywords": ["internet", "information exchange"],
    "external_references": ["UNSCR 1624 (2005)"],
    "themes": [
        {
            "id": "terrorist-use-of-internet",
            "url": "https://portal.example.org/api/v1/themes/terrorist-use-of-internet/",
            "web_url": "https://portal.example.org/themes/terrorist-use-of-internet/",
            "name": "Countering the use of the internet for terrorist purposes",
        }
    ],
    "categories": [
        {
            "category": {
                "id": "propaganda",
                "url": "https://portal.example.org/api/v1/categories/propaganda/",
                "web_url": "https://portal.example.org/categories/propaganda/",
                "name": "Propaganda",
            },
            "evidence": "The decision addresses terrorist propaganda spread online.",
            "evidence_url": "https://www.osce.org/mc/23078",
        }
    ],
    "sources": [
        {
            "url": "https://www.osce.org/mc/23078",
            "label": "osce.org",
            "language": "en",
            "kind": "official",
            "is_official": True,
        }
    ],
    "relations_outgoing": [],
    "relations_incoming": [
        {
            "kind": "builds_on",
            "label": "built on by",
            "note": "",
            "commitment": {
                "id": "pc-dec-1063",
                "url": "https://portal.example.org/api/v1/commitments/pc-dec-1063/",
                "web_url": "https://portal.example.org/commitments/pc-dec-1063/",
                "symbol": "PC.DEC/1063",
                "title": "OSCE Consolidated Framework for the Fight against Terrorism",
                "kind": "decision",
                "year": 2012,
            },
        }
    ],
    "is_featured": True,
    "last_reviewed_on": "2026-11-01",
    "updated_at": "2026-11-20T10:00:00Z",
}

COMMITMENT_LIST_EXAMPLES = [
    OpenApiExample(
        "Decisions of 2006 on one theme",
        summary=_("A page of results"),
        description=_(
            "`GET /api/v1/commitments/?kind=decision&year_from=2006&year_to=2006"
            "&theme=terrorist-use-of-internet`"
        ),
        value=[_COMMITMENT],
        response_only=True,
        status_codes=["200"],
    ),
]
COMMITMENT_DETAIL_EXAMPLES = [
    OpenApiExample(
        "A Ministerial Council decision",
        value=_COMMITMENT,
        response_only=True,
        status_codes=["200"],
    ),
]


class StrictFilterBackendExtension(DjangoFilterExtension):
    """Slug filters are strings: say so, instead of following `themes__slug` + `to_field_name`.

    drf-spectacular appends `to_field_name` to the filter's path (`themes.slug.slug`) and then
    warns that it cannot find the field, which `manage.py check --deploy` reports.
    """

    target_class = "catalog.api.filtering.StrictFilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if isinstance(filter_field, ModelChoiceFilter | ModelMultipleChoiceFilter):
            filter_field = copy.copy(filter_field)
            description = str(filter_field.extra.get("help_text") or filter_field.label)
            set_override(filter_field, "field", {"type": "string", "description": description})
        return super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )


LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
LANG_PARAMETER = OpenApiParameter(
    "lang",
    {"type": "string", "enum": LANGUAGE_CODES},
    description=_(
        "The language of the answer: its labels and translated fields (titles, short titles, "
        "summaries, names and descriptions of themes and categories…). A field without a "
        "translation comes in English. Wins over Accept-Language; the answer says its "
        "language in Content-Language and varies on Accept-Language."
    ),
)
ACCEPT_LANGUAGE_PARAMETER = OpenApiParameter(
    "Accept-Language",
    {"type": "string"},
    OpenApiParameter.HEADER,
    description=_("The language of the answer when `lang` is not given (default English)."),
)
TRANSLATIONS_PARAMETER = OpenApiParameter(
    "translations",
    {"type": "string", "enum": ["all"]},
    description=_(
        "all: each record also carries `translations`, its translated fields in every "
        "language at once (null where there is no translation), for harvesters."
    ),
)


class CatalogueAutoSchema(AutoSchema):
    """Adds each list's CSV columns, taken from the view, to the list's description, and the
    language parameters every catalogue answer takes."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if isinstance(self.view, KnownParametersMixin):
            parameters += [LANG_PARAMETER, ACCEPT_LANGUAGE_PARAMETER]
            if takes_translations(self.view):
                parameters.append(TRANSLATIONS_PARAMETER)
        return parameters

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        columns = getattr(self.view, "csv_columns", None)
        if operation is None or not columns or self.view.action != "list":
            return operation
        listed = ", ".join(
            f"`{header}`" if header == path else f"`{header}` (from `{path}`)"
            for header, path in columns
        )
        note = _(
            "CSV columns, in order: %(columns)s. `[]` marks a list: its values are joined "
            "with “ | ” in one cell. A text starting with =, +, -, @, a tab or a carriage "
            "return gets a leading ' so spreadsheet programs do not run it as a formula."
        ) % {"columns": listed}
        description = operation.get("description")
        operation["description"] = f"{description}\n\n{note}" if description else str(note)
        return operation


def _export_row_schema():
    types = {"year": {"type": "integer"}, "themes": _TEXTS, "categories": _TEXTS}
    return {
        "type": "object",
        "properties": {
            column: {**types.get(column, {"type": "string"}), "description": VOCABULARY[column]}
            for column in COMMITMENT_COLUMNS
        },
    }


_TEXTS = {"type": "array", "items": {"type": "string"}}

EXPORT_RESPONSES = {
    (200, "application/json"): OpenApiResponse(
        {
            "type": "object",
            "properties": {
                "columns": {**_TEXTS, "description": "The columns of each row, in order."},
                "results": {"type": "array", "items": _export_row_schema()},
            },
        },
        description=_("Every matching record, one object per record."),
    ),
    (200, "text/csv"): OpenApiResponse(
        {"type": "string"},
        description=_(
            "A header row, then one row per record; lists joined with “ | ”, formula "
            "prefixes neutralised."
        ),
    ),
    400: BAD_PARAMETER,
    # DRF answers an unknown `format=` with a 404 (an Accept it cannot serve with a 406).
    404: OpenApiResponse(
        DetailSerializer, description=_("The requested format is not offered here.")
    ),
    406: NOT_ACCEPTABLE,
    429: THROTTLED,
}
EXPORT_EXAMPLES = [
    OpenApiExample(
        "The cyber/ICT security decisions since 2010",
        description="`GET /api/v1/commitments/export/?theme=cyber-ict-security&year_from=2010`",
        value={
            "columns": ["slug", "url", "symbol", "…"],
            "results": [
                {
                    "slug": "mc-dec-5-16",
                    "url": "https://osce-portal.example/commitments/mc-dec-5-16/",
                    "symbol": "MC.DEC/5/16",
                    "…": "…",
                }
            ],
        },
        response_only=True,
        status_codes=["200"],
        media_type="application/json",
    ),
]


def link_to_the_site(result, generator, request, public):
    """A postprocessing hook: the schema's description (shown on top of Swagger UI and ReDoc)
    ends with links back to the site, its About page (licence, contact) and this guide's
    examples, addressed as the site routes them (with the language prefix, when there is one)."""

    def address(name):
        path = reverse(name)
        return request.build_absolute_uri(path) if request is not None else path

    links = _(
        "The portal's own pages: [the catalogue](%(catalogue)s) · [About: publisher, contact "
        "and data licence](%(about)s) · [Home](%(home)s)."
    ) % {
        "catalogue": address("catalog:commitment_list"),
        "about": address("catalog:about"),
        "home": address("catalog:home"),
    }
    info = result.setdefault("info", {})
    info["description"] = f"{info.get('description', '')}\n\n{links}".strip()
    return result


URI_TOO_LONG = {
    "description": str(
        _(
            "The address (path and query) is longer than the server accepts (gunicorn's "
            "`limit_request_line`, 4,094 bytes); answered by the server before the API."
        )
    )
}


def match_the_behaviour(result, generator, request, public):
    """A postprocessing hook: what the API does that the generated schema does not say.

    - Every operation may answer 414: the server (gunicorn) refuses a request line over
      4,094 bytes before the API sees it.
    - A repeatable choice parameter given empty (`kind=`, as a form sends it) means no choice
      and is accepted, so its enum lists the empty value too.
    - A record's `translations` is there only with `translations=all`: not required.
    """
    # `translations` is there only when asked for (`?translations=all`).
    for component in result.get("components", {}).get("schemas", {}).values():
        required = component.get("required", [])
        if "translations" in component.get("properties", {}) and "translations" in required:
            required.remove("translations")
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            operation["responses"].setdefault("414", dict(URI_TOO_LONG))
            for parameter in operation.get("parameters", []):
                items = parameter.get("schema", {}).get("items", {})
                if parameter.get("in") == "query" and "" not in items.get("enum", [""]):
                    items["enum"] = [*items["enum"], ""]
                    parameter["description"] = (
                        f"{parameter.get('description', '')}\n\n"
                        + str(_("Given empty (`%(name)s=`), it chooses nothing."))
                        % {"name": parameter["name"]}
                    ).strip()
    return result
