"""The query plans that keep search cheap on SQLite at scale (FTS5, a few thousand rows).

Each test reads the real plan from EXPLAIN QUERY PLAN: a word's candidates come from the FTS5
scan with a primary-key probe of each match, never from the set of every published id; symbol
candidates are read from the search documents' keys, never by joining every published
commitment to its document; the snippet query walks only the page's rowid span; the facets of a
search count its candidates by id. The results
stay those of the plain definition, capped count included.
"""

from collections import Counter
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalog import search
from catalog.filters import CommitmentFilterSet
from catalog.models import Commitment

# Module-scoped data (3,000 synthetic records) built once: one worker runs the module.
pytestmark = pytest.mark.xdist_group("search-plans-sqlite")


@pytest.fixture(scope="module")
def synthetic_rows(django_db_setup, django_db_blocker, request):
    """3,000 synthetic commitments (most of them mention "internet"), committed."""
    if connection.vendor != "sqlite":
        pytest.skip("needs SQLite with FTS5")
    with django_db_blocker.unblock():
        if not search.fts5_available():
            pytest.skip("needs SQLite with FTS5")
    request.getfixturevalue("catalogue")  # after the skips: no seed load for a skipped module
    with django_db_blocker.unblock():
        call_command("seed_synthetic", count=3000, verbosity=0)
        yield
        call_command("seed_synthetic", delete=True, verbosity=0)


@pytest.fixture
def synthetic(synthetic_rows, seeded):
    """The seed catalogue and the synthetic rows, inside the test's transaction."""


def plan(sql):
    """The details of SQLite's plan for a captured (parameter-interpolated) query."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[-1] for row in cursor.fetchall()]


def search_queries(query, queryset=None):
    """The SQL a search for `query` and its first page of 20 run."""
    queryset = Commitment.objects.for_listing() if queryset is None else queryset
    with CaptureQueriesContext(connection) as captured:
        page = list(search.search_commitments(queryset, query)[:20])
    return page, [entry["sql"] for entry in captured.captured_queries]


def candidate_query(queries):
    (sql,) = [sql for sql in queries if " MATCH " in sql and "bm25(" in sql]
    return sql


def match_ids(query):
    """Every FTS5 match of `query`, however many: the definition to compare with."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH %s",
            [search._fts_match_text(search.parse(query).tokens)],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize("query", ["internet", "bishkek", "human rights"])
def test_a_words_matches_are_probed_by_primary_key(synthetic, query):
    _page, queries = search_queries(query)
    details = plan(candidate_query(queries))
    assert any(detail.startswith(f"SCAN {search.FTS_TABLE} VIRTUAL TABLE") for detail in details)
    assert "CORRELATED SCALAR SUBQUERY 1" in details, details
    assert "SEARCH catalog_commitment USING INTEGER PRIMARY KEY (rowid=?)" in details, details
    # Not the published set: no list built from the visibility index or a scan of the table.
    assert not any(detail.startswith("LIST SUBQUERY") for detail in details), details
    assert not any("commitment_visibility_idx" in detail for detail in details), details
    assert not any(detail.startswith("SCAN catalog_commitment") for detail in details), details


def test_a_common_word_takes_the_newest_visible_matches_and_caps_the_count(synthetic):
    matches = match_ids("internet")
    assert len(matches) > search.CANDIDATE_LIMIT + 100
    # The newest matches are hidden: the scan goes on past them to fill the candidates.
    hidden = sorted(matches, reverse=True)[:50]
    Commitment.objects.filter(pk__in=hidden[:25]).update(status=Commitment.Status.DRAFT)
    Commitment.objects.filter(pk__in=hidden[25:]).update(
        publish_at="2999-01-01T00:00:00Z", status=Commitment.Status.PUBLISHED
    )
    results = search.search_commitments(Commitment.objects.for_listing(), "internet")
    count = results.count()
    assert count == search.CANDIDATE_LIMIT + 1 and search.is_capped(count)
    expected = (
        Commitment.objects.published()
        .filter(pk__in=matches)
        .order_by("-pk")
        .values_list("pk", flat=True)[: search.CANDIDATE_LIMIT + 1]
    )
    assert set(results.values_list("pk", flat=True)) == set(expected)
    assert not set(hidden) & set(results.values_list("pk", flat=True))


def test_a_narrowed_queryset_still_bounds_the_candidates(synthetic):
    decisions = Commitment.objects.for_listing().filter(kind=Commitment.Kind.DECISION)
    page, queries = search_queries("internet", decisions)
    details = plan(candidate_query(queries))
    assert "SEARCH catalog_commitment USING INTEGER PRIMARY KEY (rowid=?)" in details, details
    assert not any("commitment_visibility_idx" in detail for detail in details), details
    assert page and all(commitment.kind == Commitment.Kind.DECISION for commitment in page)
    expected = (
        decisions.filter(pk__in=match_ids("internet")).order_by("-pk").values_list("pk", flat=True)
    )
    results = search.search_commitments(decisions, "internet")
    assert set(results.values_list("pk", flat=True)) == set(expected[: search.CANDIDATE_LIMIT + 1])


@pytest.mark.parametrize("query", ["MC.DEC/7/06", "mc dec 7/06", "1039"])
def test_symbol_candidates_come_from_the_document_keys(synthetic, query):
    page, queries = search_queries(query)
    (sql,) = [sql for sql in queries if "found_symbol_rank" in sql]
    details = plan(sql)
    # The whole symbol and the number through their indexes, part of a symbol by scanning
    # the narrow key index; each found id then probes its commitment.
    assert any("catalog_searchdocument_symbol_key" in d and "symbol_key=?" in d for d in details)
    assert any("catalog_searchdocument_number_key" in d for d in details), details
    assert any(d.startswith("SCAN catalog_searchdocument USING COVERING INDEX") for d in details)
    assert "SEARCH catalog_commitment USING INTEGER PRIMARY KEY (rowid=?)" in details, details
    assert not any("commitment_visibility_idx" in detail for detail in details), details
    assert not any(detail.startswith("SCAN catalog_commitment") for detail in details), details
    assert page[0].symbol_rank > 0


def test_the_symbol_still_comes_first_among_synthetic_records(synthetic):
    page, _queries = search_queries("MC.DEC/7/06")
    assert page[0].slug == "mc-dec-7-06"
    page, _queries = search_queries("mc dec 7/06")
    assert page[0].slug == "mc-dec-7-06"


def test_snippets_walk_only_the_pages_rowid_span(synthetic):
    page, _queries = search_queries("internet")
    with CaptureQueriesContext(connection) as captured:
        marked = search.snippets(page, "internet")
    (sql,) = [entry["sql"] for entry in captured.captured_queries if "snippet(" in entry["sql"]]
    (scan,) = [detail for detail in plan(sql) if detail.startswith(f"SCAN {search.FTS_TABLE}")]
    # FTS5's index string: M = the MATCH, < and > = the rowid bounds, = would mean the listed
    # rowids handed over one by one (the MATCH re-run for each of them).
    strategy = scan.rsplit(":", 1)[1]
    assert "M" in strategy and "<" in strategy and ">" in strategy, scan
    assert "=" not in strategy, scan
    # The same passages as one query per record would give.
    assert marked == {
        commitment.pk: search.snippets([commitment], "internet")[commitment.pk]
        for commitment in page
    }
    assert all("<mark>" in text for text in marked.values())


def test_short_prefixes_have_their_own_index(synthetic):
    # The last word is a prefix: "terr" reads the 4-character prefix index instead of merging
    # every word that starts with it (terrorism, territorial, …), and finds the same records.
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [search.FTS_TABLE])
        (sql,) = cursor.fetchone()
    assert "prefix = '3 4'" in sql
    page, _queries = search_queries("terr")
    assert len(page) == 20 and all(commitment.text_rank > 0 for commitment in page)


def test_facets_of_a_filtered_search_count_its_candidates_by_id(synthetic):
    params = {"search": "internet", "theme": ["cyber-ict-security"]}
    filterset = CommitmentFilterSet(
        QueryDict(urlencode(params, doseq=True)),
        queryset=Commitment.objects.for_listing().newest_first(),
    )
    with CaptureQueriesContext(connection) as captured:
        facets = filterset.facets()
    grouped = [entry["sql"] for entry in captured.captured_queries if "GROUP BY" in entry["sql"]]
    assert len(grouped) == 5  # one per facet
    for sql in grouped:
        # Not the theme filter's list of every record of the theme, rebuilt per facet.
        assert not any("(theme_id=?)" in detail for detail in plan(sql)), plan(sql)
    # The counts are those of the search's candidates (the filtered search's for every facet
    # but the theme's own, which ignores the theme filter).
    themed = Commitment.objects.for_listing().filter(themes__slug="cyber-ict-security")
    candidates = search.search_commitments(themed, "internet").values_list("pk", flat=True)
    kinds = Counter(
        Commitment.objects.filter(pk__in=list(candidates)).values_list("kind", flat=True)
    )
    assert {option["value"]: option["count"] for option in facets["kind"]} == kinds
    unthemed = search.search_commitments(Commitment.objects.for_listing(), "internet")
    themes = Counter(
        Commitment.themes.through.objects.filter(
            commitment_id__in=list(unthemed.values_list("pk", flat=True))
        ).values_list("theme__slug", flat=True)
    )
    assert {option["value"]: option["count"] for option in facets["theme"]} == themes
