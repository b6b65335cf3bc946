"""Rendered fragments (result rows, the facet block, header and footer) and the data of a
record's page are reused for one catalogue version only: a change shows at once, and rows of
different searches never mix."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import caching
from catalog.editorial import reference
from catalog.models import Commitment, Institution
from tests.factories import CommitmentFactory, InstitutionFactory
from tests.writes import committed, correct, move, publisher

URL = reverse("catalog:commitment_list")

pytestmark = pytest.mark.django_db


def html(client, params=None):
    response = client.get(URL, params or {})
    assert response.status_code == 200
    return response.content.decode()


def test_a_renamed_body_shows_in_every_row_at_once(client):
    body = InstitutionFactory(name="Council of Old Names")
    CommitmentFactory.create_batch(2, adopting_body=body)
    rows = '<span class="body">{}</span>'
    assert html(client).count(rows.format("Council of Old Names")) == 2
    with committed():
        reference.save_reference(
            user=publisher(),
            model=Institution,
            record=body,
            fields={"name": "Council of New Names"},
        )
    page = html(client)
    assert page.count(rows.format("Council of New Names")) == 2
    assert "Council of Old Names" not in page  # in no row, nor in the body facet


def test_a_row_is_rendered_once_per_catalogue_version(client):
    record = CommitmentFactory(title="Decision on rendering once")
    assert "Decision on rendering once" in html(client)
    # A change that bypasses the catalogue's writes (and so keeps its version) is not seen on
    # another page showing the row: the row comes from the fragment cache...
    Commitment.objects.filter(pk=record.pk).update(title="Decision on rendering twice")
    assert "Decision on rendering once" in html(client, {"ordering": "title"})
    # ...until the catalogue version changes, as every write through the site makes it.
    caching.new_catalogue_version()
    page = html(client, {"ordering": "title"})
    assert "Decision on rendering twice" in page
    assert "Decision on rendering once" not in page


def test_rows_of_different_searches_keep_their_own_marks(client):
    CommitmentFactory(title="Decision on cyber security")
    assert "<mark>cyber</mark> security" in html(client, {"search": "cyber"})
    page = html(client, {"search": "security"})
    assert "cyber <mark>security</mark>" in page
    assert "<mark>cyber</mark>" not in page


def test_pages_render_without_a_fragment_cache(client, settings):
    settings.CACHES = {"default": settings.CACHES["default"]}
    CommitmentFactory(title="Decision rendered every time")
    assert "Decision rendered every time" in html(client)


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len([query for query in queries if query["sql"].startswith("SELECT")])


def test_a_record_page_is_built_from_the_database_once_per_catalogue_version(client):
    record = CommitmentFactory(title="Decision on a cached page")
    assert count_queries(client, record.get_absolute_url()) > 0
    # The page again, past the page cache: no query at all.
    cache.delete_many([key.split(":", 2)[2] for key in list(cache._cache) if ":page:" in key])  # noqa: SLF001
    assert count_queries(client, record.get_absolute_url()) == 0


def test_a_record_page_follows_an_edit_and_an_unpublication_at_once(client):
    record = CommitmentFactory(title="Decision before the edit")
    assert "Decision before the edit" in client.get(record.get_absolute_url()).content.decode()
    record = correct(record, title="Decision after the edit")
    assert "Decision after the edit" in client.get(record.get_absolute_url()).content.decode()
    move(record, Commitment.Status.ARCHIVED)
    assert client.get(record.get_absolute_url()).status_code == 404
