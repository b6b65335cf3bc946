"""The editor's desk on the admin index: each panel with its count, links and one query."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.editorial import pending, services
from catalog.templatetags.editorial_admin import desk_panels
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db

PANELS = [
    "my_drafts",
    "my_changes",
    "awaiting_review",
    "changes_awaiting_review",
    "scheduled",
    "scheduled_changes",
    "rejected",
    "not_reviewed",
]


def fill_desk(editor, publisher, n=1):
    for _ in range(n):
        CommitmentFactory(draft=True, created_by=editor, title="My draft")
        CommitmentFactory(draft=True, title="Someone else's draft")
        submitted = CommitmentFactory(draft=True, title="Submitted record")
        services.transition(submitted, "in_review", user=editor)
        CommitmentFactory(scheduled=True, title="Going public later")
        stale = CommitmentFactory(
            title="Stale record", last_reviewed_on=datetime.date.today() - datetime.timedelta(400)
        )
        mine = CommitmentFactory(title="Corrected record")
        services.save_pending(user=editor, commitment=mine, data=pending.snapshot(mine))
        review = CommitmentFactory(title="Correction in review")
        services.save_pending(user=publisher, commitment=review, data=pending.snapshot(review))
        services.submit_changes(user=publisher, commitment=review)
        later = CommitmentFactory(title="Correction scheduled")
        services.save_pending(user=publisher, commitment=later, data=pending.snapshot(later))
        services.approve_changes(
            user=publisher,
            commitment=later,
            approve_at=timezone.now() + datetime.timedelta(days=3),
        )
        services.save_pending(user=publisher, commitment=stale, data=pending.snapshot(stale))
        services.reject_changes(user=publisher, commitment=stale, comment="Check the date again")


def test_each_panel_lists_its_records_with_a_count(editor, publisher, editor_client):
    fill_desk(editor, publisher)

    content = editor_client.get("/admin/").content.decode()

    for heading in [
        "My drafts (1)",
        "My pending changes (1)",
        "Awaiting review (1)",
        "Changes to published records awaiting review (1)",
        "Scheduled (1)",
        "Scheduled corrections (1)",
        "Rejected (1)",
        "Not reviewed for over 12 months (1)",
    ]:
        assert heading in content
    assert "My draft" in content and "Someone else&#x27;s draft" not in content
    assert "submitted" in content and "by erin" in content  # who submitted, not who touched
    assert "Check the date again" in content
    assert "Correction in review" in content and "by paul" in content


def test_the_desk_asks_one_query_per_panel(editor, publisher):
    fill_desk(editor, publisher, n=3)

    with CaptureQueriesContext(connection) as queries:
        panels = desk_panels(editor)

    assert len(queries) == len(PANELS)
    assert sorted(panels) == sorted(PANELS)
    assert panels["awaiting_review"]["count"] == 3
    assert panels["awaiting_review"]["rows"][0].submitted_by_name == "erin"


def index_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    return sum(
        1
        for query in queries
        if not query["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))
    )


# Session, user, two permission lookups, the 8 panels (one each), the suggestions queue
# (counts by status, newest new ones), the recent-actions box and the session's save that
# renews its idle expiry (SESSION_SAVE_EVERY_REQUEST), and the translations panel: missing
# translations per language, out-of-date ones, themes, categories (one query each).
ADMIN_INDEX_QUERIES = 20


def test_the_admin_index_query_count_is_pinned_and_does_not_grow(editor, publisher, client):
    client.force_login(editor)
    fill_desk(editor, publisher)
    small = index_queries(client)
    fill_desk(editor, publisher, n=4)

    assert index_queries(client) == small == ADMIN_INDEX_QUERIES
