import pytest

from catalog.models import Commitment
from tests.editorial.conftest import change_url, load_form, messages_of
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/commitment/"


def move(client, record, status, comment=""):
    data = load_form(client, record)
    data.update(status=status, transition_comment=comment)
    return client.post(change_url(record), data)


def test_full_lifecycle_is_recorded_with_who_and_comment(editor_client, editor, publisher, client):
    record = CommitmentFactory(draft=True)
    move(editor_client, record, "in_review", "Ready, sources checked")
    client.force_login(publisher)
    move(client, record, "published", "Looks right")
    move(client, record, "archived")

    log = list(record.status_changes.order_by("changed_at", "pk"))
    assert [(s.from_status, s.to_status) for s in log] == [
        ("draft", "in_review"),
        ("in_review", "published"),
        ("published", "archived"),
    ]
    assert [s.changed_by for s in log] == [editor, publisher, publisher]
    assert log[0].comment == "Ready, sources checked"


def test_the_log_is_shown_on_the_record_page(editor_client):
    record = CommitmentFactory(draft=True)
    move(editor_client, record, "in_review", "Please check the date")

    content = editor_client.get(change_url(record)).content.decode()

    assert "Workflow log" in content
    assert "Please check the date" in content


def test_sending_back_to_draft_without_a_comment_is_refused(publisher_client):
    record = CommitmentFactory(in_review=True)

    response = move(publisher_client, record, "draft")

    assert "Say why the record goes back to draft" in response.content.decode()
    record.refresh_from_db()
    assert record.status == Commitment.Status.IN_REVIEW


def test_sending_back_to_draft_keeps_the_reviewer_comment(publisher_client):
    record = CommitmentFactory(in_review=True)

    move(publisher_client, record, "draft", "The symbol is wrong")

    record.refresh_from_db()
    assert record.status == Commitment.Status.DRAFT
    assert record.status_changes.get().comment == "The symbol is wrong"


def test_send_back_action_without_a_comment_changes_nothing(publisher_client):
    record = CommitmentFactory(in_review=True)

    response = publisher_client.post(
        CHANGELIST,
        {"action": "send_back_to_draft", "_selected_action": [record.pk], "index": 0},
        follow=True,
    )

    assert "Nothing was changed" in " ".join(messages_of(response))
    record.refresh_from_db()
    assert record.status == Commitment.Status.IN_REVIEW


def test_draft_cannot_jump_to_archived(publisher_client):
    record = CommitmentFactory(draft=True)

    response = move(publisher_client, record, "archived")

    assert "cannot go from “draft” to “archived”" in response.content.decode()
    record.refresh_from_db()
    assert record.status == Commitment.Status.DRAFT


def test_publisher_may_publish_a_draft_directly(publisher_client):
    record = CommitmentFactory(draft=True)

    move(publisher_client, record, "published")

    record.refresh_from_db()
    assert record.is_public


def test_a_bulk_action_is_all_or_nothing(publisher_client):
    ready = CommitmentFactory(in_review=True)
    archived = CommitmentFactory(archived=True, title="Old archived decision")

    response = publisher_client.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [ready.pk, archived.pk], "index": 0},
        follow=True,
    )

    message = " ".join(messages_of(response))
    assert "Nothing was changed" in message
    assert "Old archived decision" in message
    ready.refresh_from_db()
    assert ready.status == Commitment.Status.IN_REVIEW


def test_unknown_status_in_a_crafted_post_is_refused_without_error(publisher_client):
    record = CommitmentFactory(draft=True)

    response = move(publisher_client, record, "gone")

    assert response.status_code == 200
    record.refresh_from_db()
    assert record.status == Commitment.Status.DRAFT
