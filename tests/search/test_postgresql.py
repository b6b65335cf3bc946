"""What only PostgreSQL provides: the GIN index at scale, trigram typo matching, headlines."""

import pytest

from catalog import search
from catalog.models import Commitment

# Module-scoped data (3,000 synthetic records) built once: one worker runs the module.
pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("search-postgresql")]


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


# Typos that stemming cannot rescue; pg_trgm word similarity finds them (PostgreSQL only).
TYPOS = [
    ("Bucharst", {"mc-9-dec-1"}),
    ("Bishek", {"bishkek-programme-of-action-2001"}),
    ("pasenger information", {"mc-dec-6-16"}),
    ("confidnce", {"pc-dec-1039", "pc-dec-1106", "pc-dec-1202", "mc-dec-5-16"}),
]


@pytest.mark.parametrize(("query", "expected"), TYPOS, ids=[q for q, _ in TYPOS])
def test_small_typo_still_finds_the_record(seeded, postgresql, query, expected):
    first = search.search_commitments(Commitment.objects.for_listing(), query).first()
    assert first is not None and first.slug in expected


def test_headline_marks_stemmed_matches(seeded, postgresql):
    commitment = Commitment.objects.get(slug="basel-2014-kidnapping-for-ransom-declaration")
    snippet = search.snippets([commitment], "kidnapped")[commitment.pk]
    assert "<mark>" in snippet
