"""The site search page: grouped results with counts, snippets and a way into the catalogue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import search
from catalog.models import Commitment
from tests.factories import CommitmentFactory, InstitutionFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def page(client, query):
    return client.get(reverse("catalog:search"), {"q": query}).content.decode()


def test_search_page_without_a_query_shows_the_form(client):
    response = client.get(reverse("catalog:search"))
    assert response.status_code == 200
    assert '<input type="search" id="search-q" name="q"' in response.content.decode()


def test_search_page_groups_results_with_their_counts(client, seeded):
    html = page(client, "terrorism")
    assert 'id="group-commitments">Commitments' in html
    assert 'id="group-institutions">Institutions' in html
    assert 'id="group-themes">Themes' in html
    assert 'id="group-categories">Online-activity categories' in html
    published = search.search_commitments(Commitment.objects.for_listing(), "terrorism").count()
    assert f'Commitments <span class="count">({published})</span>' in html


def test_search_page_finds_a_symbol_typed_loosely_first(client, seeded):
    html = page(client, "mc dec 7/06")
    results = html[html.index('id="group-commitments"') :]
    assert results.index("Decision No. 7/06 on Countering the Use of the Internet") < results.index(
        "</ol>"
    )
    first_link = results[results.index("<a href=") :]
    assert first_link.startswith('<a href="/commitments/mc-dec-7-06/">')


def test_search_page_finds_an_institution_by_acronym(client, seeded):
    html = page(client, "ODIHR")
    institutions = html[html.index('id="group-institutions"') :]
    assert "Office for Democratic Institutions and Human Rights" in institutions
    assert 'Institutions <span class="count">(1)</span>' in html


def test_search_page_finds_a_theme_by_name(client, seeded):
    html = page(client, "foreign terrorist fighters")
    themes = html[html.index('id="group-themes"') :]
    assert '<a href="/themes/' in themes
    assert "Foreign terrorist fighters</a>" in themes


def test_search_page_highlights_matched_words_in_snippets(client, seeded):
    html = page(client, "kidnapping")
    assert '<p class="snippet">' in html
    assert "<mark>" in html.split('<p class="snippet">')[1].split("</p>")[0].lower()


def test_snippet_escapes_html_in_the_summary_but_keeps_the_highlight(client):
    CommitmentFactory(summary="Covers <script>alert(1)</script> and glaciers & ice.")
    html = page(client, "glaciers")
    assert "<script>alert(1)</script>" not in html
    assert "<mark>glaciers</mark>" in html


def test_search_page_links_to_the_catalogue_with_the_same_query(client, seeded):
    html = page(client, "money laundering")
    assert 'href="/commitments/?search=money+laundering"' in html


def test_search_page_says_when_nothing_is_found(client, seeded):
    html = page(client, "xylophone")
    assert "0 results for “xylophone”." in html
    assert "Nothing found." in html


def test_search_page_never_shows_unpublished_commitments(client):
    CommitmentFactory(title="Decision on glaciers", draft=True)
    html = page(client, "glaciers")
    assert "Decision on glaciers" not in html
    assert 'Commitments <span class="count">(0)</span>' in html


def _queries(client, query):
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("catalog:search"), {"q": query}).status_code == 200
    return len(context.captured_queries)


def test_search_page_query_count_does_not_grow_with_the_results(client):
    body = InstitutionFactory()
    themes = [ThemeFactory(), ThemeFactory()]
    for _ in range(5):
        CommitmentFactory(title="Decision on glaciers", adopting_body=body, themes=themes)
    few = _queries(client, "glaciers")
    for _ in range(45):
        CommitmentFactory(title="Decision on glaciers", adopting_body=body, themes=themes)
    many = _queries(client, "glaciers")
    assert few == many
    assert many <= 14
