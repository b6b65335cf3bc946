"""Addresses per language: /en/, /fr/… prefixes, the redirect of unprefixed addresses, the
switcher, hreflang alternates, the sitemap and the page cache per language."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from catalog.pagecache import HEADER
from tests.factories import CommitmentFactory, InstitutionFactory, ThemeFactory
from tests.sitemap import whole_sitemap

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "de", "it", "ru", "es"]


@pytest.fixture
def record(db):
    theme = ThemeFactory(name="Youth", slug="youth")
    return CommitmentFactory(title="Decision on youth", slug="mc-dec-5-16", themes=[theme])


def html_lang(response):
    return re.search(r'<html lang="([^"]+)">', response.content.decode())[1]


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_language_has_its_home_page_with_the_right_html_lang(client, code):
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    assert html_lang(response) == code
    assert response["Content-Language"] == code


@pytest.mark.parametrize(
    ("accept", "target"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", "/ru/"),
        ("de-AT, de;q=0.9", "/de/"),
        ("ja, fr;q=0.5", "/fr/"),
        ("ja", "/en/"),
        ("", "/en/"),
    ],
)
def test_an_unprefixed_address_redirects_to_the_visitors_language(client, accept, target):
    response = client.get("/", headers={"accept-language": accept} if accept else {})
    assert response.status_code == 302
    assert response["Location"] == target
    assert "Accept-Language" in response["Vary"]


def test_an_old_address_keeps_working_through_the_redirect(client, record):
    old = "/commitments/?theme=youth&kind=decision"
    response = client.get(old, headers={"accept-language": "it"})
    assert response["Location"] == "/it/commitments/?theme=youth&kind=decision"
    assert client.get(response["Location"]).status_code == 200
    record_page = client.get("/commitments/mc-dec-5-16/", headers={"accept-language": "it"})
    assert record_page["Location"] == "/it/commitments/mc-dec-5-16/"


def test_an_unknown_unprefixed_address_is_still_a_404(client):
    assert client.get("/no-such-page/").status_code == 404


def test_prefixed_pages_do_not_vary_on_accept_language(client, record):
    response = client.get("/fr/commitments/")
    assert "Accept-Language" not in response.get("Vary", "")


def test_the_switcher_links_the_same_page_and_filters_in_every_language(client, record):
    content = client.get("/de/commitments/?theme=youth&kind=decision").content.decode()
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', content, re.S)[0]
    links = re.findall(
        r'<a href="([^"]+)" hreflang="(\w+)" lang="\w+"( aria-current="true")?', switcher
    )
    assert [(href, code, bool(current)) for href, code, current in links] == [
        (f"/{code}/commitments/?theme=youth&amp;kind=decision", code, code == "de")
        for code in LANGUAGES
    ]
    assert '<span class="visually-hidden">Русский</span>' in switcher
    assert '<span aria-hidden="true">FR</span>' in switcher


def test_every_page_names_its_alternates_and_an_x_default(client, record):
    content = client.get("/es/commitments/mc-dec-5-16/").content.decode()
    alternates = re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', content)
    assert alternates == [
        (code, f"http://testserver/{code}/commitments/mc-dec-5-16/") for code in LANGUAGES
    ] + [("x-default", "http://testserver/commitments/mc-dec-5-16/")]


def test_reverse_follows_the_active_language(record):
    with translation.override("ru"):
        assert reverse("catalog:commitment_list") == "/ru/commitments/"
        assert record.get_absolute_url() == "/ru/commitments/mc-dec-5-16/"


def test_the_sitemap_lists_each_page_in_every_language(client, record):
    content = whole_sitemap(client)
    locations = re.findall(r"<loc>([^<]+)</loc>", content)
    for code in LANGUAGES:
        assert f"http://testserver/{code}/commitments/mc-dec-5-16/" in locations
        assert f"http://testserver/{code}/themes/youth/" in locations
        assert f"http://testserver/{code}/about/" in locations
    assert (
        '<xhtml:link rel="alternate" hreflang="x-default" '
        'href="http://testserver/commitments/mc-dec-5-16/"/>' in content
    )


def test_the_api_takes_its_language_from_lang_or_accept_language(client, record):
    by_query = client.get("/api/v1/commitments/?lang=fr", headers={"accept-language": "de"})
    by_header = client.get("/api/v1/commitments/", headers={"accept-language": "ru"})
    default = client.get("/api/v1/commitments/")
    assert (by_query.status_code, by_header.status_code) == (200, 200)
    assert (by_query["Content-Language"], by_header["Content-Language"]) == ("fr", "ru")
    assert default["Content-Language"] == "en"
    assert "Accept-Language" in by_header["Vary"]


def test_the_api_has_no_language_prefix(client):
    assert client.get("/fr/api/v1/commitments/").status_code == 404


PAGES = [
    "/{code}/",
    "/{code}/commitments/",
    "/{code}/commitments/?theme=youth",
    "/{code}/commitments/mc-dec-5-16/",
    "/{code}/themes/",
    "/{code}/themes/youth/",
    "/{code}/institutions/",
    "/{code}/institutions/ministerial-council/",
    "/{code}/categories/",
    "/{code}/timeline/",
    "/{code}/matrix/",
    "/{code}/about/",
    "/{code}/compare/?r=mc-dec-5-16",
]


def test_the_page_cache_never_serves_one_language_for_another(client, record):
    InstitutionFactory(name="Ministerial Council", slug="ministerial-council")
    seen = {}
    for _round in range(2):
        for page in PAGES:
            for code in ("fr", "en", "ru"):
                response = client.get(page.format(code=code))
                assert response.status_code == 200, page
                assert html_lang(response) == code, (page, code)
                seen.setdefault((page, code), []).append(response[HEADER])
    assert all(states == ["miss", "hit"] for states in seen.values()), seen


@pytest.mark.parametrize(
    ("code", "heading"),
    [
        (
            "fr",
            "Engagements de l’OSCE relatifs à la lutte contre l’utilisation d’Internet à des "
            "fins terroristes et à la cybersécurité/sécurité des TIC",
        ),
        (
            "ru",
            "Обязательства ОБСЕ по противодействию использованию Интернета в террористических "
            "целях и по кибербезопасности/безопасности ИКТ",
        ),
        (
            "de",
            "OSZE-Verpflichtungen zur Bekämpfung der Nutzung des Internets für terroristische "
            "Zwecke und zur Cyber-/IKT-Sicherheit",
        ),
    ],
)
def test_the_home_page_speaks_the_language_of_its_address(client, code, heading):
    content = client.get(f"/{code}/").content.decode()
    assert f'<h1 id="home-heading">{heading}</h1>' in content


def test_the_catalogue_in_russian_has_russian_navigation_and_counts(client, record):
    content = client.get("/ru/commitments/").content.decode()
    assert "<h1>Обязательства</h1>" in content
    assert ">Перейти к содержанию</a>" in content
    assert "1 обязательство" in content


def test_the_page_cache_keeps_french_and_english_apart(client, record):
    for _round in range(2):
        assert "<h1>Engagements</h1>" in client.get("/fr/commitments/").content.decode()
        assert "<h1>Commitments</h1>" in client.get("/en/commitments/").content.decode()


# --- content: official names of bodies per language, English fallback labelled ----------


@pytest.fixture
def council(db):
    return InstitutionFactory(
        name="Ministerial Council",
        acronym="",
        slug="ministerial-council",
        names={"fr": "Conseil ministériel", "ru": "Совет министров"},
        name_sources={"fr": ["https://www.osce.org/fr/mc"], "ru": ["https://www.osce.org/ru/mc"]},
    )


def test_a_body_shows_its_sourced_official_name_in_the_page_language(client, council):
    french = client.get("/fr/institutions/ministerial-council/").content.decode()
    russian = client.get("/ru/institutions/ministerial-council/").content.decode()
    assert "<h1>Conseil ministériel</h1>" in french
    assert "<h1>Совет министров</h1>" in russian
    assert "fallback-note" not in french.split("</h1>")[1].split("</header>")[0]


def test_a_body_without_a_sourced_name_falls_back_to_english_labelled(client, council):
    german = client.get("/de/institutions/ministerial-council/").content.decode()
    assert '<h1><span lang="en">Ministerial Council</span></h1>' in german
    assert '<p class="fallback-note">(auf Englisch angezeigt)</p>' in german
    english = client.get("/en/institutions/ministerial-council/").content.decode()
    assert "<h1>Ministerial Council</h1>" in english
    assert "fallback-note" not in english


def test_a_record_in_another_language_marks_its_english_title_and_summary(client, council):
    CommitmentFactory(
        title="Decision on youth and security",
        summary="A summary in the catalogue's words.",
        slug="youth-decision",
        adopting_body=council,
        organisation=council.organisation,
    )
    french = client.get("/fr/commitments/youth-decision/").content.decode()
    assert '<h1 lang="en">Decision on youth and security</h1>' in french
    assert '<p class="fallback-note">(affiché en anglais)</p>' in french
    assert '<p class="lead" lang="en">A summary in the catalogue&#x27;s words.</p>' in french
    assert ">Conseil ministériel</a>" in french
    listing = client.get("/ru/commitments/").content.decode()
    assert '<span class="body">Совет министров</span>' in listing
    assert '<h3 class="commitment-row__title" lang="en">' in listing
    english = client.get("/en/commitments/youth-decision/").content.decode()
    assert "<h1>Decision on youth and security</h1>" in english


def test_names_per_language_cost_no_extra_query(client, council):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    CommitmentFactory.create_batch(3, adopting_body=council, organisation=council.organisation)
    counts = {}
    for code in ("en", "ru", "de"):
        for page in ("/{code}/commitments/", "/{code}/institutions/"):
            client.get(page.format(code=code))  # fill the caches of this language first
            with CaptureQueriesContext(connection) as queries:
                client.get(page.format(code=code) + "?page=1")
            counts[(code, page)] = len(queries)
    assert counts[("en", "/{code}/commitments/")] == counts[("ru", "/{code}/commitments/")]
    assert counts[("en", "/{code}/institutions/")] == counts[("de", "/{code}/institutions/")]
