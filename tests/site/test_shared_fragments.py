"""With Redis, a catalogue page's large fragments (its rows, its facets) rendered by one worker
are reused by the others: a worker seeing a search for the first time reads no passages, no
facet names and renders no rows; a write still shows in every worker's next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import caching
from tests.factories import CommitmentFactory, ThemeFactory
from tests.site.helpers import html, titles
from tests.writes import correct

pytestmark = pytest.mark.django_db

URL = "/en/commitments/"


@pytest.fixture
def worker(shared_cache, settings):
    """Switches to a worker: its own fragment memory, the shared Redis of the test."""

    def use(name):
        settings.CACHES = {
            "default": settings.CACHES["default"],
            caching.FRAGMENTS: {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"test-shared-fragments-{name}",
            },
        }
        caching.worker_cache().clear()

    return use


def selects(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries if q["sql"].startswith("SELECT")]


def test_a_search_rendered_by_one_worker_is_reused_by_another(client, worker):
    theme = ThemeFactory(name="Harbours", slug="harbours")
    for n in range(3):
        CommitmentFactory(title=f"Decision on harbour safety {n}", themes=[theme], year=2000 + n)
    worker("first")
    first, first_queries = selects(client, {"search": "harbour"})
    # The rows, their passages, the facets and the terms they name, …
    assert len(first_queries) >= 8

    worker("second")
    second, second_queries = selects(client, {"search": "harbour"})

    assert html(second) == html(first)
    # No query: the search's ranking names the page's rows, and they are rendered already.
    assert second_queries == []
    assert sorted(titles(second)) == [f"Decision on harbour safety {n}" for n in (0, 1, 2)]


def test_a_correction_shows_in_every_workers_next_request(client, worker):
    record = CommitmentFactory(title="Decision on harbour safety")
    worker("first")
    assert titles(client.get(URL)) == ["Decision on harbour safety"]
    worker("second")
    assert titles(client.get(URL)) == ["Decision on harbour safety"]

    correct(record, title="Decision on port safety")

    assert titles(client.get(URL)) == ["Decision on port safety"]
    worker("first")
    assert titles(client.get(URL)) == ["Decision on port safety"]


def test_a_record_page_kept_in_a_workers_memory_follows_a_correction(client, worker):
    record = CommitmentFactory(title="Decision on harbour safety")
    address = record.get_absolute_url()
    worker("first")
    assert "Decision on harbour safety" in html(client.get(address))
    with CaptureQueriesContext(connection) as queries:
        assert "Decision on harbour safety" in html(client.get(address))
    assert [q for q in queries if q["sql"].startswith("SELECT")] == []  # kept

    correct(record, title="Decision on port safety")

    page = html(client.get(address))
    assert "Decision on port safety" in page
    assert "Decision on harbour safety" not in page
    worker("second")
    assert "Decision on port safety" in html(client.get(address))
