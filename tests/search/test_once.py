"""A search runs once per request for the list and every facet (issue 17, item 3): the
candidates are found once, in the records every facet counts from, and the list and each
facet narrowed by a theme, a category or a body take theirs from them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import search
from tests.factories import (
    ActivityCategoryFactory,
    CategoryAssignmentFactory,
    CommitmentFactory,
    InstitutionFactory,
    ThemeFactory,
)
from tests.site.helpers import facet

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("catalog:commitment_list")


def text_searches(captured):
    """The statements that match the words against the records' documents."""
    if connection.vendor == "postgresql":
        return [sql for sql in captured if "catalog_searchdocument" in sql and "@@" in sql]
    return [sql for sql in captured if search.FTS_TABLE in sql and "bm25(" in sql]


def rows(html):
    return html.count('class="commitment-row"')


@pytest.fixture
def glaciers():
    north, south = ThemeFactory(slug="north"), ThemeFactory(slug="south")
    category = ActivityCategoryFactory(slug="monitoring")
    body = InstitutionFactory(slug="glaciers-council")
    first = CommitmentFactory(title="Decision on northern glaciers", themes=[north])
    CategoryAssignmentFactory(commitment=first, category=category)
    CommitmentFactory(title="Decision on southern glaciers", themes=[south], adopting_body=body)
    CommitmentFactory(title="Decision on glaciers and rivers", themes=[north, south])
    CommitmentFactory(title="Decision on rivers", themes=[north])


@pytest.mark.parametrize(
    ("filters", "expected_rows"),
    [
        ({}, 3),
        ({"theme": "north"}, 2),
        ({"theme": "north", "category": "monitoring"}, 1),
        ({"theme": ["north", "south"], "body": "glaciers-council"}, 1),
        ({"theme": "south", "year_from": 1900}, 2),
    ],
)
def test_the_catalogue_searches_once_whatever_the_facet_filters(
    client, glaciers, filters, expected_rows
):
    with CaptureQueriesContext(connection) as context:
        response = client.get(CATALOGUE, {"search": "glaciers", **filters})
    assert response.status_code == 200
    assert rows(response.content.decode()) == expected_rows
    assert len(text_searches(query["sql"] for query in context.captured_queries)) == 1


def test_each_facet_of_a_filtered_search_counts_the_other_filters(client, glaciers):
    response = client.get(CATALOGUE, {"search": "glaciers", "theme": "north"})
    # The theme facet ignores the chosen theme; the others count the search and the theme.
    assert facet(response, "theme") == {"north": 2, "south": 2}
    assert facet(response, "category") == {"monitoring": 1}


def test_a_capped_common_search_lets_each_narrower_set_search_on_its_own(
    client, glaciers, monkeypatch
):
    """Beyond CANDIDATE_LIMIT matches the common candidates are only the newest: a theme's
    matches are then searched among the theme's records, not taken from them."""
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 1)
    response = client.get(CATALOGUE, {"search": "glaciers", "theme": "south"})
    assert rows(response.content.decode()) == 2


def test_the_api_list_searches_its_own_set_once_even_when_capped(client, glaciers, monkeypatch):
    """The API counts no facets: its list searches the records its filters leave, once, and
    never first the wider set the catalogue's facets would need."""
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 1)
    with CaptureQueriesContext(connection) as context:
        response = client.get(
            reverse("api:commitment-list"), {"search": "glaciers", "theme": "south"}
        )
    assert response.status_code == 200
    assert len(text_searches(query["sql"] for query in context.captured_queries)) == 1
