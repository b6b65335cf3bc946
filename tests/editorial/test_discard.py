"""Discarding pending changes is a row of the policy table: an editor may discard only their
own unapproved work; another's, or an approved and scheduled version, only a publisher, with
a comment. Every discard is logged, and the discarded version is kept in a revision."""

import datetime

import pytest
from django.utils import timezone
from reversion.models import Version

from catalog.editorial import pending, policy, services
from catalog.editorial.policy import Action, Refused
from catalog.models import PendingChange, StatusChange
from tests.conftest import make_staff
from tests.editorial.conftest import change_url
from tests.factories import CommitmentFactory
from tests.writes import committed

pytestmark = pytest.mark.django_db

P, E = policy.Role.PUBLISHER, policy.Role.EDITOR


def test_the_policy_table_has_the_discard_rows():
    assert policy.POLICY[Action.DISCARD_OWN_CHANGES] == {"published": {E: "allow", P: "allow"}}
    assert policy.POLICY[Action.DISCARD_CHANGES] == {"published": {P: "allow"}}
    assert Action.DISCARD_CHANGES in policy.NEEDS_COMMENT
    assert Action.DISCARD_OWN_CHANGES not in policy.NEEDS_COMMENT


@pytest.fixture
def other_editor(django_user_model):
    return make_staff(django_user_model, "ella", "Editor")


def pending_by(user, title="Pending title"):
    record = CommitmentFactory(title="Live title")
    data = pending.snapshot(record)
    data["fields"]["title_en"] = title
    services.save_pending(user=user, commitment=record, data=data)
    return record


def discarded_versions(record):
    """The PendingChange versions kept in the record's revisions, as (title, comment)."""
    revisions = Version.objects.get_for_object(record).values_list("revision_id", flat=True)
    return [
        (version.field_dict["data"]["fields"]["title_en"], version.revision.comment)
        for version in Version.objects.get_for_model(PendingChange).filter(
            revision_id__in=list(revisions)
        )
    ]


def test_an_editor_discards_their_own_changes_and_the_text_is_kept(editor):
    record = pending_by(editor, "My abandoned title")
    with committed():
        services.discard_changes(user=editor, commitment=record)
    assert not PendingChange.objects.filter(commitment=record).exists()
    log = StatusChange.objects.filter(commitment=record).latest("pk")
    assert (log.changed_by, log.comment) == (
        editor,
        "Pending changes discarded (being edited; last edited by erin).",
    )
    assert discarded_versions(record) == [
        ("My abandoned title", "Pending changes discarded (being edited; last edited by erin).")
    ]
    record.refresh_from_db()
    assert record.title == "Live title"


def test_an_editor_cannot_discard_another_editors_changes(editor, other_editor):
    record = pending_by(other_editor, "Ella's work")
    with pytest.raises(Refused):
        services.discard_changes(user=editor, commitment=record, comment="Mine now.")
    assert PendingChange.objects.get(commitment=record).data["fields"]["title_en"] == "Ella's work"
    assert not StatusChange.objects.filter(comment__startswith="Pending changes discarded")


def test_approved_and_scheduled_changes_only_a_publisher_discards_with_a_comment(editor, publisher):
    record = pending_by(editor, "Approved title")
    services.approve_changes(
        user=publisher, commitment=record, approve_at=timezone.now() + datetime.timedelta(days=1)
    )
    with pytest.raises(Refused):
        services.discard_changes(user=editor, commitment=record)  # even the author
    with pytest.raises(Refused, match="a comment is required"):
        services.discard_changes(user=publisher, commitment=record, comment="  ")
    assert PendingChange.objects.get(commitment=record).state == "scheduled"

    with committed():
        services.discard_changes(
            user=publisher, commitment=record, comment="Superseded by the new decision."
        )
    text = (
        "Pending changes discarded (approved, scheduled; last edited by erin). "
        "Superseded by the new decision."
    )
    assert StatusChange.objects.filter(commitment=record).latest("pk").comment == text
    assert discarded_versions(record) == [("Approved title", text)]


def test_a_publisher_discards_another_editors_changes_only_with_a_comment(editor, publisher):
    record = pending_by(editor)
    with pytest.raises(Refused):
        services.discard_changes(user=publisher, commitment=record)
    with committed():
        services.discard_changes(user=publisher, commitment=record, comment="Duplicate work.")
    assert not PendingChange.objects.filter(commitment=record).exists()


def test_the_admin_offers_and_enforces_the_same_rule(client, editor, other_editor):
    record = pending_by(other_editor, "Ella's work")
    client.force_login(editor)
    page = client.get(change_url(record)).content.decode()
    assert 'value="discard"' not in page
    response = client.post(
        f"/admin/catalog/commitment/{record.pk}/pending/", {"action": "discard"}, follow=True
    )
    assert "Nothing was changed" in response.content.decode()
    assert PendingChange.objects.filter(commitment=record).exists()

    mine = pending_by(editor, "Mine")
    assert 'value="discard"' in client.get(change_url(mine)).content.decode()
    client.post(f"/admin/catalog/commitment/{mine.pk}/pending/", {"action": "discard"})
    assert not PendingChange.objects.filter(commitment=mine).exists()
