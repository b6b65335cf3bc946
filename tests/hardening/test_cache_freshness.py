"""With Redis, a publish or a withdrawal shows in the next request of every worker.

Two workers are two Redis cache clients of their own (separate connection pools, as two
gunicorn processes hold); the catalogue's cached figures live under the shared catalogue
version, so a write seen by one is seen by the other at once.
"""

import pytest

from catalog import caching
from catalog.models import Commitment
from tests import resources
from tests.factories import CommitmentFactory, ThemeFactory
from tests.site.helpers import facet
from tests.writes import move


@pytest.fixture(params=["shared cache", "shared cache and fragments"])
def workers(request, monkeypatch, settings):
    """Two workers; with "fragments", each worker's memory as well (where a worker keeps what
    it read from the shared cache under the catalogue version: one memory here, for both)."""
    first = resources.redis_cache()
    second = resources.redis_cache(first.key_prefix)
    settings.CACHES = {"default": resources.redis_cache_settings(first.key_prefix)}
    if "fragments" in request.param:
        settings.CACHES[caching.FRAGMENTS] = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-freshness-fragments",
        }

    def use(worker):
        monkeypatch.setattr(caching, "cache", worker)

    yield {"first": lambda: use(first), "second": lambda: use(second)}
    first.clear()


@pytest.fixture
def records(db):
    theme = ThemeFactory(name="Freshness", slug="freshness")
    return [CommitmentFactory(themes=[theme]) for _ in range(3)]


def theme_count(client):
    return facet(client.get("/en/commitments/"), "theme").get("freshness", 0)


def test_a_withdrawal_shows_in_the_next_request_of_another_worker(client, workers, records):
    workers["first"]()
    assert theme_count(client) == 3
    workers["second"]()
    assert theme_count(client) == 3  # both workers now hold the cached figures

    workers["first"]()
    record = records[0]
    move(record, Commitment.Status.DRAFT)  # the withdrawal is handled by the first worker

    workers["second"]()
    assert theme_count(client) == 2


def test_a_publish_shows_in_the_next_request_of_another_worker(client, workers, records):
    draft = CommitmentFactory(draft=True, themes=[records[0].themes.get()])
    workers["first"]()
    assert theme_count(client) == 3
    workers["second"]()
    assert theme_count(client) == 3

    move(draft, Commitment.Status.PUBLISHED)  # published through the second worker

    workers["first"]()
    assert theme_count(client) == 4
