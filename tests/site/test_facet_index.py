"""The facet index (catalog/facetindex.py): the counts of any filters from bitsets of the
published catalogue, built off the request path, and the same numbers the database gives."""

from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalog import caching, facetindex, search, tasks
from catalog.editorial import services
from catalog.editorial.reference import delete_reference
from catalog.filters import CommitmentFilterSet
from catalog.models import Commitment, Theme
from tests.factories import CommitmentFactory
from tests.writes import committed, correct, move, publisher

# Every filter the index holds, alone and combined, with a search or without; sub-bodies on
# and off; terms no published record has (the hidden records' years and category).
FILTERS = [
    {},
    {"kind": ["decision"]},
    {"kind": ["decision", "declaration"]},
    {"theme": ["internet"]},
    {"theme": ["internet", "youth"]},
    {"category": ["propaganda"]},
    {"category": ["financing", "propaganda"], "theme": ["internet"]},
    {"body": ["secretariat"]},
    {"body": ["secretariat"], "include_sub_bodies": "on"},
    {"body": ["mc", "ga"], "kind": ["resolution"]},
    {"organisation": "osce"},
    {"organisation": "un", "theme": ["youth"]},
    {"year_from": 2010},
    {"year_to": 2015},
    {"year_from": 2007, "year_to": 2018, "theme": ["internet"]},
    {"year_from": 2010, "year_to": 2010},  # only hidden records have this year
    {"kind": ["declaration"], "theme": ["youth"], "category": ["propaganda"], "year_to": 2020},
    {"search": "internet"},
    {"search": "youth", "theme": ["internet"]},
    {"search": "security", "kind": ["declaration"], "year_from": 2000},
    {"search": "compilation", "body": ["secretariat"], "include_sub_bodies": "on"},
    {"search": "wordnorecordhas"},
]


def filterset(data):
    found = CommitmentFilterSet(
        QueryDict(urlencode(data, doseq=True)),
        queryset=Commitment.objects.for_rows().newest_first(),
    )
    found.shares_search = True  # as the catalogue page, which counts facets, asks
    return found


def facets_and_queries(data):
    with CaptureQueriesContext(connection) as context:
        facets = filterset(data).facets()
    return facets, [query["sql"] for query in context.captured_queries]


def counted_both_ways(data):
    """The facets of `data` counted in the database (no index), then, under a new version,
    with the index: (from the database, from the index, the index's queries)."""
    cache.clear()  # a new catalogue version: nothing counted, no index
    counted, _queries = facets_and_queries(data)
    cache.clear()
    facetindex.store(caching.catalogue_version())
    indexed, queries = facets_and_queries(data)
    return counted, indexed, queries


@pytest.mark.django_db
def test_the_index_gives_every_filter_the_counts_the_database_gives(catalogue, hidden):
    for data in FILTERS:
        counted, indexed, queries = counted_both_ways(data)

        assert indexed == counted, data
        assert not [sql for sql in queries if "GROUP BY" in sql], data
        assert filterset(data).indexed_count() == filterset(data).qs.count(), data


@pytest.mark.django_db
def test_a_search_with_more_matches_than_it_ranks_counts_its_candidates(
    catalogue, hidden, monkeypatch
):
    """Beyond CANDIDATE_LIMIT matches a search ranks the newest ones: without a facet's
    filter every facet counts those candidates, from the index too; with one, each facet
    searches its own set, in the database."""
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 1)
    found = {}
    for data, from_index in (
        ({"search": "internet"}, True),
        ({"search": "internet", "year_to": 2019}, True),
        ({"search": "internet", "theme": ["youth"]}, False),
    ):
        counted, indexed, queries = counted_both_ways(data)

        assert indexed == counted, data
        assert bool([sql for sql in queries if "GROUP BY" in sql]) is not from_index, data
        expected = filterset(data).qs.count() if from_index else None
        assert filterset(data).indexed_count() == expected, data
        found[tuple(data)] = indexed
    # The page reads "1+": CANDIDATE_LIMIT + 1 candidates.
    assert sum(option["count"] for option in found[("search",)]["kind"]) == 2


def test_the_index_holds_published_records_only(catalogue, hidden):
    index = facetindex.FacetIndex.build()

    published = set(Commitment.objects.published().values_list("pk", flat=True))
    assert len(published) == 4
    assert index.universe == facetindex.bitset(published)
    assert index.counts("theme", index.universe) == {
        catalogue.internet.pk: 3,
        catalogue.youth.pk: 2,
    }
    # Every hidden record has the year 2010 and the category "financing".
    assert 2010 not in index.sets["year"]
    assert index.counts("category", index.universe) == {
        catalogue.propaganda.pk: 2,
        catalogue.financing.pk: 1,
    }


def test_the_counts_of_a_filter_nobody_asked_for_come_from_the_index_after_a_write(
    client, catalogue, shared_cache
):
    # A write: its re-warming task (run at once here) builds the new version's index.
    correct(catalogue.strategy, title="Global strategy resolution, corrected")
    assert cache.get(facetindex._key(caching.catalogue_version())) is not None

    with CaptureQueriesContext(connection) as context:
        response = client.get("/en/commitments/", {"theme": "youth", "year_from": 2010})

    assert response.status_code == 200
    assert not [q for q in context.captured_queries if "GROUP BY" in q["sql"]]
    facets = response.context["facets"]
    assert {option["value"]: option["count"] for option in facets["kind"]} == {
        "declaration": 1,
        "resolution": 1,
    }
    assert {option["value"]: option["count"] for option in facets["theme"]} == {
        "internet": 2,  # youth declaration (2015), unit compilation (2018)
        "youth": 2,
    }
    assert response.context["page_obj"].paginator.count == 2


def test_a_publication_is_in_the_next_versions_index(client, catalogue, shared_cache):
    record = CommitmentFactory(
        title="Declaration made later", kind="declaration", year=2024, draft=True
    )
    client.get("/en/commitments/", {"year_from": 2021})  # asked before: nothing there

    move(record, "in_review")
    move(record, "published")

    with CaptureQueriesContext(connection) as context:
        response = client.get("/en/commitments/", {"year_from": 2021})

    assert not [q for q in context.captured_queries if "GROUP BY" in q["sql"]]
    assert {option["value"]: option["count"] for option in response.context["facets"]["kind"]} == {
        "declaration": 1
    }
    assert [row.title for row in response.context["commitments"]] == ["Declaration made later"]


def test_the_minute_task_indexes_a_version_made_without_a_write(catalogue, shared_cache):
    caching.new_catalogue_version()  # e.g. a rebuilt search index

    assert tasks.index_facets.enqueue().return_value is True
    assert tasks.index_facets.enqueue().return_value is False  # already there
    assert facetindex.current().universe == facetindex.bitset(
        Commitment.objects.published().values_list("pk", flat=True)
    )


def test_without_a_shared_cache_no_process_builds_an_index_for_others(catalogue):
    assert tasks.index_facets.enqueue().return_value is False
    assert facetindex.current() is None


def test_the_api_counts_a_filter_nobody_asked_for_from_the_index(client, catalogue, shared_cache):
    correct(catalogue.strategy, title="Global strategy resolution, corrected")

    with CaptureQueriesContext(connection) as context:
        response = client.get(
            "/api/v1/commitments/", {"theme": "internet", "year_from": 2010, "page_size": 1}
        )

    assert response.status_code == 200
    assert response.json()["count"] == 2  # youth declaration (2015), unit compilation (2018)
    assert [row["id"] for row in response.json()["results"]] == ["unit-compilation"]
    assert not [q for q in context.captured_queries if "__count" in q["sql"]]


def test_without_an_index_the_api_counts_in_the_database(client, catalogue):
    with CaptureQueriesContext(connection) as context:
        response = client.get("/api/v1/commitments/", {"theme": "internet", "year_from": 2010})

    assert response.json()["count"] == 2
    assert len([q for q in context.captured_queries if "__count" in q["sql"]]) == 1


def whole_reads(queries):
    """The queries of a build: every published record's terms, grouped."""
    return [sql for sql in queries if "STRING_AGG" in sql or "GROUP_CONCAT" in sql]


def write_and_capture(write):
    with CaptureQueriesContext(connection) as context:
        write()
    return [query["sql"] for query in context.captured_queries]


def assert_is_a_build(index):
    built = facetindex.FacetIndex.build()
    assert index.sets == built.sets
    assert index.universe == built.universe


def delete_theme(theme):
    with committed():
        delete_reference(user=publisher(), record=theme)


def test_a_writes_index_is_the_previous_one_with_the_changed_records_read_again(
    catalogue, hidden, shared_cache
):
    """Each write's re-warming task (run at once here) updates the newest index with the
    records the write changed, reading no other record; the result is what a build of every
    record gives, whatever the write did to the facets."""
    facetindex.rebuild(caching.catalogue_version())

    def save(record, **parts):
        with committed():
            services.save_commitment(
                user=publisher(), commitment=record, correction=True, comment="Test.", **parts
            )

    writes = {
        "a title corrected": lambda: correct(catalogue.strategy, title="Strategy, corrected"),
        "kind, year and body changed": lambda: correct(
            catalogue.youth_declaration, kind="statement", year=2016, adopting_body=catalogue.unit
        ),
        "themes and categories changed": lambda: save(
            catalogue.strategy,
            themes=[catalogue.internet],
            category_assignments=[{"category": catalogue.financing, "note": "Yes."}],
        ),
        "a draft published": lambda: (
            move(hidden["draft"], "in_review"),
            move(hidden["draft"], "published"),
        ),
        "a record archived": lambda: move(catalogue.unit_compilation, "archived"),
        "a theme deleted": lambda: delete_theme(catalogue.youth),
    }
    for name, write in writes.items():
        queries = write_and_capture(write)

        index = facetindex.current()
        assert index is not None, name
        assert not whole_reads(queries), name
        assert_is_a_build(index)
    assert not Theme.objects.filter(slug="youth").exists()
    assert catalogue.youth.pk not in index.sets["theme"]
    assert index.sets["year"].keys() == {2006, 2010, 2016, 2020}


def test_the_home_figures_and_the_catalogues_totals_come_from_the_updated_index(
    client, catalogue, shared_cache
):
    facetindex.rebuild(caching.catalogue_version())
    queries = write_and_capture(
        lambda: correct(catalogue.strategy, year=2021, title="Strategy, corrected")
    )

    # The re-warming task made the home page and the catalogue without a grouped count.
    assert not [sql for sql in queries if "GROUP BY" in sql or "COUNT(DISTINCT" in sql]
    response = client.get("/en/")
    assert response.context["figures"] == {
        "commitments": 4,
        "bodies": 3,
        "first_year": 2006,
        "last_year": 2021,
    }
    assert {theme.slug: theme.n for theme in response.context["themes"]} == {
        "internet": 3,
        "youth": 2,
    }
    facets = client.get("/en/commitments/").context["facets"]
    assert {option["value"]: option["count"] for option in facets["body"]} == {
        "mc": 2,
        "atu": 1,
        "ga": 1,
    }


def lose_a_journal_entry():
    """A change noted, then its entry evicted from the cache."""
    facetindex.note_change([Commitment.objects.get(slug="un-strategy").pk])
    cache.delete(facetindex._entry_key(cache.get(facetindex.JOURNAL_KEY)))


@pytest.mark.parametrize(
    "forget",
    [
        pytest.param(lose_a_journal_entry, id="journal entry lost"),
        pytest.param(caching.new_records_epoch, id="every record changed"),
        pytest.param(lambda: setattr(facetindex.current(), "built", 0.0), id="last build too old"),
    ],
)
def test_an_index_that_cannot_be_updated_safely_is_built_again(catalogue, shared_cache, forget):
    facetindex.rebuild(caching.catalogue_version())
    correct(catalogue.strategy, kind="declaration")
    forget()

    queries = write_and_capture(lambda: correct(catalogue.strategy, year=2007))

    assert len(whole_reads(queries)) == 6  # one per facet
    assert_is_a_build(facetindex.current())
    assert facetindex.current().counts("kind", facetindex.current().universe) == {
        "declaration": 2,
        "reference_compilation": 1,
        "decision": 1,
    }
