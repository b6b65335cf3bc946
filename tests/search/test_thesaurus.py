"""The field's words: every form of a thesaurus term finds what the others find, and a
misspelt search is offered the catalogue's spelling — over the real seed, on both databases."""

import time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import caching, search, tasks, thesaurus
from catalog.models import Commitment
from catalog.search import search_commitments
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("catalog:commitment_list")

CYBER_SECURITY_RESOLUTIONS = {
    "osce-pa-belgrade-2011-cyber-security-resolution",
    "osce-pa-istanbul-2013-cyber-security-resolution",
}
ICT_CBM_DECISIONS = {"pc-dec-1039", "pc-dec-1106", "pc-dec-1202"}
VERLT = {
    "osce-pa-berlin-2018-resolution-on-terrorism-and-verlt",
    "osce-pa-belgrade-2011-cverlt-resolution",
    "osce-pa-monaco-2012-cverlt-resolution",
    "mc-doc-4-15",
}
FTF = {
    "mc-doc-5-14",
    "osce-pa-helsinki-2015-ftf-resolution",
    "osce-pa-luxembourg-2019-ftf-resolution",
}
UN_GCTS = {
    "madrid-2007-un-gcts-statement",
    "a-res-60-288",
    "osce-pa-monaco-2012-un-gcts-resolution",
}

# (query, the records one of which must come first, a record that must be among the results)
RELEVANCE = [
    # Spelling variants.
    ("cybersecurity", CYBER_SECURITY_RESOLUTIONS, "osce-pa-monaco-declaration-2012"),
    ("cyber-security", CYBER_SECURITY_RESOLUTIONS, "osce-pa-monaco-declaration-2012"),
    ("cyber security", CYBER_SECURITY_RESOLUTIONS, "osce-pa-monaco-declaration-2012"),
    ("cyber terrorism", CYBER_SECURITY_RESOLUTIONS | {"osce-pa-monaco-declaration-2012"}, None),
    ("counterterrorism", None, "osce-pa-minsk-2017-ct-resolution"),
    # Abbreviations and their spelled-out forms find each other.
    ("CBM", ICT_CBM_DECISIONS, "mc-dec-5-16"),
    ("CBMs", ICT_CBM_DECISIONS, "mc-dec-5-16"),
    ("confidence-building measures", ICT_CBM_DECISIONS, "mc-dec-5-16"),
    ("VERLT", VERLT, "osce-pa-monaco-2012-cverlt-resolution"),
    ("CVERLT", VERLT, "osce-pa-berlin-2018-resolution-on-terrorism-and-verlt"),
    ("violent extremism and radicalisation that lead to terrorism", VERLT, "mc-doc-4-15"),
    ("FTF", FTF, "mc-doc-5-14"),
    ("FTFs", FTF, "osce-pa-helsinki-2015-ftf-resolution"),
    ("foreign terrorist fighters", FTF, "osce-pa-luxembourg-2019-ftf-resolution"),
    ("PPP", None, "mc-dec-4-16"),
    ("public-private partnerships", None, "pc-dec-1202"),
    ("ICT", {"mc-dec-5-16", *ICT_CBM_DECISIONS}, "pc-dec-1039"),
    ("information and communication technologies", {"mc-dec-5-16", *ICT_CBM_DECISIONS}, None),
    ("CT", None, "hamburg-2016-ct-declaration"),
    ("counter-terrorism", None, "sofia-2004-ct-statement"),
    ("UN GCTS", UN_GCTS, "brussels-2006-legal-framework-statement"),
    ("United Nations Global Counter-Terrorism Strategy", UN_GCTS, "a-res-60-288"),
    ("KFR", {"basel-2014-kidnapping-for-ransom-declaration"}, None),
    # Synonyms.
    ("online extremism", None, "pc-dec-1063"),
    ("online radicalization", None, "pc-dec-1063"),
    ("terrorist financing", None, "porto-charter-2002"),
    ("financing of terrorism", None, "basel-2014-kidnapping-for-ransom-declaration"),
]


def slugs(query):
    results = search_commitments(Commitment.objects.for_listing(), query)
    return list(results.values_list("slug", flat=True))


@pytest.mark.parametrize(("query", "first", "among"), RELEVANCE, ids=[q for q, *_ in RELEVANCE])
def test_every_form_of_a_term_finds_the_expected_records(seeded, query, first, among):
    found = slugs(query)
    assert found, f"{query!r} finds nothing"
    if first:
        assert found[0] in first
    if among:
        assert among in found


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("cybersecurity", "cyber security"),
        ("CBM", "confidence-building measures"),
        ("VERLT", "violent extremism and radicalization that lead to terrorism"),
        ("FTF", "foreign terrorist fighters"),
        ("PPP", "public-private partnerships"),
        ("ICT", "information and communication technologies"),
        ("CT", "counter-terrorism"),
        ("UN GCTS", "United Nations Global Counter-Terrorism Strategy"),
    ],
)
def test_an_abbreviation_and_its_meaning_find_the_same_records(seeded, one, other):
    assert set(slugs(one)) == set(slugs(other))


@pytest.mark.parametrize(
    ("typed", "spelt"),
    [
        ("Bucharst", "Bucharest"),
        ("terorism", "terrorism"),
        ("kidnaping for ransom", "kidnapping for ransom"),
        ("Bucharst plan of action", "Bucharest plan of action"),
    ],
)
def test_a_misspelt_search_is_offered_the_catalogues_spelling(seeded, typed, spelt):
    assert search.suggestion(typed) == spelt


@pytest.mark.parametrize("query", ["Bucharest", "kidnap", "CBM", "radicalisation", "xylophone"])
def test_known_words_and_words_far_from_any_get_no_suggestion(seeded, query):
    assert search.suggestion(query) == ""


def test_catalogue_offers_did_you_mean_for_a_typo(client, seeded):
    html = client.get(CATALOGUE, {"search": "Bucharst"}).content.decode()
    assert (
        f'Did you mean <a href="{CATALOGUE}?search=Bucharest" rel="nofollow">'
        "<strong>Bucharest</strong></a>?"
    ) in html


def test_did_you_mean_keeps_the_other_filters(client, seeded):
    html = client.get(CATALOGUE, {"search": "Bucharst", "kind": "plan_of_action"}).content.decode()
    assert "Did you mean" in html
    assert "search=Bucharest" in html and "kind=plan_of_action" in html


def test_no_did_you_mean_when_the_search_finds_records(client, seeded):
    html = client.get(CATALOGUE, {"search": "Bucharest"}).content.decode()
    assert "Did you mean" not in html


def test_no_suggestion_of_words_only_unpublished_records_use(seeded):
    draft = CommitmentFactory(title="Zanzibarian draft", status=Commitment.Status.DRAFT)
    public = CommitmentFactory(title="Quixotical plan", status=Commitment.Status.PUBLISHED)
    search.refresh([draft.pk, public.pk])
    assert search.suggestion("Zanzibarean") == ""
    assert search.suggestion("Quixoticle") == "Quixotical"


def test_thesaurus_file_is_valid_and_expands_abbreviations():
    terms = thesaurus.terms()
    assert len(terms) >= 20
    assert thesaurus.abbreviations()["VERLT"] == (
        "violent extremism and radicalization that lead to terrorism"
    )


def test_a_faulty_thesaurus_entry_is_named():
    with pytest.raises(thesaurus.ThesaurusError, match="term 2 has no meaning"):
        thesaurus.parse('[[term]]\nmeaning = "x"\n[[term]]\nabbreviations = ["Y"]\n')
    with pytest.raises(thesaurus.ThesaurusError, match="unknown keys"):
        thesaurus.parse('[[term]]\nmeaning = "x"\nsynonyms = ["y"]\n')


def test_the_spelling_check_never_counts_its_words_in_a_visitors_request(seeded):
    """After a write the words counted last are used (no visitor reads every record's words
    again); the minute task counts them again, and then the new word is offered."""
    assert search.suggestion("Quixoticle") == ""
    public = CommitmentFactory(title="Quixotical plan", status=Commitment.Status.PUBLISHED)
    search.refresh([public.pk])
    caching.new_catalogue_version()  # what the write's commit step does

    with CaptureQueriesContext(connection) as queries:
        assert search.suggestion("Quixoticle") == ""
    assert not [query for query in queries.captured_queries if "words" in query["sql"]]

    assert tasks.count_search_vocabulary.enqueue().return_value is True
    assert search.suggestion("Quixoticle") == "Quixotical"
    assert tasks.count_search_vocabulary.enqueue().return_value is False  # nothing changed


def test_an_emptied_shared_cache_makes_no_visitor_count_the_spelling_words(client, shared_cache):
    """A new or emptied Redis holds no counted words: counting them reads every published
    record's words (minutes at a million records), so a search then offers no spelling and
    the minute task counts them; the searches after it offer it again."""
    CommitmentFactory(title="Quixotical plan", status=Commitment.Status.PUBLISHED)
    assert tasks.count_search_vocabulary.enqueue().return_value is False  # nobody asked yet

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("catalog:commitment_list"), {"search": "Quixoticle"})
    assert response.status_code == 200
    assert "suggestion" not in response.context
    assert not [query for query in queries.captured_queries if "words" in query["sql"]]

    assert tasks.count_search_vocabulary.enqueue().return_value is True
    response = client.get(reverse("catalog:commitment_list"), {"search": "Quixoticle"})
    assert response.context["suggestion"] == "Quixotical"
    assert tasks.count_search_vocabulary.enqueue().return_value is False  # nothing changed


def test_a_worker_keeps_the_counted_words_for_a_bounded_time(shared_cache, settings):
    """With Redis, each worker keeps a copy of the counted words in its memory (a search reads
    them once per VOCABULARY_WORKER_SECONDS, not on every request); a new count reaches it
    within that time."""
    settings.CACHES = {
        **settings.CACHES,
        caching.FRAGMENTS: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-worker-vocabulary",
        },
    }
    caching.worker_cache().clear()
    assert search.vocabulary() is None  # nothing counted yet: the minute task is asked to
    assert tasks.count_search_vocabulary.enqueue().return_value is True
    assert "quixotical" not in search.vocabulary()

    public = CommitmentFactory(title="Quixotical plan", status=Commitment.Status.PUBLISHED)
    search.refresh([public.pk])
    caching.new_catalogue_version()
    assert tasks.count_search_vocabulary.enqueue().return_value is True
    assert "quixotical" in shared_cache.get(search.VOCABULARY_KEY)[1]
    assert "quixotical" not in search.vocabulary()  # the worker's copy, still

    later = time.time() + search.VOCABULARY_WORKER_SECONDS + 1
    with time_machine.travel(later, tick=False):
        assert search.vocabulary()["quixotical"] == 1
