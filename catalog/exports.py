"""The one writer of CSV and spreadsheet cells, and the one column vocabulary.

Every file the portal writes for spreadsheets — the catalogue's CSV and JSON exports
(`/commitments/export.csv|json`), the API's CSV (`?format=csv`) and the admin's CSV/XLSX export
— names its columns from `VOCABULARY` (a name means the same thing everywhere) and writes each
CSV/XLSX cell through `cell()`:

- a text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so
  no spreadsheet program runs it as a formula (the admin's import takes that `'` off again);
- several values in one cell are joined with `LIST_SEPARATOR` (" | ");
- dates are YYYY-MM-DD, booleans true/false, empty values an empty cell; numbers stay numbers.

XLSX files also store every text cell as text (never a formula): see
`catalog/export_resources.py`.
"""

import csv
import datetime
import io
import json
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from . import models
from .collation import translated_order

FILENAME = "osce-commitments"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
CHUNK_SIZE = 2000  # rows fetched from the database at a time
LIST_SEPARATOR = " | "
# Spreadsheet programs run cells starting with these as formulas.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"

# Every column name any export uses, and what it holds (listed once in docs/visitors.md).
VOCABULARY = {
    "slug": "the record's stable identifier (its `id` in the API's JSON)",
    "url": "the record's page on this site (absolute)",
    "api_url": "the record in the API (absolute)",
    "symbol": "official document symbol, e.g. MC.DEC/7/06 (empty when it has none)",
    "symbol_status": '"verified" or "derived" (from the decision number); empty without a symbol',
    "number": "the document's number as recorded, e.g. 7/06",
    "title": "official title",
    "short_title": "short title used in lists and citations (may be empty)",
    "kind": "kind of document: decision, resolution, declaration, ...",
    "organisation": "acronym of the organisation (whose document it is, or that a body belongs to)",
    "adopting_body": "name of the adopting body (empty when adopted elsewhere)",
    "year": "year of adoption",
    "adopted_on": "date of adoption, when the day is known",
    "meeting": "the meeting that adopted it",
    "place": "where it was adopted",
    "themes": "theme names",
    "categories": "online-activity category names",
    "summary": "the catalogue's summary",
    "last_reviewed_on": "date an editor last checked the record",
    "sources": "addresses of its sources, official ones first",
    "relations_outgoing": "slugs of published commitments it builds on, reaffirms, endorses...",
    "relations_incoming": "slugs of published commitments that build on it, reaffirm it, ...",
    # Editorial columns (the admin's export; it imports back unchanged)
    "key_quotation": "a key passage of the text",
    "keywords": "search terms, one per line",
    "external_references": "documents cited that are not catalogue records, one per line",
    "is_featured": "shown on the home page",
    "status": "draft, in_review, published or archived",
    "publish_at": "when a scheduled record turns public",
    "editorial_note": "internal note for editors",
    # Institutions, organisations, themes, categories
    "name": "name",
    "acronym": "acronym",
    "parent": "slug of the body it is part of",
    "children": "slugs of its sub-bodies",
    "seat": "where it sits",
    "established_year": "year it was established",
    "meets": "how often it meets",
    "head_title": "the title of whoever leads it",
    "role_summary": "its role in one sentence",
    "description": "description",
    "scope_note": "what the category covers",
    "website": "its website",
    "source_urls": "where its facts can be checked, one per line",
    "position": "order in lists",
    "is_primary": "the portal's own organisation (the OSCE)",
    "founded_year": "year it was founded",
    "headquarters": "where it has its headquarters",
    "partners": "slugs of its partner organisations",
    "published_commitment_count": "how many published commitments it has",
}

# The catalogue's exports (site CSV/JSON); the API's commitment CSV adds a few after these.
COMMITMENT_COLUMNS = [
    "slug",
    "url",
    "symbol",
    "symbol_status",
    "number",
    "title",
    "short_title",
    "kind",
    "organisation",
    "adopting_body",
    "year",
    "adopted_on",
    "meeting",
    "place",
    "themes",
    "categories",
    "summary",
    "last_reviewed_on",
]

# The API's CSV: (column, path in the record's JSON). A path follows dotted keys; a segment
# ending in `[]` walks a list (see catalog/api/renderers.py).
_COMMITMENT_PATHS = {
    "slug": "id",
    "url": "web_url",
    "organisation": "organisation.acronym",
    "adopting_body": "body.name",
    "themes": "themes[].name",
    "categories": "categories[].category.name",
    "sources": "sources[].url",
    "relations_outgoing": "relations_outgoing[].commitment.id",
    "relations_incoming": "relations_incoming[].commitment.id",
    "api_url": "url",
}
_COMMON_PATHS = {"slug": "id", "url": "web_url", "api_url": "url"}


def _api_columns(columns, paths):
    return [(column, paths.get(column, column)) for column in columns]


API_CSV_COLUMNS = {
    "commitments": _api_columns(
        [*COMMITMENT_COLUMNS, "sources", "relations_outgoing", "relations_incoming", "api_url"],
        _COMMITMENT_PATHS,
    ),
    "institutions": _api_columns(
        [
            *("slug", "url", "name", "acronym", "kind", "organisation", "parent", "children"),
            *("seat", "established_year", "published_commitment_count", "api_url"),
        ],
        {
            **_COMMON_PATHS,
            "organisation": "organisation.acronym",
            "parent": "parent.id",
            "children": "children[].id",
        },
    ),
    "organisations": _api_columns(
        [
            *("slug", "url", "name", "acronym", "is_primary", "founded_year", "headquarters"),
            *("website", "partners", "published_commitment_count", "api_url"),
        ],
        {**_COMMON_PATHS, "partners": "partners[].id"},
    ),
    "themes": _api_columns(
        ["slug", "url", "name", "description", "published_commitment_count", "api_url"],
        _COMMON_PATHS,
    ),
    "categories": _api_columns(
        ["slug", "url", "name", "scope_note", "published_commitment_count", "api_url"],
        _COMMON_PATHS,
    ),
}


_FORMULA_STARTS = frozenset(FORMULA_PREFIXES)  # each prefix is one character


def escape_text(text):
    """Neutralise a text a spreadsheet program would run as a formula."""
    return ESCAPE + text if text[:1] in _FORMULA_STARTS else text


def unescape_text(text):
    """Undo `escape_text` (for imports of files the portal wrote)."""
    if text[:1] == ESCAPE and text[1:2] in _FORMULA_STARTS:
        return text[1:]
    return text


def cell(value):
    """The one rule for a CSV or spreadsheet cell (written for speed: it runs per cell)."""
    kind = type(value)
    if kind is str:
        return ESCAPE + value if value[:1] in _FORMULA_STARTS else value
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float or kind is Decimal:
        return value
    if kind is list or kind is tuple:
        return escape_text(
            LIST_SEPARATOR.join(str(item) for item in value if item is not None and item != "")
        )
    if isinstance(value, datetime.date):  # dates and datetimes
        return value.isoformat()
    return escape_text(str(value))


def _url_maker(request):
    placeholder = "slug-placeholder"
    address = request.build_absolute_uri(
        reverse("catalog:commitment_detail", kwargs={"slug": placeholder})
    )
    prefix, suffix = address.split(placeholder)
    return lambda slug: f"{prefix}{slug}{suffix}"


def _namer(model):
    """ids -> names in the vocabulary's order (position, then name)."""
    terms = list(
        model.objects.order_by("position", translated_order("name")).values_list("pk", "name")
    )
    rank = {pk: index for index, (pk, _name) in enumerate(terms)}
    names = dict(terms)
    return lambda ids: [names[pk] for pk in sorted(models.id_list(ids), key=rank.__getitem__)]


def _date(value):
    return value.isoformat() if value else ""


def rows(queryset, request):
    """Export rows (dicts keyed by COMMITMENT_COLUMNS): one query for the records however
    many there are (`export_values()`), plus one each for the theme and category names."""
    url = _url_maker(request)
    theme_names = _namer(models.Theme)
    category_names = _namer(models.ActivityCategory)
    with transaction.atomic():
        # A transaction lets PostgreSQL stream the server-side cursor instead of
        # materialising the whole result first (WITH HOLD); JIT compiling this one big query
        # costs about a second and saves nothing.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        for values in queryset.export_values().iterator(chunk_size=CHUNK_SIZE):
            yield {
                "slug": values["slug"],
                "url": url(values["slug"]),
                "symbol": values["symbol"],
                "symbol_status": values["symbol_status"],
                "number": values["number"],
                "title": values["title"],
                "short_title": values["short_title"],
                "kind": values["kind"],
                "organisation": values["organisation_acronym"] or "",
                "adopting_body": values["adopting_body_name"] or "",
                "year": values["year"],
                "adopted_on": _date(values["adopted_on"]),
                "meeting": values["meeting"],
                "place": values["place"],
                "themes": theme_names(values["theme_ids"]),
                "categories": category_names(values["category_ids"]),
                "summary": values["summary"],
                "last_reviewed_on": _date(values["last_reviewed_on"]),
            }


ROWS_PER_CHUNK = 500  # rows per piece of the streamed response


def csv_stream(queryset, request):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # byte-order mark so spreadsheet programs read UTF-8
    writer.writerow(COMMITMENT_COLUMNS)
    for count, row in enumerate(rows(queryset, request), start=1):
        writer.writerow([cell(row[column]) for column in COMMITMENT_COLUMNS])
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_stream(queryset, request):
    pieces = ['{"columns": ' + json.dumps(COMMITMENT_COLUMNS) + ', "results": [']
    separator = ""
    for count, row in enumerate(rows(queryset, request), start=1):
        pieces.append(separator + json.dumps(row, ensure_ascii=False))
        separator = ", "
        if count % ROWS_PER_CHUNK == 0:
            yield "".join(pieces)
            pieces = []
    pieces.append("]}\n")
    yield "".join(pieces)


def licence_link():
    """The `Link` header naming the data's licence (CC BY 4.0): the rows carry no metadata."""
    return f'<{settings.DATA_LICENCE["url"]}>; rel="license"'


def error_text(errors):
    lines = [_("These filters are not valid, so nothing was exported:")]
    for field, messages in errors.items():
        for message in messages:
            lines.append(f"- {field}: {message}")
    return "\n".join(lines) + "\n"
