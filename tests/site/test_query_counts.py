"""Each page and export runs a fixed number of queries, whatever the number of records."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ActivityCategoryFactory,
    CategoryAssignmentFactory,
    CommitmentFactory,
    CommitmentRelationFactory,
    InstitutionFactory,
    SourceFactory,
    ThemeFactory,
    batch,
)

pytestmark = pytest.mark.django_db

FILTERS = {"theme": "qc-theme", "kind": "decision", "year_from": "2000", "body": "qc-body"}


@pytest.fixture
def grow():
    """Adds `n` published records sharing themes, a category and a body, with relations."""
    themes = [ThemeFactory(slug="qc-theme"), ThemeFactory()]
    category = ActivityCategoryFactory()
    body = InstitutionFactory(slug="qc-body")

    def add(n):
        with batch():  # indexed once, when they are all written (tests/factories.py)
            records = CommitmentFactory.create_batch(n, themes=themes, adopting_body=body)
            for record in records:
                CategoryAssignmentFactory(commitment=record, category=category)
        return records

    return add


def count_queries(client, url, query=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query or {})
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    # Transaction control (ATOMIC_REQUESTS) shows up on SQLite only; count the data queries.
    return sum(
        1
        for query in queries
        if not query["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))
    )


@pytest.mark.parametrize(
    "url",
    [
        reverse("catalog:home"),
        reverse("catalog:commitment_list"),
        reverse("catalog:commitment_export_csv"),
        reverse("catalog:commitment_export_json"),
        reverse("catalog:commitment_feed"),
    ],
)
@pytest.mark.parametrize("query", [None, FILTERS], ids=["all", "filtered"])
def test_query_count_is_the_same_for_5_and_50_records(client, grow, url, query):
    grow(5)
    five = count_queries(client, url, query)
    grow(45)
    assert count_queries(client, url, query) == five


def test_catalogue_page_query_count_is_pinned(client, grow):
    grow(30)
    # five facets (one GROUP BY each, by the term's id; the kind facet also gives the count)
    # and the page's rows (a row shows no themes or categories); read once per catalogue
    # version for every page: the four facets' terms (their names, in every language) and
    # the terms publishers added to the thesaurus (the rows' abbreviations are expanded with
    # them), and the institutions the rows name as their adopting bodies
    assert count_queries(client, reverse("catalog:commitment_list")) == 12
    # Another address of the same version: its five facets, its rows and the themes, which
    # the filter form checks the theme it names against (read once per catalogue version,
    # like the institutions, read for the rows above, that it checks the body against).
    assert count_queries(client, reverse("catalog:commitment_list"), FILTERS) == 7
    # A third, with another kind: its rows and four facets (the kind facet, which counts
    # without the kind asked for, is the second address's).
    third = {**FILTERS, "kind": "charter"}
    assert count_queries(client, reverse("catalog:commitment_list"), third) == 5


def test_catalogue_query_count_does_not_grow_with_the_number_of_bodies(client, grow):
    grow(5)
    before = count_queries(client, reverse("catalog:commitment_list"))
    for body in InstitutionFactory.create_batch(20):
        CommitmentFactory(adopting_body=body)
    assert count_queries(client, reverse("catalog:commitment_list")) == before


def test_commitment_page_query_count_does_not_grow_with_relations_and_sources(client, grow):
    record = grow(1)[0]

    def measure():
        return count_queries(client, record.get_absolute_url())

    others = grow(2)
    for other in others:
        CommitmentRelationFactory(source=record, target=other)
    SourceFactory(commitment=record)
    ContentType.objects.get_for_model(record)  # a lookup cached once per process, not per page
    few = measure()
    for other in grow(10):
        CommitmentRelationFactory(source=record, target=other)
        CommitmentRelationFactory(source=other, target=record, kind="references")
        SourceFactory(commitment=record)
    assert measure() == few
