"""What only PostgreSQL provides: trigram typo matching, headlines (the GIN index at scale is
in test_plans.py, with the module's 3,000 synthetic records)."""

import pytest

from catalog import search
from catalog.models import Commitment

pytestmark = pytest.mark.postgres


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
