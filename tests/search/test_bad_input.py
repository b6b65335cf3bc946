"""Hostile or odd queries give a normal answer on every path: never a 500 or a syntax error."""

import pytest

from catalog import search
from catalog.filters import CommitmentFilterSet
from catalog.models import Commitment
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db

BAD_QUERIES = [
    "",
    "   ",
    "x" * 10_000,
    "word " * 2_000,
    "'",
    '"',
    "&",
    "|",
    "!",
    ":*",
    "\\",
    "%",
    "_",
    "'; DROP TABLE catalog_commitment; --",
    'money & | ! :* \\ % _ " laundering',
    "(internet",
    "internet)",
    "NEAR(a b)",
    "a AND OR NOT b",
    "title:internet",
    "^internet",
    "internet*",
    "🙂🙂🙂",
    "terrorism 🙂",
    "مكافحة الإرهاب",
    "\u202eterrorism\u202c",
    "\x00",
    "7/06/",
    "//",
    "MC.DEC/",
    "1" * 300,
    # Words with British/American variants become OR-groups inside a multi-word query.
    "online radicalisation",
    "organized crime and radicalisation policies",
]


@pytest.fixture
def catalogue_rows(db):
    """The two records these tests search, as the queryset they search: only them, so the
    expected counts hold on a worker where the package's seed catalogue is loaded too."""
    records = [
        CommitmentFactory(
            title="Decision on money laundering", symbol="PC.DEC/1", symbol_status="derived"
        ),
        CommitmentFactory(title="Decision on the internet"),
    ]
    return Commitment.objects.for_listing().filter(pk__in=[record.pk for record in records])


TITLES = {"Decision on money laundering", "Decision on the internet"}


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_search_function_answers_every_query(catalogue_rows, query):
    results = search.search_commitments(catalogue_rows, query)
    assert {commitment.title for commitment in results} <= TITLES


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_snippets_answer_every_query(catalogue_rows, query):
    assert len(search.snippets(catalogue_rows, query)) == 2


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_catalogue_filter_answers_every_query(catalogue_rows, query):
    filterset = CommitmentFilterSet({"search": query}, queryset=catalogue_rows)
    assert {commitment.title for commitment in filterset.qs} <= TITLES


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_search_page_answers_every_query(catalogue_rows, client, query):
    # The old search address redirects to the catalogue, the one results page.
    response = client.get("/en/search/", {"q": query}, follow=True)
    assert response.status_code == 200


def test_punctuation_around_words_still_finds_them(catalogue_rows):
    results = search.search_commitments(catalogue_rows, '"money" & laundering!')
    assert [commitment.title for commitment in results] == ["Decision on money laundering"]


def test_query_of_only_punctuation_finds_nothing(catalogue_rows):
    assert not search.search_commitments(catalogue_rows, "&|!:*").exists()


def test_empty_query_leaves_the_list_unchanged(catalogue_rows):
    assert search.search_commitments(catalogue_rows, "").count() == 2
