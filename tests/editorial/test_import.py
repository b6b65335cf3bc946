import json

import pytest
import tablib
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from reversion.models import Revision, Version

from catalog.import_storage import SignedCacheStorage
from catalog.models import Commitment, Institution
from tests.editorial.conftest import messages_of
from tests.factories import CommitmentFactory, InstitutionFactory, ThemeFactory

pytestmark = pytest.mark.django_db

CSV, JSON, XLSX = "0", "1", "2"
IMPORT = "/admin/catalog/commitment/import/"
PROCESS = "/admin/catalog/commitment/process_import/"
EXPORT = "/admin/catalog/commitment/export/"

HEADERS = ["slug", "title", "kind", "organisation", "adopting_body", "year", "summary", "themes"]


def row_count():
    models = list(apps.get_app_config("catalog").get_models()) + [Revision, Version]
    return {model.__name__: model.objects.count() for model in models}


def csv_file(rows, headers=HEADERS):
    dataset = tablib.Dataset(*rows, headers=headers)
    return SimpleUploadedFile("commitments.csv", dataset.csv.encode(), content_type="text/csv")


def preview(client, upload, status="draft", fmt=CSV, url=IMPORT):
    return client.post(
        url, {"format": fmt, "resource": "0", "import_file": upload, "status": status}
    )


def confirm(client, response, url=PROCESS):
    form = response.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(url, data, follow=True)


@pytest.fixture
def body():
    return InstitutionFactory(acronym="MC", slug="ministerial-council")


@pytest.fixture
def rows(body):
    ThemeFactory(slug="prevention")
    return [
        (
            f"imported-{n}",
            f"Imported decision {n}",
            "decision",
            body.organisation.slug,
            "MC",
            "2020",
            "Summary.",
            "prevention",
        )
        for n in range(5)
    ]


def test_preview_shows_rows_and_changes_no_table(publisher_client, rows):
    before = row_count()

    response = preview(publisher_client, csv_file(rows))

    assert response.status_code == 200
    assert response.context["confirm_form"] is not None
    assert "Imported decision 4" in response.content.decode()
    assert row_count() == before


def test_confirmed_import_creates_drafts_with_resolved_relations(publisher_client, rows, body):
    response = confirm(publisher_client, preview(publisher_client, csv_file(rows)))

    assert "Import finished" in " ".join(messages_of(response))
    imported = Commitment.objects.filter(slug__startswith="imported-")
    assert imported.count() == 5
    assert set(imported.values_list("status", flat=True)) == {"draft"}
    first = imported.get(slug="imported-0")
    assert first.adopting_body == body
    assert list(first.themes.values_list("slug", flat=True)) == ["prevention"]
    assert first.status_changes.get().to_status == "draft"


def test_import_makes_one_revision_per_record_with_the_importer(publisher_client, publisher, rows):
    confirm(publisher_client, preview(publisher_client, csv_file(rows)))

    revisions = list(Revision.objects.all())
    assert len(revisions) == 5
    for revision in revisions:
        assert revision.user == publisher
        assert [v.object_repr for v in revision.version_set.all()] == [
            str(Commitment.objects.get(pk=revision.version_set.get().object_id))
        ]
        assert "commitments.csv" in revision.get_comment()


def test_preview_ties_every_error_to_its_row_and_column(publisher_client, rows):
    rows[2] = rows[2][:4] + ("NOPE",) + rows[2][5:]
    rows[3] = rows[3][:7] + ("unknown-theme",)

    response = preview(publisher_client, csv_file(rows))

    result = response.context["result"]
    errors = {(row.number, column) for row in result.invalid_rows for column in row.error_dict}
    assert errors == {(3, "adopting_body"), (4, "themes")}
    assert response.context.get("confirm_form") is None
    content = response.content.decode()
    assert "No institution is called “NOPE”" in content
    assert "Unknown theme: unknown-theme" in content


def test_one_bad_row_among_many_imports_nothing(publisher_client, rows):
    """Even when the preview is skipped with a crafted confirmation, nothing is saved."""
    rows[4] = rows[4][:5] + ("not a year",) + rows[4][6:]
    storage = SignedCacheStorage(encoding="utf-8-sig", read_mode="r")
    storage.save(tablib.Dataset(*rows, headers=HEADERS).csv.encode())
    before = row_count()

    response = publisher_client.post(
        PROCESS,
        {
            "import_file_name": storage.name,
            "original_file_name": "bad.csv",
            "format": CSV,
            "resource": "0",
            "status": "draft",
        },
        follow=True,
    )

    message = " ".join(messages_of(response))
    assert "Nothing was imported" in message
    assert "row 5, column year" in message
    assert row_count() == before


def test_editor_cannot_import_as_published(editor_client, rows):
    rows = [row + ("published",) for row in rows]
    upload = csv_file(rows, HEADERS + ["status"])

    response = preview(editor_client, upload, status="file")

    assert "Only publishers can import records with the status given in the file" in (
        response.content.decode()
    )
    assert not Commitment.objects.filter(slug__startswith="imported-").exists()


def test_editor_import_ignores_a_status_column(editor_client, rows):
    rows = [row + ("published",) for row in rows]

    confirm(editor_client, preview(editor_client, csv_file(rows, HEADERS + ["status"])))

    assert set(
        Commitment.objects.filter(slug__startswith="imported-").values_list("status", flat=True)
    ) == {"draft"}


def test_editor_cannot_overwrite_a_published_record_by_import(editor_client, rows):
    CommitmentFactory(slug="imported-0", title="Public title")

    response = preview(editor_client, csv_file(rows))

    assert "only publishers can change it" in response.content.decode()
    assert Commitment.objects.get(slug="imported-0").title == "Public title"


def test_publisher_may_keep_the_status_from_the_file(publisher_client, rows):
    rows = [row + ("published",) for row in rows]

    confirm(
        publisher_client, preview(publisher_client, csv_file(rows, HEADERS + ["status"]), "file")
    )

    assert Commitment.objects.published().filter(slug__startswith="imported-").count() == 5


def export(client, fmt, query=""):
    response = client.post(EXPORT + query, {"format": fmt, "resource": "0"})
    assert response.status_code == 200
    return b"".join(response) if response.streaming else response.content


def test_export_honours_the_changelist_filters(publisher_client):
    CommitmentFactory(draft=True, title="A draft")
    CommitmentFactory(title="A published one")

    content = export(publisher_client, JSON, "?workflow=draft").decode()

    assert [row["title"] for row in json.loads(content)] == ["A draft"]


def comparable(queryset):
    fields = [f.name for f in Commitment._meta.concrete_fields if f.name not in ("updated_at",)]
    return [
        (
            tuple(getattr(obj, name) for name in fields),
            tuple(obj.themes.values_list("pk", flat=True)),
        )
        for obj in queryset.order_by("pk")
    ]


@pytest.mark.parametrize(("fmt", "name"), [(CSV, "c.csv"), (JSON, "c.json"), (XLSX, "c.xlsx")])
def test_export_then_import_round_trips_unchanged(publisher_client, fmt, name):
    theme = ThemeFactory()
    CommitmentFactory.create_batch(3, themes=[theme])
    CommitmentFactory(draft=True, symbol="MC.DEC/7/06", symbol_status="verified")
    before, counts = comparable(Commitment.objects.all()), row_count()
    content = export(publisher_client, fmt)

    response = preview(publisher_client, SimpleUploadedFile(name, content), "file", fmt)
    confirm(publisher_client, response)

    assert comparable(Commitment.objects.all()) == before
    assert row_count()["Commitment"] == counts["Commitment"]


def test_institutions_round_trip_through_csv(publisher_client):
    parent = InstitutionFactory()
    InstitutionFactory(parent=parent, organisation=parent.organisation)
    before = list(Institution.objects.order_by("pk").values())
    response = publisher_client.post(
        "/admin/catalog/institution/export/", {"format": CSV, "resource": "0"}
    )
    upload = SimpleUploadedFile("i.csv", response.content)

    preview_response = preview(publisher_client, upload, url="/admin/catalog/institution/import/")
    confirm(publisher_client, preview_response, url="/admin/catalog/institution/process_import/")

    after = list(Institution.objects.order_by("pk").values())
    assert [{k: v for k, v in row.items() if k != "updated_at"} for row in after] == [
        {k: v for k, v in row.items() if k != "updated_at"} for row in before
    ]


def test_editor_cannot_import_institutions(editor_client):
    assert editor_client.get("/admin/catalog/institution/import/").status_code == 403


def test_unreadable_file_is_refused_with_a_reason(publisher_client):
    upload = SimpleUploadedFile("c.xlsx", b"this is not a spreadsheet")

    response = preview(publisher_client, upload, fmt=XLSX)

    assert response.status_code == 200
    assert "Ensure you have chosen the correct format" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"import_file_name": "missing", "original_file_name": "a.csv", "format": CSV},
        {"import_file_name": "missing", "original_file_name": "a.csv", "format": "99"},
        {"import_file_name": "x", "original_file_name": "a.csv", "format": "abc", "resource": "z"},
        {},
    ],
)
def test_a_tampered_confirmation_is_refused_without_error(publisher_client, data):
    before = row_count()

    response = publisher_client.post(PROCESS, data, follow=True)

    assert response.status_code == 200
    assert row_count() == before
