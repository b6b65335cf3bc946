"""Public version history: published versions only, what changed, citable read-only pages."""

import datetime
import re

import pytest
import reversion
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.editorial import pending, services
from catalog.models import Commitment
from participation.history import published_versions
from tests.factories import CommitmentFactory, SourceFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def save_revision(commitment, **changes):
    for name, value in changes.items():
        setattr(commitment, name, value)
    with reversion.create_revision():
        commitment.save()
        reversion.add_to_revision(commitment)
        reversion.set_comment("secret editorial comment")


@pytest.fixture
def record(db, publisher):
    """Drafted, published, corrected through pending changes, then the note edited only."""
    commitment = CommitmentFactory(
        slug="rec", title="First title", draft=True, editorial_note="Secret note one"
    )
    save_revision(commitment)
    save_revision(commitment, title="Draft title never public")
    services.transition(commitment, Commitment.Status.PUBLISHED, user=publisher)
    commitment.refresh_from_db()
    data = pending.snapshot(commitment)
    data["fields"]["title"] = "Corrected title"
    data["fields"]["summary"] = "A corrected summary."
    services.save_pending(user=publisher, commitment=commitment, data=data)
    services.approve_changes(user=publisher, commitment=commitment)
    commitment.refresh_from_db()
    save_revision(commitment, editorial_note="Secret note two")  # no public field changed
    # Pending changes not yet approved stay out of the history.
    data = pending.snapshot(commitment)
    data["fields"]["title"] = "Pending title not approved"
    services.save_pending(user=publisher, commitment=commitment, data=data)
    return commitment


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_published_versions_only_with_what_changed(record):
    versions = published_versions(record)
    assert [v.fields["title"] for v in versions] == ["Draft title never public", "Corrected title"]
    assert versions[0].is_first
    assert versions[1].changed == ["Title", "Summary"]


def test_changes_page_lists_versions_and_leaks_nothing(client, record):
    response = client.get(reverse("participation:changes", args=["rec"]))
    assert response.status_code == 200
    page = text(response.content.decode())
    assert "Changed: Title, Summary" in page
    assert "First published version." in page
    for secret in ["Secret note", "secret editorial comment", "paul", "Pending title", "draft"]:
        assert secret not in page, secret
    links = re.findall(r'href="(/en/commitments/rec/versions/\d+/)"', response.content.decode())
    assert len(links) == 2


def test_record_page_links_changes_and_cites_the_current_version(client, record):
    current = published_versions(record)[-1]
    html = client.get(record.get_absolute_url()).content.decode()
    assert 'href="/en/commitments/rec/changes/"' in html
    today = timezone.localdate()
    permanent = f"http://testserver/en/commitments/rec/versions/{current.id}/"
    day = timezone.localtime(current.date)
    assert f"version of {day.day} {day:%B %Y}: {permanent}" in html
    assert f"Accessed {today.day} {today:%B %Y}." in html
    assert f"url          = {{{permanent}}}" in html
    assert f"urldate      = {{{today.isoformat()}}}" in html
    assert f"Version of {day.date().isoformat()}" in html


def test_an_old_version_is_read_only_superseded_and_noindex(client, record):
    first, current = published_versions(record)
    html = client.get(reverse("participation:version", args=["rec", first.id])).content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert "<h1>Draft title never public</h1>" in html
    assert "Superseded: the version of" in html
    assert 'href="/en/commitments/rec/"' in html
    assert f"http://testserver/en/commitments/rec/versions/{first.id}/" in html
    assert "Secret note" not in html and "<form" not in html.split("</header>", 1)[1]
    html = client.get(reverse("participation:version", args=["rec", current.id])).content.decode()
    assert "the current one" in html


def test_draft_versions_and_other_records_versions_are_404(client, record):
    from reversion.models import Version

    draft_version = Version.objects.get_for_object(record).order_by("pk").first()
    assert client.get(f"/en/commitments/rec/versions/{draft_version.pk}/").status_code == 404
    other = CommitmentFactory(slug="other")
    save_revision(other)
    other_version = published_versions(other)[0]
    assert client.get(f"/en/commitments/rec/versions/{other_version.id}/").status_code == 404


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_history_of_an_unpublished_record_is_404(client, record, status):
    version = published_versions(record)[0]
    Commitment.objects.filter(pk=record.pk).update(status=status)
    assert client.get("/en/commitments/rec/changes/").status_code == 404
    assert client.get(f"/en/commitments/rec/versions/{version.id}/").status_code == 404


def test_a_scheduled_version_is_listed_only_once_live(client, db):
    commitment = CommitmentFactory(slug="sched", title="Now")
    save_revision(commitment)
    save_revision(commitment, title="Later", publish_at=timezone.now() + datetime.timedelta(days=2))
    assert [v.fields["title"] for v in published_versions(commitment)] == ["Now"]


def count(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return sum(1 for q in context.captured_queries if "SAVEPOINT" not in q["sql"].upper())


def test_query_counts_do_not_grow_with_history(client, db):
    commitment = CommitmentFactory(slug="q", themes=[ThemeFactory()])
    SourceFactory(commitment=commitment)
    save_revision(commitment)
    small = (
        count(client, "/en/commitments/q/changes/"),
        count(client, f"/en/commitments/q/versions/{published_versions(commitment)[0].id}/"),
        count(client, "/en/commitments/q/"),
    )
    for n in range(5):
        SourceFactory(commitment=commitment)
        save_revision(commitment, summary=f"Summary {n}")
    latest = published_versions(commitment)[-1].id
    assert len(published_versions(commitment)) == 6
    large = (
        count(client, "/en/commitments/q/changes/"),
        count(client, f"/en/commitments/q/versions/{latest}/"),
        count(client, "/en/commitments/q/"),
    )
    # The record page: 8, 2 for its official texts and its provisions, and its id by slug
    # (what it is kept under is read before it is loaded: caching.cached_record).
    assert small == large == (3, 8, 11)


def test_pending_changes_and_notes_reach_no_new_surface(client, record):
    other = CommitmentFactory(slug="other")
    current = published_versions(record)[-1]
    for url in [
        "/en/compare/?r=rec&r=other",
        "/en/compare/?r=rec",
        "/en/commitments/rec/changes/",
        f"/en/commitments/rec/versions/{current.id}/",
        "/en/commitments/rec/",
        "/en/alerts/",
        "/en/commitments/rec/suggest/",
    ]:
        html = client.get(url).content.decode()
        assert "Pending title not approved" not in html, url
        assert "Secret note" not in html, url
        assert "secret editorial comment" not in html, url
    assert other.slug in client.get("/en/compare/?r=rec&r=other").content.decode()


# --- only what was live is history -----------------------------------------------------


@pytest.fixture
def clock():
    import time_machine

    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        yield start, traveller


def history_everywhere(client, record):
    """What the public sees of the record's history: the changes page, each version's page,
    the record page, and the record in the API."""
    pages = [
        client.get(f"/en/commitments/{record.slug}/changes/"),
        client.get(record.get_absolute_url()),
    ]
    pages += [
        client.get(f"/en/commitments/{record.slug}/versions/{version.id}/")
        for version in reversion.models.Version.objects.get_for_object(record)
    ]
    pages.append(client.get(f"/api/v1/commitments/{record.slug}/"))
    return " ".join(page.content.decode() for page in pages if page.status_code == 200)


def test_a_rescheduled_publication_never_shows_its_first_schedule(client, publisher, clock):
    from tests.writes import committed

    start, traveller = clock
    record = CommitmentFactory(slug="sched", title="Draft title", draft=True)
    with committed():
        services.save_commitment(
            user=publisher,
            commitment=record,
            status=Commitment.Status.PUBLISHED,
            publish_at=start + datetime.timedelta(days=1),
            fields={"title": "Never public scheduled title"},
        )
    traveller.move_to(start + datetime.timedelta(hours=1))
    with committed():
        services.save_commitment(
            user=publisher,
            commitment=record,
            publish_at=start + datetime.timedelta(days=2),
            fields={"title": "Rescheduled public title"},
            correction=True,
            comment="Rescheduled with a new title.",
        )
    traveller.move_to(start + datetime.timedelta(days=3))

    versions = published_versions(record)
    assert [(v.fields["title"], v.date, v.is_first) for v in versions] == [
        ("Rescheduled public title", start + datetime.timedelta(days=2), True)
    ]
    seen = history_everywhere(client, record)
    assert "Rescheduled public title" in seen
    assert "Never public scheduled title" not in seen


def test_a_publication_withdrawn_before_it_went_live_is_not_history(client, publisher, clock):
    from tests.writes import committed

    start, traveller = clock
    record = CommitmentFactory(slug="withdrawn", title="Draft title", draft=True)
    with committed():
        services.save_commitment(
            user=publisher,
            commitment=record,
            status=Commitment.Status.PUBLISHED,
            publish_at=start + datetime.timedelta(days=1),
            fields={"title": "Withdrawn before it went live"},
        )
    traveller.move_to(start + datetime.timedelta(hours=1))
    with committed():
        services.transition(
            record, Commitment.Status.DRAFT, user=publisher, comment="Not ready.", publish_at=None
        )
    traveller.move_to(start + datetime.timedelta(days=2))
    with committed():
        services.save_commitment(
            user=publisher,
            commitment=record,
            status=Commitment.Status.PUBLISHED,
            fields={"title": "Published for real"},
        )
    traveller.move_to(start + datetime.timedelta(days=3))

    versions = published_versions(record)
    assert [(v.fields["title"], v.date, v.is_first) for v in versions] == [
        ("Published for real", start + datetime.timedelta(days=2), True)
    ]
    seen = history_everywhere(client, record)
    assert "Published for real" in seen
    assert "Withdrawn before it went live" not in seen
