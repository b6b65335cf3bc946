import pytest
from reversion.models import Version

from catalog.models import Commitment, Theme
from tests.editorial.conftest import change_url, form_data, load_form, messages_of
from tests.factories import (
    ActivityCategoryFactory,
    CommitmentFactory,
    InstitutionFactory,
    OrganisationFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def create_through_admin(client):
    body = InstitutionFactory()
    theme = ThemeFactory(slug="prevention")
    category = ActivityCategoryFactory(name="Propaganda")
    target = CommitmentFactory(title="Earlier decision")
    data = form_data(client.get("/admin/catalog/commitment/add/"))
    data.update(
        {
            "title": "Decision on history",
            "slug": "decision-on-history",
            "kind": "decision",
            "organisation": str(body.organisation_id),
            "adopting_body": str(body.pk),
            "year": "2021",
            "summary": "What it says.",
            "status": "draft",
            "themes": [str(theme.pk)],
            "sources-TOTAL_FORMS": "1",
            "sources-0-url": "https://www.osce.org/history",
            "sources-0-language": "en",
            "sources-0-kind": "official",
            "sources-0-position": "0",
            "category_assignments-TOTAL_FORMS": "1",
            "category_assignments-0-category": str(category.pk),
            "category_assignments-0-note": "Evidence",
            "outgoing_relations-TOTAL_FORMS": "1",
            "outgoing_relations-0-target": str(target.pk),
            "outgoing_relations-0-kind": "builds_on",
        }
    )
    response = client.post("/admin/catalog/commitment/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Commitment.objects.get(slug="decision-on-history")


def snapshot(record):
    return {
        "title": record.title,
        "themes": sorted(record.themes.values_list("slug", flat=True)),
        "sources": sorted(record.sources.values_list("url", flat=True)),
        "categories": sorted(record.category_assignments.values_list("category__name", "note")),
        "relations": sorted(record.outgoing_relations.values_list("target__title", "kind")),
    }


def edit_title(client, record, title):
    data = load_form(client, record)
    data["title"] = title
    assert client.post(change_url(record), data).status_code == 302


def test_create_edit_delete_recover_brings_back_values_and_relations(publisher_client):
    record = create_through_admin(publisher_client)
    edit_title(publisher_client, record, "Decision on history, edited")
    before = snapshot(Commitment.objects.get(pk=record.pk))

    publisher_client.post(f"/admin/catalog/commitment/{record.pk}/delete/", {"post": "yes"})
    assert not Commitment.objects.filter(pk=record.pk).exists()
    deleted = Version.objects.get_deleted(Commitment).get()
    recover_url = f"/admin/catalog/commitment/recover/{deleted.pk}/"
    response = publisher_client.post(recover_url, {"comment": ""})

    assert response.status_code == 302
    assert snapshot(Commitment.objects.get(pk=record.pk)) == before
    assert before["sources"] and before["categories"] and before["relations"] and before["themes"]


def test_the_workflow_log_comes_back_with_a_recovered_record(publisher_client):
    record = create_through_admin(publisher_client)
    publisher_client.post(f"/admin/catalog/commitment/{record.pk}/delete/", {"post": "yes"})
    deleted = Version.objects.get_deleted(Commitment).get()
    recover_url = f"/admin/catalog/commitment/recover/{deleted.pk}/"
    publisher_client.post(recover_url, {"comment": ""})

    log = Commitment.objects.get(pk=record.pk).status_changes.order_by("pk")
    assert [(step.to_status, step.comment) for step in log] == [
        ("draft", ""),
        ("draft", "Recovered after deletion."),
    ]


def test_editor_cannot_send_a_record_in_review_back_by_reverting(publisher_client, editor, client):
    record = create_through_admin(publisher_client)
    draft_version = Version.objects.get_for_object(record).get()
    data = load_form(publisher_client, record)
    data["status"] = "in_review"
    publisher_client.post(change_url(record), data)
    client.force_login(editor)

    url = f"/admin/catalog/commitment/{record.pk}/history/{draft_version.pk}/"
    response = client.get(url, follow=True)

    assert "Only publishers can bring back" in " ".join(messages_of(response))
    record.refresh_from_db()
    assert record.status == Commitment.Status.IN_REVIEW


def test_the_seed_loader_still_validates_after_a_logged_record_was_deleted(
    publisher_client, publisher
):
    from django.core.management import call_command

    from catalog.editorial import services
    from catalog.models import StatusChange

    record = CommitmentFactory(draft=True)
    services.transition(record, "in_review", user=publisher)
    publisher_client.post(f"/admin/catalog/commitment/{record.pk}/delete/", {"post": "yes"})

    call_command("load_seed", verbosity=0)

    assert StatusChange.objects.filter(commitment_id=record.pk).count() == 1
    assert Commitment.objects.count() > 30


def test_each_save_is_a_revision_with_user_and_reason(publisher_client, publisher):
    record = create_through_admin(publisher_client)
    edit_title(publisher_client, record, "Edited")

    versions = Version.objects.get_for_object(record).select_related("revision")
    assert versions.count() == 2
    assert {v.revision.user for v in versions} == {publisher}
    assert "Changed Title" in versions[0].revision.get_comment()
    history = publisher_client.get(f"/admin/catalog/commitment/{record.pk}/history/")
    assert "Compare with live" in history.content.decode()


def test_revert_restores_the_old_values_as_a_new_revision(publisher_client):
    record = create_through_admin(publisher_client)
    edit_title(publisher_client, record, "Edited title")
    first = Version.objects.get_for_object(record).last()

    url = f"/admin/catalog/commitment/{record.pk}/history/{first.pk}/"
    response = publisher_client.post(url, {"comment": ""})

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.title == "Decision on history"
    assert Version.objects.get_for_object(record).count() == 3


def test_revert_removes_a_source_added_later(publisher_client):
    record = create_through_admin(publisher_client)
    first = Version.objects.get_for_object(record).get()
    data = load_form(publisher_client, record)
    data.update(
        {
            "sources-TOTAL_FORMS": "2",
            "sources-1-url": "https://www.osce.org/later",
            "sources-1-language": "en",
            "sources-1-kind": "official",
            "sources-1-position": "1",
        }
    )
    publisher_client.post(change_url(record), data)
    assert record.sources.count() == 2

    url = f"/admin/catalog/commitment/{record.pk}/history/{first.pk}/"
    publisher_client.post(url, {"comment": ""})

    assert list(record.sources.values_list("url", flat=True)) == ["https://www.osce.org/history"]


def test_revert_keeps_theme_rows_intact(publisher_client):
    record = create_through_admin(publisher_client)
    first = Version.objects.get_for_object(record).get()
    later_theme = ThemeFactory(name="Added later")
    data = load_form(publisher_client, record)
    data["themes"] = data["themes"] + [str(later_theme.pk)]
    publisher_client.post(change_url(record), data)

    url = f"/admin/catalog/commitment/{record.pk}/history/{first.pk}/"
    publisher_client.post(url, {"comment": ""})

    assert list(record.themes.values_list("slug", flat=True)) == ["prevention"]
    assert Theme.objects.filter(pk=later_theme.pk).exists()


def test_compare_with_live_names_the_changed_fields(publisher_client):
    record = create_through_admin(publisher_client)
    edit_title(publisher_client, record, "A new title")
    first = Version.objects.get_for_object(record).last()

    response = publisher_client.get(
        f"/admin/catalog/commitment/{record.pk}/history/{first.pk}/compare/"
    )

    changed = [row.label for row in response.context["rows"] if row.changed]
    assert changed == ["title"]
    content = response.content.decode()
    assert "Decision on history" in content and "A new title" in content


def test_the_revision_review_screen_links_to_compare_with_live(publisher_client):
    record = create_through_admin(publisher_client)
    version = Version.objects.get_for_object(record).get()

    response = publisher_client.get(f"/admin/catalog/commitment/{record.pk}/history/{version.pk}/")

    assert f"/history/{version.pk}/compare/" in response.content.decode()


def test_compare_with_an_unknown_revision_is_a_404(publisher_client):
    record = CommitmentFactory(draft=True)

    response = publisher_client.get(f"/admin/catalog/commitment/{record.pk}/history/999/compare/")

    assert response.status_code == 404


def test_editor_cannot_revert_to_a_published_version(publisher_client, editor, client):
    record = create_through_admin(publisher_client)
    data = load_form(publisher_client, record)
    data["status"] = "published"
    publisher_client.post(change_url(record), data)
    published_version = Version.objects.get_for_object(record).first()
    data = load_form(publisher_client, record)
    data.update(status="draft", transition_comment="Fix the summary")
    publisher_client.post(change_url(record), data)
    client.force_login(editor)

    url = f"/admin/catalog/commitment/{record.pk}/history/{published_version.pk}/"
    response = client.post(url, {"status": "published"}, follow=True)

    assert "Only publishers can bring back" in " ".join(messages_of(response))
    record.refresh_from_db()
    assert record.status == Commitment.Status.DRAFT


def test_changes_to_themes_are_recorded_with_their_author(publisher_client, publisher):
    theme = ThemeFactory(name="Old name")
    url = f"/admin/catalog/theme/{theme.pk}/change/"
    response = publisher_client.get(url)
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["name"] = "New name"

    assert publisher_client.post(url, data).status_code == 302
    version = Version.objects.get_for_object(theme).get()
    assert version.revision.user == publisher
    assert version.field_dict["name"] == "New name"


def test_record_in_review_links_to_its_changes_since_last_published(publisher_client):
    record = create_through_admin(publisher_client)
    data = load_form(publisher_client, record)
    data["status"] = "published"
    publisher_client.post(change_url(record), data)
    published = Version.objects.get_for_object(record).first()
    data = load_form(publisher_client, record)
    data.update(status="draft", transition_comment="Update the summary", summary="New summary")
    publisher_client.post(change_url(record), data)

    content = publisher_client.get(change_url(record)).content.decode()
    compare_url = f"/admin/catalog/commitment/{record.pk}/history/{published.pk}/compare/"
    assert compare_url in content
    response = publisher_client.get(compare_url)
    changed = {row.label for row in response.context["rows"] if row.changed}
    assert changed == {"summary", "status"}


@pytest.mark.parametrize(
    ("factory", "url_name"),
    [
        (OrganisationFactory, "organisation"),
        (InstitutionFactory, "institution"),
        (ThemeFactory, "theme"),
        (ActivityCategoryFactory, "activitycategory"),
    ],
)
def test_history_pages_of_reference_records_work(publisher_client, factory, url_name):
    obj = factory()
    url = f"/admin/catalog/{url_name}/{obj.pk}/change/"
    form = publisher_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    assert publisher_client.post(url, data).status_code == 302
    version = Version.objects.get_for_object(obj).get()
    base = f"/admin/catalog/{url_name}/{obj.pk}/history/"

    for page in (base, f"{base}{version.pk}/", f"{base}{version.pk}/compare/"):
        assert publisher_client.get(page).status_code == 200
