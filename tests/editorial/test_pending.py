"""Pending changes: a published record is corrected through review while its page stays live."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from catalog.editorial import services
from catalog.models import Commitment, PendingChange, StatusChange
from tests.conftest import make_staff
from tests.editorial.conftest import change_url, load_form, messages_of
from tests.editorial.helpers import commitment_snapshot
from tests.factories import (
    ActivityCategoryFactory,
    CategoryAssignmentFactory,
    CommitmentFactory,
    SourceFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(db):
    theme = ThemeFactory(name="Live theme")
    record = CommitmentFactory(title="Live title", summary="Live summary.", themes=[theme])
    SourceFactory(commitment=record, url="https://www.osce.org/live-source", label="Live source")
    CategoryAssignmentFactory(commitment=record, note="Live evidence")
    return record


def pending_url(record):
    return f"/admin/catalog/commitment/{record.pk}/pending/"


def edit_published(client, record, **changes):
    data = load_form(client, record)
    data.update(changes)
    return client.post(change_url(record), data)


def test_an_editors_edit_of_a_published_record_is_stored_as_pending(editor_client, editor, live):
    before = commitment_snapshot(live.pk)
    new_theme = ThemeFactory(name="Pending theme")
    data = load_form(editor_client, live)
    data.update(
        title="Pending title",
        themes=data["themes"] + [str(new_theme.pk)],
        **{
            "sources-TOTAL_FORMS": "2",
            "sources-1-url": "https://www.osce.org/pending-source",
            "sources-1-language": "en",
            "sources-1-kind": "official",
            "sources-1-position": "1",
            "category_assignments-0-DELETE": "on",
        },
    )

    response = editor_client.post(change_url(live), data, follow=True)

    assert "Saved as pending changes" in " ".join(messages_of(response))
    assert commitment_snapshot(live.pk) == before
    change = PendingChange.objects.get(commitment=live)
    assert (change.state, change.created_by, change.updated_by) == ("editing", editor, editor)
    assert change.data["fields"]["title_en"] == "Pending title"
    assert sorted(row["url"] for row in change.data["sources"]) == [
        "https://www.osce.org/live-source",
        "https://www.osce.org/pending-source",
    ]
    assert change.data["category_assignments"] == []
    assert len(change.data["themes"]) == 2
    assert Version.objects.get_for_object(live).count() == 0  # no revision of the live record


def test_the_form_shows_the_pending_version_to_the_next_editor(editor_client, live):
    edit_published(editor_client, live, title="Pending title")
    other = Client()
    other.force_login(make_staff(_user_model(), "ella", "Editor"))

    response = other.get(change_url(live))

    content = response.content.decode()
    assert response.context["adminform"].form["title"].value() == "Pending title"
    assert "Pending title</textarea>" in content
    assert "Pending changes" in content
    assert "erin" in content  # by whom


def _user_model():
    from django.contrib.auth import get_user_model

    return get_user_model()


def test_a_second_editor_meets_the_conflict_check(editor, live):
    second = make_staff(_user_model(), "ella", "Editor")
    first_client, second_client = Client(), Client()
    first_client.force_login(editor)
    second_client.force_login(second)
    edit_published(first_client, live, title="First pending title")
    first_data, second_data = load_form(first_client, live), load_form(second_client, live)

    first_data["title"] = "First editor again"
    assert first_client.post(change_url(live), first_data).status_code == 302
    second_data["title"] = "Second editor's title"
    response = second_client.post(change_url(live), second_data)

    content = response.content.decode()
    assert response.status_code == 200
    assert "erin changed this record at" in content
    assert "Second editor&#x27;s title" in content
    assert PendingChange.objects.get().data["fields"]["title_en"] == "First editor again"
    assert Commitment.objects.get(pk=live.pk).title == "Live title"


def test_submit_then_approve_applies_content_and_inlines_in_one_revision(
    editor_client, editor, publisher, live
):
    data = load_form(editor_client, live)
    data.update(title="Approved title", **{"sources-0-label": "Pending label"})
    editor_client.post(change_url(live), data)
    editor_client.post(pending_url(live), {"action": "submit", "comment": "Title fixed"})
    change = PendingChange.objects.get()
    assert (change.state, change.submitted_by) == ("submitted", editor)
    source_pk = live.sources.get().pk
    log_before = StatusChange.objects.count()

    services.approve_changes(user=publisher, commitment=live, comment="Checked")

    live.refresh_from_db()
    assert live.title == "Approved title"
    assert live.is_public
    assert list(live.sources.values_list("pk", "label")) == [(source_pk, "Pending label")]
    assert not PendingChange.objects.exists()
    versions = Version.objects.get_for_object(live)
    assert versions.count() == 1
    assert versions.get().revision.user == publisher
    assert StatusChange.objects.count() == log_before + 1
    public = Client().get(live.get_absolute_url()).content.decode()
    assert "Approved title" in public


def test_approval_is_refused_to_editors(editor_client, live):
    edit_published(editor_client, live, title="Pending title")

    response = editor_client.post(pending_url(live), {"action": "approve"}, follow=True)

    assert "Only publishers can approve" in " ".join(messages_of(response))
    assert Commitment.objects.get(pk=live.pk).title == "Live title"


def test_reject_needs_a_comment_the_editor_then_sees(editor, publisher, live):
    services.save_pending(user=editor, commitment=live, data=_data(live, title="Pending title"))
    services.submit_changes(user=editor, commitment=live)
    publisher_client = Client()
    publisher_client.force_login(publisher)

    refused = publisher_client.post(pending_url(live), {"action": "reject"}, follow=True)
    assert "comment is required" in " ".join(messages_of(refused))
    assert PendingChange.objects.get().state == "submitted"

    publisher_client.post(pending_url(live), {"action": "reject", "comment": "Wrong year"})

    change = PendingChange.objects.get()
    assert (change.state, change.review_comment, change.reviewed_by) == (
        "rejected",
        "Wrong year",
        publisher,
    )
    editor_client = Client()
    editor_client.force_login(editor)
    assert "Wrong year" in editor_client.get(change_url(live)).content.decode()
    assert "Wrong year" in editor_client.get("/admin/").content.decode()


def _data(record, **fields):
    from catalog.editorial import pending

    data = pending.snapshot(record)
    data["fields"].update(fields)
    return data


def test_an_approval_that_fails_validation_changes_nothing(editor, publisher, live):
    data = _data(live, adopted_on="1999-05-01")  # not in the record's year
    data["sources"].append(
        {
            "url": "https://www.osce.org/new",
            "label": "",
            "language": "en",
            "kind": "secondary",
            "position": 2,
        }
    )
    services.save_pending(user=editor, commitment=live, data=data)
    before = commitment_snapshot(live.pk)

    with pytest.raises(Exception) as error:
        services.approve_changes(user=publisher, commitment=live)

    assert "is not in" in str(error.value)
    assert commitment_snapshot(live.pk) == before
    assert PendingChange.objects.get().data == data


def test_a_scheduled_approval_goes_live_once_due(
    editor, publisher, live, django_capture_on_commit_callbacks
):
    services.save_pending(user=editor, commitment=live, data=_data(live, title="Scheduled title"))
    services.submit_changes(user=editor, commitment=live)
    soon = timezone.now() + datetime.timedelta(minutes=10)

    services.approve_changes(user=publisher, commitment=live, approve_at=soon)

    visitor = Client()
    assert "Scheduled title" not in visitor.get(live.get_absolute_url()).content.decode()
    assert PendingChange.objects.get().state == "scheduled"
    with time_machine.travel(soon + datetime.timedelta(seconds=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.apply_due_approvals.enqueue().return_value == 1
        page = visitor.get(live.get_absolute_url()).content.decode()
    assert "Scheduled title" in page
    assert not PendingChange.objects.exists()
    assert Commitment.objects.get(pk=live.pk).updated_by == publisher


def test_an_immediate_correction_needs_a_comment_and_is_logged(publisher_client, publisher, live):
    refused = edit_published(publisher_client, live, title="Corrected", _correct="1")
    assert refused.status_code == 200
    assert Commitment.objects.get(pk=live.pk).title == "Live title"

    response = edit_published(
        publisher_client, live, title="Corrected", _correct="1", transition_comment="Typo"
    )

    assert response.status_code == 302
    assert Commitment.objects.get(pk=live.pk).title == "Corrected"
    step = StatusChange.objects.get(commitment=live)
    assert (step.comment, step.changed_by) == ("Immediate correction: Typo", publisher)


def test_a_publishers_plain_save_of_a_published_record_is_pending_too(publisher_client, live):
    edit_published(publisher_client, live, title="Pending by a publisher")

    assert Commitment.objects.get(pk=live.pk).title == "Live title"
    assert PendingChange.objects.get().data["fields"]["title_en"] == "Pending by a publisher"


def test_the_diff_and_the_preview_show_the_pending_version(editor_client, live):
    category = ActivityCategoryFactory(name="Pending category")
    data = load_form(editor_client, live)
    data.update(
        title="Pending title",
        **{
            "category_assignments-TOTAL_FORMS": "2",
            "category_assignments-1-category": str(category.pk),
            "category_assignments-1-note": "Pending evidence",
        },
    )
    editor_client.post(change_url(live), data)

    diff = editor_client.get(f"/admin/catalog/commitment/{live.pk}/pending/compare/")
    changed = {row.label for row in diff.context["rows"] if row.changed}
    assert changed == {"title", "category assignments"}
    preview = editor_client.get(f"/preview/commitments/{live.slug}/pending/")
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Pending title" in page and "Pending evidence" in page
    assert "Preview of pending changes" in page
    assert preview["X-Robots-Tag"] == "noindex, nofollow"
    assert Client().get(f"/preview/commitments/{live.slug}/pending/").status_code == 404


def test_only_publishers_see_the_correction_button(editor_client, live):
    assert 'name="_correct"' not in editor_client.get(change_url(live)).content.decode()
    publisher = Client()
    publisher.force_login(make_staff(_user_model(), "paula", "Publisher"))
    assert 'name="_correct"' in publisher.get(change_url(live)).content.decode()


def test_an_editor_cannot_correct_a_published_record_with_a_crafted_post(editor_client, live):
    response = edit_published(
        editor_client, live, title="Crafted", _correct="1", transition_comment="x"
    )

    assert response.status_code == 200
    assert "Only publishers can approve, reject or correct" in response.content.decode()
    assert Commitment.objects.get(pk=live.pk).title == "Live title"
    assert not PendingChange.objects.exists()


def test_a_correction_made_over_pending_changes_applies_their_rows(publisher_client, editor, live):
    data = _data(live, title="Pending title")
    data["sources"][0]["label"] = "Pending label"
    data["sources"].append(
        {
            "url": "https://www.osce.org/added",
            "label": "",
            "language": "en",
            "kind": "secondary",
            "position": 1,
        }
    )
    services.save_pending(user=editor, commitment=live, data=data)
    source_pk = live.sources.get().pk

    response = edit_published(publisher_client, live, _correct="1", transition_comment="Now")

    assert response.status_code == 302
    live.refresh_from_db()
    assert live.title == "Pending title"
    assert sorted(live.sources.values_list("url", "label")) == [
        ("https://www.osce.org/added", ""),
        ("https://www.osce.org/live-source", "Pending label"),
    ]
    assert live.sources.get(url="https://www.osce.org/live-source").pk == source_pk
    assert not PendingChange.objects.exists()


def test_unpublishing_through_the_form_over_pending_changes_keeps_one_set_of_rows(
    publisher_client, editor, live
):
    services.save_pending(user=editor, commitment=live, data=_data(live, title="Pending title"))

    response = edit_published(
        publisher_client, live, status="draft", transition_comment="Rework it"
    )

    assert response.status_code == 302
    live.refresh_from_db()
    assert (live.status, live.title, live.sources.count()) == ("draft", "Pending title", 1)
    assert not PendingChange.objects.exists()


def test_a_publisher_schedules_the_approval_from_the_change_page(editor, publisher, live):
    services.save_pending(user=editor, commitment=live, data=_data(live, title="Later title"))
    services.submit_changes(user=editor, commitment=live)
    client = Client()
    client.force_login(publisher)
    page = client.get(change_url(live)).content.decode()
    assert 'value="approve"' in page and 'name="approve_at_0"' in page

    response = client.post(
        pending_url(live),
        {"action": "approve", "approve_at_0": "2031-01-15", "approve_at_1": "09:30"},
        follow=True,
    )

    assert "go live at" in " ".join(messages_of(response))
    change = PendingChange.objects.get()
    assert change.state == "scheduled"
    assert timezone.localtime(change.approve_at).strftime("%Y-%m-%d %H:%M") == "2031-01-15 09:30"
    assert Commitment.objects.get(pk=live.pk).title == "Live title"
    assert "Scheduled corrections (1)" in client.get("/admin/").content.decode()


def test_a_due_approval_is_checked_against_the_approvers_current_rights(
    editor, publisher, live, django_capture_on_commit_callbacks
):
    services.save_pending(user=editor, commitment=live, data=_data(live, title="Scheduled title"))
    services.submit_changes(user=editor, commitment=live)
    soon = timezone.now() + datetime.timedelta(minutes=10)
    services.approve_changes(user=publisher, commitment=live, approve_at=soon)
    publisher.groups.clear()
    publisher.is_active = False
    publisher.save()

    with time_machine.travel(soon + datetime.timedelta(seconds=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.apply_due_approvals.enqueue().return_value == 0

    assert Commitment.objects.get(pk=live.pk).title == "Live title"
    change = PendingChange.objects.get()
    text = (
        "Scheduled approval not applied: paul may no longer approve changes. "
        "The changes await review again."
    )
    assert (change.state, change.approve_at, change.review_comment) == ("submitted", None, text)
    assert StatusChange.objects.filter(commitment=live).latest("pk").comment == text
