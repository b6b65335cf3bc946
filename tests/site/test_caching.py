"""Catalogue-wide aggregates (facet counts, home figures) are cached, but never stale."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import caching
from tests.factories import CommitmentFactory, ThemeFactory
from tests.writes import move

from .helpers import facet

URL = reverse("catalog:commitment_list")

pytestmark = pytest.mark.django_db


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_a_repeated_catalogue_request_reuses_the_facet_counts(client):
    CommitmentFactory.create_batch(3, themes=[ThemeFactory()])
    first = count_queries(client, URL)
    assert count_queries(client, URL) < first


def test_a_repeated_home_request_reuses_the_figures(client):
    CommitmentFactory.create_batch(3, themes=[ThemeFactory()])
    first = count_queries(client, reverse("catalog:home"))
    assert count_queries(client, reverse("catalog:home")) < first


def test_facet_counts_follow_a_publication_at_once(client):
    theme = ThemeFactory(name="Cyber security", slug="cyber")
    CommitmentFactory(themes=[theme])
    draft = CommitmentFactory(themes=[theme], draft=True)
    assert facet(client.get(URL), "theme")["cyber"] == 1
    move(draft, "published")
    assert facet(client.get(URL), "theme")["cyber"] == 2


def test_home_figures_follow_an_unpublication_at_once(client):
    published = CommitmentFactory.create_batch(2)
    assert client.get(reverse("catalog:home")).context["figures"]["commitments"] == 2
    move(published[0], "archived")
    assert client.get(reverse("catalog:home")).context["figures"]["commitments"] == 1


def test_facet_counts_are_cached_per_filter(client):
    theme = ThemeFactory(name="Cyber security", slug="cyber")
    CommitmentFactory(themes=[theme], year=2010)
    CommitmentFactory(themes=[theme], year=2020)
    assert facet(client.get(URL), "theme")["cyber"] == 2
    assert facet(client.get(URL, {"year_from": 2015}), "theme")["cyber"] == 1


def test_a_scheduled_publication_reaches_the_counts_when_it_comes_due(client):
    import datetime

    import time_machine
    from django.utils import timezone

    due = timezone.now() + datetime.timedelta(minutes=10)
    theme = ThemeFactory(name="Cyber security", slug="cyber")
    CommitmentFactory(themes=[theme])
    CommitmentFactory(themes=[theme], publish_at=due)
    assert facet(client.get(URL), "theme")["cyber"] == 1
    assert facet(client.get(URL), "theme")["cyber"] == 1  # cached, no write since
    with time_machine.travel(due + datetime.timedelta(seconds=1)):
        # No write happened: the catalogue version itself knows the moment had come.
        assert facet(client.get(URL), "theme")["cyber"] == 2


def test_cached_counts_do_not_depend_on_the_clock(client):
    from catalog import caching

    CommitmentFactory.create_batch(2)
    calls = []
    assert caching.cached("probe", (), lambda: calls.append(1) or len(calls)) == 1
    assert caching.cached("probe", (), lambda: calls.append(1) or len(calls)) == 1
    assert caching.catalogue_version() == caching.catalogue_version()


def test_a_migrate_run_starts_a_new_catalogue_version():
    """Every deploy runs migrate: values cached by an older release are never read again."""
    before = caching.catalogue_version()
    call_command("migrate", verbosity=0)
    assert caching.catalogue_version() != before


@pytest.mark.parametrize("page_cache", [True, False])
def test_a_page_reads_the_catalogue_version_once(client, settings, monkeypatch, page_cache):
    """A GET reads the catalogue version from the shared cache once (with its page entry when
    the page cache is on), however many parts of it — the thesaurus, the facets, the search
    ranking, each row's fragment — need it; a search page asked for it ten times before."""
    settings.PAGE_CACHE_ENABLED = page_cache
    theme = ThemeFactory(name="Cyber security")
    CommitmentFactory(title="Decision on the internet", themes=[theme])
    backend = caching.cache._connections[caching.cache._alias]
    reads = []
    real_get_many = backend.get_many

    def counting_get_many(keys, *args, **kwargs):
        if caching.VERSION_KEY in keys:
            reads.append(keys)
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(backend, "get_many", counting_get_many)
    response = client.get(reverse("catalog:commitment_list"), {"search": "internet"})

    assert response.status_code == 200
    assert "Decision on the internet" in response.content.decode()
    assert len(reads) == 1


def test_the_catalogue_counts_its_facets_from_the_home_pages_counts(client):
    """Without filters, the catalogue's facets are the counts the home page and the lists show
    (`published_counts`, once per catalogue version for all of them): after the home page has
    counted the records per theme and per category, the catalogue does not count them again."""
    theme = ThemeFactory(name="Cyber security", slug="cyber")
    CommitmentFactory(title="Decision A", themes=[theme])
    CommitmentFactory(title="Decision B", themes=[theme])
    assert client.get(reverse("catalog:home")).status_code == 200

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("catalog:commitment_list"))

    grouped = [query["sql"] for query in captured.captured_queries if "GROUP BY" in query["sql"]]
    assert len(grouped) == 3  # kind, organisation and body: the home page shows none of them
    assert not any("themes" in sql or "categoryassignment" in sql for sql in grouped)
    assert facet(response, "theme") == {"cyber": 2}
