"""Content in the page's language: translated fields (django-modeltranslation), the English
fallback marked lang="en" and labelled, and CSV exports in the chosen language."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import ActivityCategoryFactory, CommitmentFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def theme(db):
    return ThemeFactory(
        slug="counter-terrorism",
        name="Counter-terrorism",
        name_fr="Lutte contre le terrorisme",
        name_ru="Борьба с терроризмом",
        description="What the catalogue says about it.",
    )


@pytest.fixture
def record(theme):
    return CommitmentFactory(
        slug="mc-dec-1-01",
        title="Decision on combating terrorism",
        title_fr="Décision sur la lutte contre le terrorisme",
        summary="An English summary only.",
        themes=[theme],
    )


def page(client, name, code, **kwargs):
    with translation.override(code):
        url = reverse(name, kwargs=kwargs)
    return client.get(url).content.decode()


def test_a_french_page_shows_the_french_theme_name(client, theme):
    content = page(client, "catalog:theme_detail", "fr", slug=theme.slug)
    assert "<h1>Lutte contre le terrorisme</h1>" in content
    # Its description has no French yet: English, marked and labelled.
    assert '<p class="lead" lang="en">What the catalogue says about it.</p>' in content
    assert "(affiché en anglais)" in content


def test_a_russian_page_shows_the_russian_theme_name_and_an_english_page_the_english(client, theme):
    assert "Борьба с терроризмом" in page(client, "catalog:theme_detail", "ru", slug=theme.slug)
    english = page(client, "catalog:theme_detail", "en", slug=theme.slug)
    assert "<h1>Counter-terrorism</h1>" in english
    assert 'lang="en"' not in english.split("<main", 1)[1]


def test_a_missing_french_summary_shows_the_english_marked_and_labelled(client, record):
    content = page(client, "catalog:commitment_detail", "fr", slug=record.slug)
    assert "<h1>Décision sur la lutte contre le terrorisme</h1>" in content
    assert '<p class="lead" lang="en">An English summary only.</p>' in content
    assert "(affiché en anglais)" in content


def test_a_fully_translated_record_has_no_label(client, record):
    record.summary_fr = "Un résumé en français."
    record.save()
    content = page(client, "catalog:commitment_detail", "fr", slug=record.slug)
    assert '<p class="lead">Un résumé en français.</p>' in content
    assert "(affiché en anglais)" not in content


def test_the_catalogue_list_shows_translated_titles_and_marks_the_english_ones(client, record):
    CommitmentFactory(title="Only in English")
    content = page(client, "catalog:commitment_list", "fr")
    assert "Décision sur la lutte contre le terrorisme" in content
    assert '<h3 class="commitment-row__title" lang="en"><a' in content
    assert "Lutte contre le terrorisme" in content  # the theme facet, in French


def test_a_category_page_falls_back_to_english_with_the_label(client):
    category = ActivityCategoryFactory(name="Propaganda", name_de="Propaganda")
    content = page(client, "catalog:category_detail", "it", slug=category.slug)
    assert '<h1 lang="en">Propaganda</h1>' in content
    assert "(mostrato in inglese)" in content


def test_a_csv_export_follows_the_language_of_its_address(client, record):
    with translation.override("fr"):
        url = reverse("catalog:commitment_export_csv")
    response = client.get(url)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    row = next(row for row in rows if "mc-dec-1-01" in row.values())
    assert "Décision sur la lutte contre le terrorisme" in row.values()
    assert "An English summary only." in row.values()  # no French: the English
    assert "Lutte contre le terrorisme" in row.values()  # the theme, in French
