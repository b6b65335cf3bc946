"""The catalogue's (and the API's) `search` filter is this search, combined with the others."""

import pytest

from catalog.filters import CommitmentFilterSet
from catalog.models import Commitment


def filtered(**params):
    filterset = CommitmentFilterSet(params, queryset=Commitment.objects.for_listing())
    return [commitment.slug for commitment in filterset.qs]


def test_search_filter_finds_a_loosely_typed_symbol(seeded):
    # PC.DEC/633 names MC.DEC/7/06 in its text; the symbol's own record ranks first.
    assert filtered(search="mc dec 7/06")[0] == "mc-dec-7-06"


def test_search_filter_combines_with_kind_years_and_ordering(seeded):
    slugs = filtered(
        search="confidence building",
        kind=["decision"],
        year_from="2013",
        ordering="oldest",
    )
    assert slugs[:3] == ["pc-dec-1106", "pc-dec-1202", "mc-dec-5-16"]


def test_search_filter_never_finds_drafts(seeded):
    assert "mc-dec-3-04" not in filtered(search="MC.DEC/3/04")


@pytest.mark.parametrize("query", ["'", "&|!", ":*", "\\", "%_"])
def test_search_filter_answers_punctuation(seeded, query):
    assert isinstance(filtered(search=query), list)
