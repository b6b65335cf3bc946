"""The query plans that keep the hot pages cheap at scale (PostgreSQL, a few thousand rows).

Each test reads the real plan from EXPLAIN: a filtered list is read through an index (a kind's
rows through its own), never a sequential scan of the commitments; the facets are grouped
joins, never a subplan run per row; the home page's featured records come from their partial
index; a common word's candidates come from an index scan that stops after CANDIDATE_LIMIT + 1
rows; a word and a symbol are found through the search table's indexes, the symbol first
among thousands.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import search
from catalog.api.conditional import catalogue_state
from catalog.filters import CommitmentFilterSet
from catalog.models import Commitment

# Module-scoped data (3,000 synthetic records) built once: one worker runs the module.
pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("search-plans")]


def explain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def filterset(**params):
    return CommitmentFilterSet(params, queryset=Commitment.objects.for_listing().newest_first())


@pytest.mark.parametrize(
    "params",
    [
        {"theme": ["cyber-ict-security"], "kind": ["decision"]},
        {"category": ["propaganda"], "year_from": "2010"},
        {"kind": ["declaration"]},
        {},
    ],
    ids=["theme+kind", "category+year", "kind", "unfiltered"],
)
def test_a_filtered_page_never_scans_every_commitment(synthetic, params):
    plan = filterset(**params).qs[:20].explain()
    assert "Seq Scan on catalog_commitment " not in plan + " "
    assert "Seq Scan on catalog_commitment_themes" not in plan, plan


def test_a_kind_and_years_page_reads_its_rows_from_the_kinds_own_order(synthetic):
    # Not by walking every record in the catalogue's order until twenty are of that kind.
    plan = filterset(kind=["statement"], year_from="1990", year_to="2015").qs[:20].explain()
    assert "commitment_kind_newest_idx" in plan, plan


def test_the_theme_filter_is_a_semi_join_without_distinct(synthetic):
    sql = str(filterset(theme=["cyber-ict-security"]).qs.query)
    assert "DISTINCT" not in sql
    assert "IN (SELECT" in sql


@pytest.mark.parametrize(
    "params",
    [{}, {"theme": ["cyber-ict-security"], "kind": ["decision"]}, {"search": "internet"}],
    ids=["unfiltered", "filtered", "search"],
)
def test_facets_are_grouped_queries_without_a_per_row_subplan(synthetic, params):
    with CaptureQueriesContext(connection) as captured:
        facets = filterset(**params).facets()
    assert set(facets) == {"kind", "theme", "category", "organisation", "body"}
    grouped = [query for query in captured.captured_queries if "GROUP BY" in query["sql"]]
    assert len(grouped) == 5  # one per facet
    for query in grouped:
        plan = explain(query["sql"], None)
        assert "SubPlan" not in plan, plan


def test_featured_records_come_from_their_partial_index(synthetic):
    Commitment.objects.filter(slug__startswith="synthetic-1").update(is_featured=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_commitment")
    plan = Commitment.objects.for_listing().filter(is_featured=True).newest_first()[:6].explain()
    assert "commitment_featured_idx" in plan
    assert "Seq Scan on catalog_commitment " not in plan + " "


def test_a_common_word_reads_a_bounded_candidate_set(synthetic):
    # "internet" is in most synthetic records: the candidate query stops at the limit whatever
    # the number of matches. (Which scan feeds it is the planner's choice: at 3,000 rows a hash
    # join over the small table can be cheapest, and it chose both ways between runs; at 100k
    # rows `make bench` measures the index path.)
    queryset = search.text_matches(Commitment.objects.for_listing(), "internet")
    plan = queryset[: search.CANDIDATE_LIMIT + 1].explain()
    assert plan.startswith("Limit")
    results = search.search_commitments(Commitment.objects.for_listing(), "internet")
    count = results.count()
    assert count == search.CANDIDATE_LIMIT + 1 and search.is_capped(count)


def test_the_api_state_after_a_write_can_read_the_published_index_alone(synthetic):
    # The API's ETag state (count and last change of the published records) is computed
    # again after every write. The published records' covering index holds every column it
    # reads, so PostgreSQL can answer it from the index alone (at 100k: an index-only scan,
    # 102 ms -> 28-39 ms; at these 3,000 rows reading the table is cheaper, so the plan
    # itself is not what is checked here).
    with CaptureQueriesContext(connection) as captured:
        catalogue_state()
    sql = captured.captured_queries[0]["sql"]
    read = set(re.findall(r'"catalog_commitment"\."(\w+)"', sql))
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'commitment_facets_idx'")
        (definition,) = cursor.fetchone()
    key, _, included = definition.partition(" INCLUDE ")
    covered = set(re.findall(r"\w+", key.split(" USING btree ")[1])) | set(
        re.findall(r"\w+", included.split(" WHERE ")[0])
    )
    assert read == {"updated_at", "publish_at", "id", "status"}
    assert read - {"status"} <= covered  # status: the index's own condition
    assert "WHERE ((status)::text = 'published'::text)" in definition


def test_search_query_uses_the_gin_index_at_scale(synthetic):
    plan = search.text_matches(Commitment.objects.for_listing(), "Bucharest")[:1001].explain()
    assert "search_vector_gin" in plan
    assert "Seq Scan on catalog_searchdocument" not in plan


def test_symbol_query_uses_indexes_at_scale(synthetic):
    plan = search.search_commitments(Commitment.objects.for_listing(), "mc dec 7/06").explain()
    assert "Seq Scan on catalog_searchdocument" not in plan


def test_symbol_is_still_found_first_among_thousands(synthetic):
    for query in ("MC.DEC/7/06", "mc dec 7/06", "7/06", "PC.DEC/1039"):
        first = search.search_commitments(Commitment.objects.for_listing(), query).first()
        assert first.symbol in {"MC.DEC/7/06", "PC.DEC/1039"}
