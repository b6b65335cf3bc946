"""Every list endpoint runs a fixed number of queries, whatever the page size or row count."""

import pickle

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from catalog.models import Commitment, Institution, Theme
from tests.factories import (
    ActivityCategoryFactory,
    CategoryAssignmentFactory,
    CommitmentFactory,
    CommitmentRelationFactory,
    InstitutionFactory,
    OrganisationFactory,
    SourceFactory,
    ThemeFactory,
    batch,
)
from tests.resources import built_once
from tests.writes import correct

ENDPOINTS = ["commitments", "institutions", "organisations", "themes", "categories"]


def build_catalogue(rows):
    """`rows` records of every kind, each fully linked, so every prefetch has work to do
    (indexed once, when they are all written: tests/factories.py `batch`)."""
    with batch():
        _build_catalogue(rows)


def _build_catalogue(rows):
    organisation = OrganisationFactory()
    partners = OrganisationFactory.create_batch(2)
    parent = InstitutionFactory(organisation=organisation)
    previous = None
    for _ in range(rows):
        body = InstitutionFactory(organisation=organisation, parent=parent)
        other = OrganisationFactory()
        other.partners.set(partners)
        theme = ThemeFactory()
        category = ActivityCategoryFactory()
        commitment = CommitmentFactory(adopting_body=body, themes=[theme])
        CategoryAssignmentFactory(commitment=commitment, category=category)
        SourceFactory(commitment=commitment)
        if previous is not None:
            CommitmentRelationFactory(source=commitment, target=previous)
        previous = commitment


def count_queries(client, url, page_size, warm=False):
    """Queries of one request; a cold cache unless `warm` (then what a repeat costs)."""
    if not warm:
        cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def catalogue_of_10(db):
    build_catalogue(10)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_query_count_does_not_depend_on_page_size(client, catalogue_of_10, endpoint):
    url = f"/api/v1/{endpoint}/"

    assert count_queries(client, url, 5) == count_queries(client, url, 100)


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("commitments", 16),
        ("institutions", 12),
        ("organisations", 12),
        ("themes", 11),
        ("categories", 11),
    ],
)
def test_query_count_is_pinned(client, catalogue_of_10, endpoint, expected):
    # With a cold cache: each includes the request's savepoint pair, the catalogue version's
    # next-scheduled-publication lookup and five aggregates for the ETag; the vocabularies
    # also the one grouped query of their published counts; the commitments the page's ids,
    # then the records not cached yet with everything they nest (the page query, 5 more).
    assert count_queries(client, f"/api/v1/{endpoint}/", 100) == expected


@pytest.fixture(scope="class")  # undone when the class below is done
def counts_with_ten(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker):
        build_catalogue(10)
        client = Client()
        counts = {
            endpoint: count_queries(client, f"/api/v1/{endpoint}/", 100) for endpoint in ENDPOINTS
        }
        translation.activate(django_settings.LANGUAGE_CODE)
        build_catalogue(190)
        yield counts


class TestQueryCountDoesNotGrowWithRows:
    """Each list endpoint's queries with 10 records of every kind, then with 200. The
    catalogue is built once for the class, inside a transaction rolled back after it (like
    Django's `setUpTestData`): with 10 records every endpoint's count is taken on the way
    (a cold cache each), then it grows to 200 and each test counts its endpoint again."""

    @pytest.mark.parametrize("endpoint", ENDPOINTS)
    def test_query_count_does_not_grow_with_rows(self, client, db, counts_with_ten, endpoint):
        assert Commitment.objects.count() == 200
        assert count_queries(client, f"/api/v1/{endpoint}/", 100) == counts_with_ten[endpoint]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_repeated_list_request_neither_aggregates_nor_counts_again(
    client, catalogue_of_10, endpoint
):
    """The conditional-GET state and the count are cached under the catalogue version."""
    url = f"/api/v1/{endpoint}/"
    cold = count_queries(client, url, 5)
    # Another page size is another answer: the version lookup, the five state aggregates and
    # the COUNT (and a vocabulary's published counts) are not repeated, the page is fetched.
    saved = 7 if endpoint == "commitments" else 8
    assert count_queries(client, url, 7, warm=True) == cold - saved
    assert count_queries(client, url, 9, warm=True) == cold - saved


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("query", [{}, {"format": "csv"}])
def test_a_repeated_anonymous_answer_costs_no_query(client, catalogue_of_10, endpoint, query):
    """The answer itself is kept, and served by the page cache before the view's transaction
    (catalog/api/answers.py)."""
    url = f"/api/v1/{endpoint}/"
    client.get(url, query)

    with CaptureQueriesContext(connection) as context:
        assert client.get(url, query).status_code == 200
    assert len(context.captured_queries) == 0


@pytest.mark.parametrize(
    ("endpoint", "expected", "kept"),
    # A commitment's answer is kept under its own stamp: one more query (its id by slug) when
    # it is computed.
    [("commitments", 15, 0), ("institutions", 11, 0), ("themes", 10, 0)],
)
def test_detail_query_count_is_pinned(client, catalogue_of_10, endpoint, expected, kept):
    model = {"commitments": Commitment, "institutions": Institution, "themes": Theme}[endpoint]
    url = f"/api/v1/{endpoint}/{model.objects.order_by('pk').last().slug}/"
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).status_code == 200

    assert (len(cold.captured_queries), len(again.captured_queries)) == (expected, kept)


def test_list_rows_follow_a_change_at_once(client, db):
    commitment = CommitmentFactory(title="Decision as first adopted")
    url = "/api/v1/commitments/"
    assert client.get(url).json()["results"][0]["title"] == "Decision as first adopted"
    assert client.get(url).json()["results"][0]["title"] == "Decision as first adopted"
    correct(commitment, title="Decision as corrected")
    assert client.get(url).json()["results"][0]["title"] == "Decision as corrected"
    # The links keep the format parameter: a CSV page's rows are not a JSON page's.
    rows = client.get(url, {"format": "json"}).json()["results"]
    assert rows[0]["url"].endswith("?format=json")
    assert not client.get(url).json()["results"][0]["url"].endswith("?format=json")


def test_a_rendered_list_of_cached_records_reads_only_the_page_of_ids(
    client, catalogue_of_10, settings
):
    """With the answers not kept, the records' representations still are (per version)."""
    settings.PAGE_CACHE_ENABLED = False
    url = "/api/v1/commitments/"
    first = client.get(url, {"page_size": 100}).json()
    with CaptureQueriesContext(connection) as context:
        again = client.get(url, {"page_size": 100, "ordering": "title"}).json()
    selects = [
        query["sql"] for query in context.captured_queries if query["sql"].startswith("SELECT")
    ]
    assert len(selects) == 1  # the page of ids: the count and the state are cached too
    assert sorted(row["id"] for row in again["results"]) == sorted(
        row["id"] for row in first["results"]
    )
    assert again["results"] == sorted(first["results"], key=lambda row: row["title"])


def test_kept_representations_hold_plain_data_not_records(client, catalogue_of_10, settings):
    """What the cache keeps for a record is the serializer's output as plain data: strings,
    numbers, lists and dicts. (DRF's hyperlinks carry the whole record with everything
    prefetched on it: kept with them, a record's entry was ~15 times larger and most of an
    uncached API list's time went into unpickling them.)"""
    settings.PAGE_CACHE_ENABLED = False
    cache.clear()
    rows = client.get("/api/v1/commitments/", {"page_size": 100}).json()["results"]
    kept = [  # the tests' cache is the local-memory one: its entries are pickled
        pickle.loads(value)[2]
        for key, value in cache._cache.items()
        if ":record:api-commitment:" in key
    ]
    assert len(kept) == 10

    def kinds(value):
        if isinstance(value, dict):
            return {type(value)} | set().union(*(kinds(item) for item in value.values()))
        if isinstance(value, list):
            return {type(value)} | set().union(*(kinds(item) for item in value))
        return {type(value)}

    assert set().union(*(kinds(row) for row in kept)) <= {dict, list, str, int, bool, type(None)}
    assert {row["url"] for row in kept} == {row["url"] for row in rows}
    assert all(type(theme["url"]) is str for row in kept for theme in row["themes"])
