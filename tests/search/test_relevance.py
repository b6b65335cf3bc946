"""Expected first results over the real seed catalogue, on SQLite and PostgreSQL alike."""

import pytest

from catalog.models import Commitment
from catalog.search import search_commitments

pytestmark = pytest.mark.django_db

VERLT_RESOLUTIONS = {
    "osce-pa-berlin-2018-resolution-on-terrorism-and-verlt",
    "osce-pa-belgrade-2011-cverlt-resolution",
    "osce-pa-monaco-2012-cverlt-resolution",
    "mc-doc-4-15",
}
CONFIDENCE_BUILDING = {
    "pc-dec-1039",
    "pc-dec-1106",
    "pc-dec-1202",
    "mc-dec-5-16",
    "osce-pa-monaco-declaration-2012",
}
FOREIGN_FIGHTERS = {
    "mc-doc-5-14",
    "osce-pa-helsinki-2015-ftf-resolution",
    "osce-pa-luxembourg-2019-ftf-resolution",
}
CYBER_SECURITY = {
    "osce-pa-istanbul-2013-cyber-security-resolution",
    "osce-pa-belgrade-2011-cyber-security-resolution",
}

RELEVANCE = [
    # Every spelling of a symbol or number finds the record first.
    ("MC.DEC/7/06", {"mc-dec-7-06"}),
    ("mc.dec/7/06", {"mc-dec-7-06"}),
    ("mc dec 7/06", {"mc-dec-7-06"}),
    ("MC.DEC 7/06", {"mc-dec-7-06"}),
    ("7/06", {"mc-dec-7-06"}),
    ("1039", {"pc-dec-1039"}),
    ("PC.DEC/1039", {"pc-dec-1039"}),
    ("pc.dec/1039", {"pc-dec-1039"}),
    ("PC DEC 1039", {"pc-dec-1039"}),
    ("MC(9).DEC/1", {"mc-9-dec-1"}),
    ("mc.doc/5/14", {"mc-doc-5-14"}),
    ("A/RES/60/288", {"a-res-60-288"}),
    ("5/16", {"mc-dec-5-16"}),
    ("1202", {"pc-dec-1202"}),
    # Words and phrases.
    ("money laundering", {"dublin-2012-good-governance-declaration"}),
    ("recruitment of youth", {"osce-pa-berlin-2018-resolution-on-terrorism-and-verlt"}),
    ("kidnapping", {"basel-2014-kidnapping-for-ransom-declaration"}),
    ("advance passenger information", {"mc-dec-6-16"}),
    ("Bucharest", {"mc-9-dec-1"}),
    ("Bishkek programme", {"bishkek-programme-of-action-2001"}),
    ("foreign terrorist fighters", FOREIGN_FIGHTERS),
    ("cyber security", CYBER_SECURITY),
    ("internet for terrorist purposes", {"mc-dec-7-06"}),
    ("youth and security", {"belgrade-2015-youth-declaration"}),
    ("charter on preventing and combating terrorism", {"porto-charter-2002"}),
    ("good governance connectivity", {"mc-dec-4-16"}),
    ("confidence-building measures", CONFIDENCE_BUILDING),
    # The last word is a prefix while typing.
    ("internet terr", {"mc-dec-7-06"}),
    ("kidnap", {"basel-2014-kidnapping-for-ransom-declaration"}),
    # British and American spelling, and a small typo.
    ("radicalisation", VERLT_RESOLUTIONS),
    ("radicalization", VERLT_RESOLUTIONS),
    ("confidance building", CONFIDENCE_BUILDING),
]


def first_result(query):
    result = search_commitments(Commitment.objects.for_listing(), query).first()
    return result.slug if result else None


@pytest.mark.parametrize(("query", "expected"), RELEVANCE, ids=[q for q, _ in RELEVANCE])
def test_query_finds_the_expected_record_first(seeded, query, expected):
    assert first_result(query) in expected


def test_body_name_finds_its_commitments_first(seeded):
    results = search_commitments(Commitment.objects.for_listing(), "Permanent Council")[:3]
    assert {commitment.adopting_body.slug for commitment in results} == {"permanent-council"}


def test_body_acronym_finds_commitments_that_name_it(seeded):
    results = list(search_commitments(Commitment.objects.for_listing(), "ODIHR"))
    assert results
    assert all("ODIHR" in commitment.summary + commitment.keywords for commitment in results[:1])


def test_symbol_match_ranks_above_text_matches(seeded):
    results = list(search_commitments(Commitment.objects.for_listing(), "PC.DEC/1039"))
    assert results[0].slug == "pc-dec-1039"
    assert results[0].symbol_rank > max(result.symbol_rank for result in results[1:])


def test_word_query_without_a_match_finds_nothing(seeded):
    assert first_result("xylophone") is None
