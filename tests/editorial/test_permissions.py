import datetime

import pytest
from django.utils import timezone

from catalog.models import Commitment, StatusChange
from tests.editorial.conftest import change_url, load_form, messages_of
from tests.factories import CommitmentFactory, CommitmentRelationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/commitment/"


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_anonymous_visitor_gets_404_for_a_preview(client):
    draft = CommitmentFactory(draft=True)

    response = client.get(f"/preview/commitments/{draft.slug}/")

    assert response.status_code == 404


def test_logged_in_non_staff_user_gets_404_for_a_preview(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader"))
    draft = CommitmentFactory(draft=True)

    assert client.get(f"/preview/commitments/{draft.slug}/").status_code == 404


def test_editor_previews_a_draft_in_the_public_template(editor_client):
    draft = CommitmentFactory(draft=True, title="Draft decision on previews")

    response = editor_client.get(f"/preview/commitments/{draft.slug}/")

    assert response.status_code == 200
    assert response.context["is_preview"] is True
    assert "catalog/commitment_detail.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Draft decision on previews" in page
    assert "Preview — this record is not public." in page
    assert '<meta name="robots" content="noindex">' in page


def test_the_draft_itself_stays_hidden_on_the_public_page(editor_client):
    draft = CommitmentFactory(draft=True)

    assert editor_client.get(draft.get_absolute_url()).status_code == 404


def test_editor_cannot_publish_through_the_change_form(editor_client):
    record = CommitmentFactory(in_review=True)
    data = load_form(editor_client, record)
    data["status"] = "published"

    response = editor_client.post(change_url(record), data)

    assert response.status_code == 200
    assert "Only publishers can publish" in response.content.decode()
    record.refresh_from_db()
    assert record.status == Commitment.Status.IN_REVIEW


def test_editor_cannot_schedule_through_the_change_form(editor_client):
    record = CommitmentFactory(draft=True)
    data = load_form(editor_client, record)
    data["publish_at_0"], data["publish_at_1"] = "2030-01-01", "10:00:00"

    response = editor_client.post(change_url(record), data)

    assert "Only publishers can schedule" in response.content.decode()
    record.refresh_from_db()
    assert record.publish_at is None


def test_editor_cannot_create_a_published_record_with_a_crafted_post(editor_client):
    template = CommitmentFactory(draft=True)
    data = load_form(editor_client, template)
    data.update(slug="crafted", title="Crafted", status="published", loaded_version="")
    for key in [key for key in data if key.startswith("sources-") and key[8].isdigit()]:
        del data[key]

    response = editor_client.post("/admin/catalog/commitment/add/", data)

    assert response.status_code == 200
    assert "Only publishers can publish" in response.content.decode()
    assert not Commitment.objects.filter(slug="crafted").exists()


def test_editor_cannot_change_an_archived_record_at_all(editor_client):
    record = CommitmentFactory(archived=True, title="Archived title")
    data = {"title": "Changed", "status": "draft"}

    response = editor_client.post(change_url(record), data, follow=True)

    assert "This record is archived, so only publishers can change it" in " ".join(
        messages_of(response)
    )
    record.refresh_from_db()
    assert (record.title, record.status) == ("Archived title", "archived")


def test_editor_sees_an_archived_record_read_only(editor_client):
    record = CommitmentFactory(archived=True)

    response = editor_client.get(change_url(record))

    assert response.status_code == 200
    assert 'name="title"' not in response.content.decode()


def test_editor_cannot_archive_a_published_record_through_the_form(editor_client):
    record = CommitmentFactory(title="Public title")
    data = load_form(editor_client, record)
    data.update(status="archived", title="Changed")

    response = editor_client.post(change_url(record), data)

    assert response.status_code == 200
    assert "Only publishers can" in response.content.decode()
    record.refresh_from_db()
    assert (record.title, record.status) == ("Public title", "published")


@pytest.mark.parametrize("action", ["publish", "archive", "unpublish", "send_back_to_draft"])
def test_editor_cannot_use_publisher_actions_even_with_a_crafted_post(editor_client, action):
    record = CommitmentFactory(in_review=True)

    response = editor_client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [record.pk], "index": 0, "comment": "x"},
        follow=True,
    )

    assert "Only publishers can" in " ".join(messages_of(response))
    record.refresh_from_db()
    assert record.status == Commitment.Status.IN_REVIEW


def test_editor_does_not_see_publisher_actions(editor_client):
    CommitmentFactory(draft=True)

    content = editor_client.get(CHANGELIST).content.decode()

    assert 'value="submit_for_review"' in content
    assert 'value="publish"' not in content


def test_editor_submits_drafts_for_review_with_a_list_action(editor_client, editor):
    records = CommitmentFactory.create_batch(2, draft=True)

    editor_client.post(
        CHANGELIST,
        {"action": "submit_for_review", "_selected_action": [r.pk for r in records], "index": 0},
    )

    assert set(Commitment.objects.values_list("status", flat=True)) == {"in_review"}
    assert StatusChange.objects.filter(changed_by=editor, to_status="in_review").count() == 2


def test_editor_cannot_delete_a_commitment(editor_client):
    record = CommitmentFactory(draft=True)

    response = editor_client.post(f"/admin/catalog/commitment/{record.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Commitment.objects.filter(pk=record.pk).exists()


def test_editor_cannot_change_institutions(editor_client):
    assert editor_client.get("/admin/catalog/institution/add/").status_code == 403


def test_publisher_publishes_through_the_change_form(publisher_client, publisher):
    record = CommitmentFactory(in_review=True)
    data = load_form(publisher_client, record)
    data["status"] = "published"

    response = publisher_client.post(change_url(record), data)

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.is_public
    assert record.status_changes.get().changed_by == publisher


def test_publisher_publishes_with_a_list_action(publisher_client):
    records = CommitmentFactory.create_batch(2, in_review=True)

    publisher_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [r.pk for r in records], "index": 0}
    )

    assert Commitment.objects.published().count() == 2


def test_publisher_archives_with_a_list_action(publisher_client):
    record = CommitmentFactory()

    publisher_client.post(
        CHANGELIST, {"action": "archive", "_selected_action": [record.pk], "index": 0}
    )

    record.refresh_from_db()
    assert record.status == Commitment.Status.ARCHIVED


def test_publisher_schedules_and_the_list_shows_scheduled(publisher_client):
    record = CommitmentFactory(in_review=True, title="Scheduled decision")
    data = load_form(publisher_client, record)
    data.update(status="published", publish_at_0="2030-01-01", publish_at_1="10:00:00")

    publisher_client.post(change_url(record), data)

    record.refresh_from_db()
    assert record.is_scheduled
    assert not Commitment.objects.published().filter(pk=record.pk).exists()
    assert Commitment.objects.published(now=record.publish_at).filter(pk=record.pk).exists()
    listing = publisher_client.get(CHANGELIST, {"workflow": "scheduled"}).content.decode()
    assert "Scheduled decision" in listing
    assert "scheduled" in listing


def test_publishing_a_record_that_links_to_a_draft_warns_the_publisher(publisher_client):
    record = CommitmentFactory(in_review=True)
    CommitmentRelationFactory(source=record, target=CommitmentFactory(draft=True, title="Hidden"))

    response = publisher_client.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [record.pk], "index": 0},
        follow=True,
    )

    warning = " ".join(messages_of(response))
    assert "links to records the public cannot see yet" in warning
    assert "Hidden" in warning


def test_public_page_of_the_published_record_hides_the_draft_link(publisher_client, client):
    record = CommitmentFactory()
    CommitmentRelationFactory(source=record, target=CommitmentFactory(draft=True, title="Hidden"))

    response = client.get(record.get_absolute_url())

    assert "Hidden" not in response.content.decode()


def test_scheduled_record_becomes_public_without_any_job():
    record = CommitmentFactory(publish_at=timezone.now() + datetime.timedelta(hours=1))

    assert not Commitment.objects.published().filter(pk=record.pk).exists()
    later = timezone.now() + datetime.timedelta(hours=2)
    assert Commitment.objects.published(now=later).filter(pk=record.pk).exists()


def test_publishing_through_the_form_warns_about_links_to_drafts(publisher_client):
    record = CommitmentFactory(in_review=True)
    CommitmentRelationFactory(source=record, target=CommitmentFactory(draft=True, title="Hidden"))
    data = load_form(publisher_client, record)
    data["status"] = "published"

    response = publisher_client.post(change_url(record), data, follow=True)

    assert "links to records the public cannot see yet: “Hidden”" in " ".join(messages_of(response))
