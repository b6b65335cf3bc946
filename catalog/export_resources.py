"""The admin's export (django-import-export): the same columns as the import, so a file
exported from the admin imports back unchanged, named and written like every other export.

- Column names come from the one vocabulary (`catalog.exports.VOCABULARY`); linked records
  are named as in the public exports (organisation by acronym, body by name, themes and
  categories by name, joined with " | "), which the import accepts too.
- Every CSV and XLSX cell goes through `catalog.exports.cell` (formula prefixes neutralised;
  the import takes the added `'` off again), and XLSX cells are stored as text, never as
  formulas (`SafeCSV`, `SafeXLSX`). JSON is not a spreadsheet format and is written as is.
"""

from import_export import fields, widgets
from import_export.formats import base_formats

from . import exports
from .models import ActivityCategory, Institution, Organisation, Theme
from .resources import CommitmentResource, InstitutionResource

# Column order: the public exports' columns first (less the public page's address), then the
# fields only editors see.
COMMITMENT_EXPORT_COLUMNS = [column for column in exports.COMMITMENT_COLUMNS if column != "url"] + [
    "key_quotation",
    "keywords",
    "external_references",
    "is_featured",
    "status",
    "publish_at",
    "editorial_note",
]


class NameWidget(widgets.ForeignKeyWidget):
    """Writes a linked record by one of its names (the import looks it up by any)."""

    def __init__(self, model, attribute):
        super().__init__(model, field=attribute)


class NamesWidget(widgets.ManyToManyWidget):
    """Writes linked records by name, joined with the exports' list separator."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return exports.LIST_SEPARATOR.join(item.name for item in value.all())


class CommitmentExportResource(CommitmentResource):
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=NameWidget(Organisation, "acronym"),
    )
    adopting_body = fields.Field(
        attribute="adopting_body",
        column_name="adopting_body",
        widget=NameWidget(Institution, "name"),
    )
    themes = fields.Field(attribute="themes", column_name="themes", widget=NamesWidget(Theme))
    categories = fields.Field(
        attribute="activity_categories",
        column_name="categories",
        widget=NamesWidget(ActivityCategory),
        readonly=True,
    )

    class Meta(CommitmentResource.Meta):
        fields = COMMITMENT_EXPORT_COLUMNS
        export_order = COMMITMENT_EXPORT_COLUMNS

    def get_queryset(self):
        return super().get_queryset().prefetch_related("themes", "activity_categories")

    def export(self, queryset=None, **kwargs):
        # The admin hands over its change list's queryset: name linked records without a query
        # per row.
        if queryset is not None:
            queryset = queryset.select_related("organisation", "adopting_body").prefetch_related(
                "themes", "activity_categories"
            )
        return super().export(queryset=queryset, **kwargs)


class InstitutionExportResource(InstitutionResource):
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=NameWidget(Organisation, "acronym"),
    )


def _safe_rows(dataset):
    return [[exports.cell(value) for value in row] for row in dataset]


class SafeCSV(base_formats.CSV):
    """CSV with every cell written by the one cell rule."""

    def export_data(self, dataset, **kwargs):
        import tablib

        safe = tablib.Dataset(*_safe_rows(dataset), headers=dataset.headers)
        return super().export_data(safe, **kwargs)


class SafeXLSX(base_formats.XLSX):
    """XLSX with every cell written by the one cell rule and every text cell stored as text
    (openpyxl would otherwise store a text starting with "=" as a live formula)."""

    def export_data(self, dataset, **kwargs):
        import io

        import openpyxl
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(list(dataset.headers or []))
        for number, row in enumerate(_safe_rows(dataset), start=2):
            for column, value in enumerate(row, start=1):
                if isinstance(value, str):  # control characters XLSX cannot hold
                    value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
                target = sheet.cell(row=number, column=column, value=value)
                if isinstance(value, str):
                    target.data_type = "s"  # text, whatever it starts with
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()


EXPORT_FORMATS = [SafeCSV, base_formats.JSON, SafeXLSX]
