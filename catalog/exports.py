"""CSV and JSON exports of the catalogue's current filter, streamed in chunks.

Columns (CSV header = JSON keys), one row per published commitment:

    url             the record's page on this site (absolute)
    symbol          official document symbol, e.g. MC.DEC/7/06 (empty when it has none)
    symbol_status   "verified" or "derived" (from the decision number); empty without a symbol
    number          the number as cited, e.g. "No. 7/06"
    title           official title
    short_title     short title used in lists and citations (may be empty)
    kind            kind of document: decision, resolution, declaration, ...
    organisation    acronym of the organisation whose document it is, e.g. OSCE
    adopting_body   name of the adopting body (empty when adopted elsewhere)
    year            year of adoption
    adopted_on      date of adoption as YYYY-MM-DD, when the day is known
    meeting         the meeting that adopted it
    place           where it was adopted
    themes          theme names, separated by " | " (a list in JSON)
    categories      online-activity category names, separated by " | " (a list in JSON)
    summary         the catalogue's summary
    last_reviewed   date an editor last checked the record, YYYY-MM-DD
"""

import csv
import json

from django.utils.translation import gettext as _

FILENAME = "osce-commitments"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
CHUNK_SIZE = 500
COLUMNS = [
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
    "last_reviewed",
]
LIST_SEPARATOR = " | "
# Spreadsheet programs run cells starting with these as formulas.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def record(commitment, request):
    """One export row; expects themes and categories prefetched (`with_classification()`)."""
    return {
        "url": request.build_absolute_uri(commitment.get_absolute_url()),
        "symbol": commitment.symbol,
        "symbol_status": commitment.symbol_status,
        "number": commitment.display_number,
        "title": commitment.title,
        "short_title": commitment.short_title,
        "kind": commitment.kind,
        "organisation": commitment.organisation.acronym,
        "adopting_body": commitment.adopting_body.name if commitment.adopting_body else "",
        "year": commitment.year,
        "adopted_on": commitment.adopted_on.isoformat() if commitment.adopted_on else "",
        "meeting": commitment.meeting,
        "place": commitment.place,
        "themes": [theme.name for theme in commitment.themes.all()],
        "categories": [category.name for category in commitment.activity_categories.all()],
        "summary": commitment.summary,
        "last_reviewed": (
            commitment.last_reviewed_on.isoformat() if commitment.last_reviewed_on else ""
        ),
    }


def _rows(queryset, request):
    # iterator() with chunk_size keeps memory flat and still applies the prefetches per chunk.
    for commitment in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield record(commitment, request)


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value):
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        value = "'" + value
    return value


def csv_stream(queryset, request):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # byte-order mark so spreadsheet programs read UTF-8
    yield writer.writerow(COLUMNS)
    for row in _rows(queryset, request):
        yield writer.writerow([_csv_cell(row[column]) for column in COLUMNS])


def json_stream(queryset, request):
    yield '{"columns": ' + json.dumps(COLUMNS) + ', "results": ['
    separator = ""
    for row in _rows(queryset, request):
        yield separator + json.dumps(row, ensure_ascii=False)
        separator = ", "
    yield "]}\n"


def error_text(errors):
    lines = [_("These filters are not valid, so nothing was exported:")]
    for field, messages in errors.items():
        for message in messages:
            lines.append(f"- {field}: {message}")
    return "\n".join(lines) + "\n"
