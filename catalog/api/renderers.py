import io

from rest_framework.renderers import BaseRenderer

from .. import exports


class CSVRenderer(BaseRenderer):
    """Renders a list endpoint's page as CSV, one flat row per record.

    The view declares its columns in `csv_columns` as (header, path) pairs, named from the one
    column vocabulary (`catalog.exports.API_CSV_COLUMNS`). A path follows dotted keys through
    the JSON representation; a segment ending in `[]` walks a list. Every cell goes through
    `exports.cell` (formula prefixes neutralised, lists joined with " | "), the rule of every
    export.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    @staticmethod
    def can_render(data):
        """Lists and pages of records only; errors and metadata stay JSON."""
        return isinstance(data, list) or (isinstance(data, dict) and "results" in data)

    def render(self, data, accepted_media_type=None, renderer_context=None):
        columns = renderer_context["view"].csv_columns
        rows = data["results"] if isinstance(data, dict) else data
        buffer = io.StringIO()
        writer = exports.csv.writer(buffer)
        writer.writerow([header for header, _path in columns])
        for row in rows or []:
            writer.writerow([exports.cell(_value(row, path)) for _header, path in columns])
        return buffer.getvalue().encode(self.charset)


def _value(row, path):
    value = _pluck(row, path.split("."))
    if path == "url" and isinstance(value, str):
        # The record's API address, not its (non-existent) CSV form.
        value = value.removesuffix("?format=csv")
    return value


def _pluck(value, segments):
    if not segments:
        return value
    head, rest = segments[0], segments[1:]
    if head.endswith("[]"):
        items = (value or {}).get(head[:-2]) or []
        return [_pluck(item, rest) for item in items]
    return _pluck((value or {}).get(head), rest)
