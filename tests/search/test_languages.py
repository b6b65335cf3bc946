"""Search in every language of the site: a query is matched in the page's language and in
English, on SQLite and PostgreSQL alike (the relevance set of issue 18, item 4).

Until the catalogue's own texts are translated, what each language has are the sourced
official names of the adopting bodies (`names`); the sets below search for those, alone and
with English words or a symbol (a reader's query often mixes them).
"""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from catalog import search
from catalog.editorial import reference
from catalog.models import Commitment, Institution, Theme
from tests.writes import committed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_afterwards():
    """A request under /ru/ leaves Russian active in this thread: the next test starts in
    English again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


MINISTERIAL = "ministerial-council"
PERMANENT = "permanent-council"
ASSEMBLY = "osce-parliamentary-assembly"
KIDNAPPING = "basel-2014-kidnapping-for-ransom-declaration"
CYBER_SECURITY = {
    "osce-pa-istanbul-2013-cyber-security-resolution",
    "osce-pa-belgrade-2011-cyber-security-resolution",
}
FOREIGN_FIGHTERS = {
    "osce-pa-helsinki-2015-ftf-resolution",
    "osce-pa-luxembourg-2019-ftf-resolution",
}

# (language, query, expected): a set of slugs, one of which comes first, or the slug of the
# body whose records fill the first three places.
RELEVANCE = [
    ("ru", "Совет министров", MINISTERIAL),
    ("ru", "СОВЕТ МИНИСТРОВ", MINISTERIAL),
    ("ru", "совет министр", MINISTERIAL),  # the last word is being typed
    ("ru", "Совет министров kidnapping", {KIDNAPPING}),
    ("ru", "Совет министров 5/16", {"mc-dec-5-16"}),
    ("fr", "Conseil ministériel", MINISTERIAL),
    ("fr", "conseil ministeriel", MINISTERIAL),  # without its accent
    ("fr", "Conseil permanent", PERMANENT),
    ("fr", "Conseil permanent 1039", {"pc-dec-1039"}),
    ("fr", "Assemblée parlementaire cyber security", CYBER_SECURITY),
    ("de", "Ministerrat", MINISTERIAL),
    ("de", "Ständiger Rat", PERMANENT),
    ("de", "standiger rat", PERMANENT),
    ("de", "Parlamentarische Versammlung", ASSEMBLY),
    ("de", "Parlamentarische Versammlung foreign terrorist fighters", FOREIGN_FIGHTERS),
    ("it", "Consiglio dei ministri", MINISTERIAL),
    ("it", "Consiglio permanente", PERMANENT),
    ("it", "Consiglio permanente 1202", {"pc-dec-1202"}),
    ("it", "Consiglio dei ministri kidnapping", {KIDNAPPING}),
    ("es", "Consejo Ministerial", MINISTERIAL),
    ("es", "consejo ministerial 7/06", {"mc-dec-7-06"}),
    ("es", "Consejo Ministerial kidnapping", {KIDNAPPING}),
]


# Our own vocabulary, translated by us (themes and categories in the seed): a query in the
# page's language finds the records carrying the term, as its English name does in English.
# (kind, slug): the first three results all carry that theme or category.
VOCABULARY_RELEVANCE = [
    ("ru", "терроризм", ("theme", "counter-terrorism-framework")),
    ("ru", "Жертвы терроризма", {"sofia-2004-ct-statement"}),
    ("ru", "Иностранные боевики-террористы", ("theme", "foreign-terrorist-fighters")),
    ("ru", "вербовка", ("category", "recruitment")),
    ("fr", "Victimes du terrorisme", {"sofia-2004-ct-statement"}),
    ("fr", "Combattants terroristes étrangers", ("theme", "foreign-terrorist-fighters")),
    ("fr", "recrutement", ("category", "recruitment")),
    ("fr", "cybersecurite", ("theme", "cyber-ict-security")),
    ("de", "Opfer des Terrorismus", {"sofia-2004-ct-statement"}),
    ("de", "Anwerbung", ("category", "recruitment")),
    ("de", "Terrorismusfinanzierung", ("theme", "terrorist-financing")),
    ("it", "Vittime del terrorismo", {"sofia-2004-ct-statement"}),
    ("it", "reclutamento", ("category", "recruitment")),
    ("es", "Víctimas del terrorismo", {"sofia-2004-ct-statement"}),
    ("es", "victimas del terrorismo", {"sofia-2004-ct-statement"}),
    ("es", "reclutamiento", ("category", "recruitment")),
]


def results(query, language, count=3):
    with translation.override(language):
        return list(search.search_commitments(Commitment.objects.for_listing(), query)[:count])


@pytest.mark.parametrize(
    ("language", "query", "expected"), RELEVANCE, ids=[f"{lang}-{q}" for lang, q, _ in RELEVANCE]
)
def test_query_in_a_language_finds_the_expected_records_first(seeded, language, query, expected):
    found = results(query, language)
    assert found, f"{query!r} found nothing in {language}"
    if isinstance(expected, set):
        assert found[0].slug in expected
    else:
        assert {commitment.adopting_body.slug for commitment in found} == {expected}


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    VOCABULARY_RELEVANCE,
    ids=[f"{lang}-{q}" for lang, q, _ in VOCABULARY_RELEVANCE],
)
def test_a_translated_theme_or_category_finds_its_records_first(seeded, language, query, expected):
    found = results(query, language)
    assert found, f"{query!r} found nothing in {language}"
    if isinstance(expected, set):
        assert found[0].slug in expected
        return
    kind, slug = expected
    for commitment in found:
        if kind == "theme":
            assert slug in {theme.slug for theme in commitment.themes.all()}
        else:
            assert slug in {a.category.slug for a in commitment.category_assignments.all()}


def test_a_query_is_matched_in_the_page_language_not_in_every_language(seeded):
    assert results("Совет министров", "ru")
    assert not results("Совет министров", "en")
    assert not results("Совет министров", "fr")


def test_english_words_are_matched_in_every_language(seeded):
    for language in ("en", "fr", "de", "it", "ru", "es"):
        assert results("kidnapping", language)[0].slug == KIDNAPPING


def test_symbols_match_in_every_language(seeded):
    for language in ("fr", "de", "it", "ru", "es"):
        assert results("MC.DEC/7/06", language)[0].slug == "mc-dec-7-06"
        assert results("pc dec 1039", language)[0].slug == "pc-dec-1039"


def test_catalogue_page_in_russian_finds_ministerial_council_decisions(seeded, client):
    with translation.override("ru"):
        url = reverse("catalog:commitment_list")
    html = client.get(url, {"search": "Совет министров"}).content.decode()
    assert 'href="/ru/commitments/mc-dec-7-06/"' in html or "MC.DEC/7/06" in html


def test_also_matching_offers_the_body_by_its_official_name_in_the_page_language(seeded):
    with translation.override("ru"):
        groups = search.vocabulary_groups("Совет министров")
    institutions = {group.key: group.results for group in groups}["institutions"]
    assert [body.slug for body in institutions] == [MINISTERIAL]
    with translation.override("en"):
        assert search.vocabulary_groups("Совет министров") == []


def test_api_searches_in_its_negotiated_language(seeded, client):
    url = reverse("api:commitment-list")
    russian = client.get(url, {"search": "Совет министров", "lang": "ru"}).json()
    english = client.get(url, {"search": "Совет министров"}).json()
    assert russian["count"] > 0
    assert english["count"] == 0


def test_search_candidates_are_cached_per_language(seeded):
    """The same query and filters, cached in one language, are not served in another."""
    queryset = Commitment.objects.for_listing()
    with translation.override("ru"):
        assert search.search_commitments(queryset, "Совет министров", cache_parts=[]).exists()
    with translation.override("en"):
        assert not search.search_commitments(queryset, "Совет министров", cache_parts=[]).exists()


def test_translated_fields_are_indexed_in_their_language(seeded):
    """django-modeltranslation's `<field>_<language>` columns are read into the index."""
    commitment = Commitment.objects.get(slug=KIDNAPPING)
    theme = commitment.themes.first()
    Commitment.objects.filter(pk=commitment.pk).update(title_ru="Декларация о похищениях")
    Theme.objects.filter(pk=theme.pk).update(name_fr="Thème très particulier")
    search.refresh([commitment.pk])
    assert results("похищениях", "ru")[0].slug == KIDNAPPING
    assert results("theme tres particulier", "fr")[0].slug == KIDNAPPING
    assert not results("похищениях", "fr")


def test_a_new_official_name_is_searched_after_the_write(seeded, publisher):
    """Official names are searched, so changing them rebuilds the entries of the body's
    records (through the one write path for reference data)."""
    body = Institution.objects.get(slug=MINISTERIAL)
    with committed():
        reference.save_reference(
            user=publisher,
            model=Institution,
            record=body,
            fields={"names": {**body.names, "ru": "Министерская встреча"}},
        )
    assert results("Министерская встреча", "ru")
    assert not results("Совет министров", "ru")


def test_the_passage_is_taken_from_the_summary_in_the_page_language(seeded):
    commitment = Commitment.objects.get(slug=KIDNAPPING)
    Commitment.objects.filter(pk=commitment.pk).update(
        summary_ru="Декларация о предотвращении похищений людей с целью получения выкупа."
    )
    search.refresh([commitment.pk])
    commitment.refresh_from_db()
    passage = search.snippets([commitment], "похищений", language="ru")[commitment.pk]
    assert "<mark>похищений</mark>" in passage
    english = search.snippets([commitment], "kidnapping", language="ru")[commitment.pk]
    assert "<mark>" in english.lower()
