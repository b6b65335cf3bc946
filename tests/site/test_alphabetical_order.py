"""Alphabetical lists sort by what the visitor reads, in the page's language and its collation
(catalog/collation.py): the catalogue's "Title (A–Z)", its CSV export and the API's
`ordering=title`, the vocabularies, the bodies and the facet options — on SQLite and
PostgreSQL alike."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from catalog.collation import sort_key, translated_order
from catalog.models import Commitment, Institution, Theme
from tests.factories import (
    CommitmentFactory,
    InstitutionFactory,
    OrganisationFactory,
    ThemeFactory,
)

from .helpers import html, streamed

pytestmark = pytest.mark.django_db

# English A, B, C, D. In Russian the first three read Ж, А, Ё and sort А, Ё, Ж (Ё with the Е's,
# where byte order puts it before А); the fourth has no Russian and sorts by its English,
# after the Cyrillic (Russian puts Latin after Cyrillic). In French É sorts with the E's
# (byte order puts it after Z) and the untranslated one by its English "Damson…".
TITLES = [
    ("Apple accord", {"ru": "Жёлудь: соглашение", "fr": "Zèbre : accord"}),
    ("Banana accord", {"ru": "Абрикос: соглашение", "fr": "École : accord"}),
    ("Cherry accord", {"ru": "Ёлка: соглашение", "fr": "Avis : accord"}),
    ("Damson accord", {}),
]
ENGLISH = ["Apple accord", "Banana accord", "Cherry accord", "Damson accord"]
RUSSIAN = ["Абрикос: соглашение", "Ёлка: соглашение", "Жёлудь: соглашение", "Damson accord"]
FRENCH = ["Avis : accord", "Damson accord", "École : accord", "Zèbre : accord"]


@pytest.fixture
def records(db):
    for year, (english, other) in enumerate(TITLES, start=2001):
        CommitmentFactory(
            title=english, year=year, **{f"title_{code}": text for code, text in other.items()}
        )


def titles(response):
    """Titles of the listed records in page order (a fallback's heading has lang="en")."""
    found = re.findall(
        r'class="commitment-row__title"[^>]*><a href="[^"]+">(.*?)</a>', html(response)
    )
    return [re.sub(r"<[^>]+>", "", title) for title in found]


def catalogue(client, code, **query):
    with translation.override(code):
        url = reverse("catalog:commitment_list")
    return client.get(url, {"ordering": "title", **query})


@pytest.mark.parametrize("code, expected", [("en", ENGLISH), ("ru", RUSSIAN), ("fr", FRENCH)])
def test_the_catalogue_sorts_titles_in_the_pages_language(client, records, code, expected):
    assert titles(catalogue(client, code)) == expected


def test_the_csv_export_follows_the_same_order(client, records):
    with translation.override("ru"):
        url = reverse("catalog:commitment_export_csv")
    rows = list(csv.DictReader(io.StringIO(streamed(client.get(url, {"ordering": "title"})))))
    assert [row["title"] for row in rows] == RUSSIAN


@pytest.mark.parametrize("code, expected", [("ru", RUSSIAN), ("fr", FRENCH), ("en", ENGLISH)])
def test_the_api_sorts_titles_in_the_requested_language(client, records, code, expected):
    answer = client.get("/api/v1/commitments/", {"ordering": "title", "lang": code})
    assert [row["title"] for row in answer.json()["results"]] == expected


def test_the_api_csv_follows_the_requested_language(client, records):
    answer = client.get(
        "/api/v1/commitments/", {"ordering": "title", "lang": "fr", "format": "csv"}
    )
    content = b"".join(answer.streaming_content) if answer.streaming else answer.content
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == FRENCH


def test_descending_and_explicit_languages(records):
    ordered = Commitment.objects.order_by(translated_order("title", descending=True))
    with translation.override("fr"):
        assert [record.title for record in ordered] == FRENCH[::-1]
    german = Commitment.objects.order_by(translated_order("title", language="ru"))
    assert [record.title_en for record in german] == [
        "Banana accord",
        "Cherry accord",
        "Apple accord",
        "Damson accord",
    ]


@pytest.fixture
def themes(db):
    # One position: the names decide. Russian: Ёж between Еда and Жанр; the untranslated
    # theme by its English, after the Cyrillic.
    ThemeFactory(name="Genre", name_ru="Жанр", name_fr="Genre", slug="genre", position=1)
    ThemeFactory(name="Hedgehog", name_ru="Ёж", name_fr="Hérisson", slug="ege", position=1)
    ThemeFactory(name="Food", name_ru="Еда", name_fr="Été", slug="food", position=1)
    ThemeFactory(name="Zoology", slug="zoology", position=1)


THEMES = {
    "en": ["food", "genre", "ege", "zoology"],
    "ru": ["food", "ege", "genre", "zoology"],
    "fr": ["food", "genre", "ege", "zoology"],
}


@pytest.mark.parametrize("code", THEMES)
def test_the_theme_list_and_api_sort_names_in_the_language(client, themes, code):
    with translation.override(code):
        page = html(client.get(reverse("catalog:theme_list")))
        slugs = re.findall(rf'href="/{code}/themes/([\w-]+)/"', page)
    assert list(dict.fromkeys(slugs)) == THEMES[code]
    api = client.get("/api/v1/themes/", {"lang": code}).json()["results"]
    assert [row["url"].rstrip("/").rsplit("/", 1)[-1] for row in api] == THEMES[code]


def test_french_accents_sort_with_their_letter(themes):
    with translation.override("fr"):
        names = [theme.name for theme in Theme.objects.order_by(translated_order("name"))]
    # Été with the E's, Hérisson with the H's; byte order would put both after Zoology.
    assert names == ["Été", "Genre", "Hérisson", "Zoology"]


@pytest.mark.parametrize("code", THEMES)
def test_the_catalogues_theme_facet_sorts_names_in_the_language(client, themes, code):
    for theme in Theme.objects.all():
        CommitmentFactory(themes=[theme])
    page = html(catalogue(client, code))
    assert re.findall(r'name="theme" value="([^"]+)"', page) == THEMES[code]


def test_bodies_sort_by_their_official_name_in_the_language(db):
    osce = OrganisationFactory(name="Organization for Security", slug="osce")
    for name, russian in [
        ("Permanent Council", "Постоянный совет"),
        ("Ministerial Council", "Совет министров"),
        ("Forum for Security Co-operation", "Форум по сотрудничеству"),
        ("Chairpersonship", None),
    ]:
        InstitutionFactory(
            organisation=osce,
            name=name,
            position=1,
            names={"ru": russian} if russian else {},
        )
    ordered = Institution.objects.order_by("position", translated_order("name"))
    with translation.override("ru"):
        russian = [body.official_name()[0] for body in ordered]
    assert russian == [
        "Постоянный совет",
        "Совет министров",
        "Форум по сотрудничеству",
        "Chairpersonship",
    ]
    english = [body.name for body in ordered.all()]
    assert english == sorted(english)


def test_the_body_facet_and_choices_name_and_sort_bodies_as_the_page_shows_them(client, db):
    osce = OrganisationFactory(name="Organization for Security", slug="osce")
    council = InstitutionFactory(
        organisation=osce, name="Permanent Council", acronym="PC", names={"ru": "Постоянный совет"}
    )
    forum = InstitutionFactory(organisation=osce, name="Forum", acronym="FSC", names={})
    for body in (council, council, forum):
        CommitmentFactory(adopting_body=body)
    page = html(catalogue(client, "ru"))
    assert "Постоянный совет (PC)" in page
    # Equal counts keep the alphabetical order; Cyrillic before Latin in Russian.
    CommitmentFactory(adopting_body=forum)
    page = html(catalogue(client, "ru"))
    assert re.findall(r'name="body" value="([^"]+)"', page) == [council.slug, forum.slug]
    with translation.override("ru"):
        matrix = html(client.get(reverse("catalog:matrix")))
    options = re.findall(r'<option value="([\w-]+)"[^>]*>([^<]+)</option>', matrix)
    bodies = [label for slug, label in options if slug in (council.slug, forum.slug)]
    assert bodies == ["Постоянный совет (PC)", "Forum (FSC)"]


def test_the_sort_key_ignores_case_and_accents_and_keeps_the_alphabets_letters():
    assert sort_key("École", "fr") == sort_key("ecole", "fr")
    assert sort_key("Ёлка", "ru") == sort_key("елка", "ru")
    assert sort_key("Œuvre", "fr") == sort_key("oeuvre", "fr")
    # Russian й is a letter of its own, after и; Spanish ñ after n.
    assert sort_key("ия", "ru") < sort_key("йа", "ru") < sort_key("ка", "ru")
    assert sort_key("nz", "es") < sort_key("ña", "es") < sort_key("oa", "es")
    # Russian puts Cyrillic first, the other languages Latin first.
    assert sort_key("Абрикос", "ru") < sort_key("Damson", "ru")
    assert sort_key("Damson", "fr") < sort_key("Абрикос", "fr")


@pytest.mark.parametrize("code", ["en", "fr", "ru"])
def test_postgresql_reads_the_title_order_from_its_language_index(records, code):
    from django.db import connection

    from catalog.filters import CommitmentFilterSet

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's expression indexes (migration 0027)")
    with translation.override(code):
        filterset = CommitmentFilterSet(
            {"ordering": "title"}, queryset=Commitment.objects.for_rows()
        )
        sql, params = filterset.qs[:20].query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of rows would be sorted anyway: forbid the table scan and the sort to see
        # that the index gives the order (with only the table scan forbidden, the planner
        # sometimes read another index and sorted, by the statistics of the moment).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"commitment_title_order_{code}" in plan
