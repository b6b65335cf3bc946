"""Search results: the catalogue is the one results page (`/commitments/?search=…`).

It marks the matched words in titles and summary passages, offers the institutions, themes
and categories whose names match, and keeps the facets; `/search/?q=…` redirects to it.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import search
from catalog.expressions import InIds
from catalog.models import Commitment
from catalog.pagination import CataloguePaginator
from tests.factories import CommitmentFactory, InstitutionFactory, ThemeFactory

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("catalog:commitment_list")


def page(client, query):
    response = client.get(CATALOGUE, {"search": query})
    assert response.status_code == 200
    return response.content.decode()


def also_matching(html):
    start = html.index('class="also-matching"')
    return html[start : html.index("</aside>", start)]


def test_old_search_address_redirects_permanently_to_the_catalogue(client):
    response = client.get(reverse("catalog:search"), {"q": "  money   laundering "})
    assert response.status_code == 301
    assert response["Location"] == f"{CATALOGUE}?search=money+laundering"


def test_old_search_address_without_a_query_leads_to_the_catalogue(client):
    response = client.get(reverse("catalog:search"))
    assert (response.status_code, response["Location"]) == (301, CATALOGUE)


def test_header_and_home_search_lead_to_the_catalogue(client, seeded):
    html = client.get(reverse("catalog:home")).content.decode()
    assert html.count(f'action="{CATALOGUE}"') == 2
    assert "/en/search/" not in html


def test_results_count_is_the_search_count(client, seeded):
    html = page(client, "terrorism")
    published = search.search_commitments(Commitment.objects.for_listing(), "terrorism").count()
    assert f"{published} commitments" in html
    assert "Commitments matching “terrorism”" in html


def test_a_symbol_typed_loosely_comes_first(client, seeded):
    html = page(client, "mc dec 7/06")
    first = html[html.index('class="commitment-row__title"') :]
    assert first.startswith('class="commitment-row__title"><a href="/en/commitments/mc-dec-7-06/">')


def test_matching_institutions_are_offered(client, seeded):
    panel = also_matching(page(client, "ODIHR"))
    assert "Institutions" in panel
    assert 'href="/en/institutions/office-for-democratic-institutions-and-human-rights/"' in panel


def test_matching_themes_are_offered_with_the_words_marked(client, seeded):
    panel = also_matching(page(client, "foreign terrorist fighters"))
    assert '<a href="/en/themes/foreign-terrorist-fighters/">' in panel
    assert "<mark>Foreign</mark> <mark>terrorist</mark> <mark>fighters</mark>" in panel


def test_no_panel_when_no_vocabulary_matches(client, seeded):
    assert 'class="also-matching"' not in page(client, "xylophone")


def test_snippets_mark_the_matched_words(client, seeded):
    html = page(client, "kidnapping")
    snippet = html.split('<p class="commitment-row__summary snippet">')[1].split("</p>")[0]
    assert "<mark>" in snippet.lower()


def test_titles_mark_the_matched_words(client):
    CommitmentFactory(title="Decision on glaciers and ice")
    assert ">Decision on <mark>glaciers</mark> and ice</a>" in page(client, "glaciers")


def test_snippet_escapes_html_in_the_summary_but_keeps_the_highlight(client):
    CommitmentFactory(summary="Covers <script>alert(1)</script> and glaciers & ice.")
    html = page(client, "glaciers")
    assert "<script>alert(1)</script>" not in html
    assert "<mark>glaciers</mark>" in html


def test_search_results_keep_the_facets(client, seeded):
    html = page(client, "internet")
    assert 'name="theme" value="terrorist-use-of-internet"' in html
    assert 'name="kind" value="decision"' in html


def test_nothing_found_says_so(client, seeded):
    html = page(client, "xylophone")
    assert "0 commitments" in html
    assert "No published commitment matches all these filters." in html


def test_search_never_shows_unpublished_commitments(client):
    CommitmentFactory(title="Decision on glaciers", draft=True)
    html = page(client, "glaciers")
    assert "Decision on glaciers" not in html
    assert "0 commitments" in html


def _queries(client, query):
    with CaptureQueriesContext(connection) as context:
        assert client.get(CATALOGUE, {"search": query}).status_code == 200
    return sum(
        1
        for query in context.captured_queries
        if not query["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))
    )


def test_search_results_query_count_does_not_grow_with_the_results(client):
    body = InstitutionFactory(name="Glaciers Council")
    themes = [ThemeFactory(name="Glaciers"), ThemeFactory()]
    for _ in range(5):
        CommitmentFactory(title="Decision on glaciers", adopting_body=body, themes=themes)
    search.vocabulary()  # counted once, not per search nor per catalogue version
    few = _queries(client, "glaciers")
    for _ in range(45):
        CommitmentFactory(title="Decision on glaciers", adopting_body=body, themes=themes)
    many = _queries(client, "glaciers")
    assert few == many
    # The candidates and their scores (once, shared by the list and the facets: on SQLite one
    # query, on PostgreSQL two), the records whose official texts match (one), five grouped
    # facet counts, the page's rows, their passages and the three vocabularies for "also
    # matching"; read once per catalogue version, the four facets' terms (grouped by id, named
    # from them), the institutions the rows name as their adopting bodies, the records that
    # have a public text (none here: no query for the hits inside the rows' texts) and the
    # terms publishers added to the thesaurus. The words the spelling
    # check compares the query with ("did you mean") are not read: counted by the first search
    # of an empty cache, then by the minute task.
    assert many == {"sqlite": 19, "postgresql": 20}[connection.vendor]


def _id_filters(queryset):
    """How many ids each of the query's id-list filters names."""
    return [
        len(condition.ids)
        for child in queryset.query.where.children
        if isinstance(condition := getattr(child, "lhs", child), InIds)
    ]


@pytest.mark.parametrize("query", ["terrorist", "cyber", "mc dec"])
def test_each_page_of_a_search_holds_its_share_of_the_ranking_and_reads_only_it(seeded, query):
    results = search.search_commitments(Commitment.objects.for_listing(), query)
    ranking = [commitment.slug for commitment in results]
    assert len(ranking) > 6, "the query must fill several pages of 3"
    paginator = CataloguePaginator(results, 3)
    pages = []
    for number in paginator.page_range:
        with CaptureQueriesContext(connection) as queries:
            rows = list(paginator.page(number).object_list)
        assert len(queries) == 1
        # The page's query names its own candidates only: no slicing over all of them, and
        # no filter on every candidate's id besides the page's own (PostgreSQL then reads
        # the page's rows by primary key).
        assert "LIMIT" not in queries[0]["sql"].upper()
        assert _id_filters(paginator.page(number).object_list) == [len(rows)]
        pages.append([commitment.slug for commitment in rows])
    assert [slug for page in pages for slug in page] == ranking
    assert all(len(page) == 3 for page in pages[:-1])


def test_a_search_reordered_by_date_is_paginated_in_sql(seeded):
    results = search.search_commitments(Commitment.objects.for_listing(), "terrorist")
    newest = results.order_by("-year", "-adopted_on", "title")
    paginator = CataloguePaginator(newest, 3)
    first = [commitment.slug for commitment in paginator.page(1).object_list]
    assert first == [commitment.slug for commitment in newest[:3]]


def test_a_repeated_search_reuses_its_candidates_and_counts(client):
    for _ in range(3):
        CommitmentFactory(title="Decision on glaciers")
    # (As above, with the did-you-mean words counted: the first search of an empty cache.)
    assert _queries(client, "glaciers") == {"sqlite": 20, "postgresql": 21}[connection.vendor]
    # Another order of the same search (another address, so not the page cache): only the
    # page's rows are read; their passages are not, as the rows of this search were rendered
    # already (the fragment cache).
    with CaptureQueriesContext(connection) as context:
        response = client.get(CATALOGUE, {"search": "glaciers", "ordering": "title"})
    assert response.status_code == 200
    assert len([q for q in context.captured_queries if q["sql"].startswith("SELECT")]) == 1


def test_a_cached_search_shows_a_new_publication_at_once(client):
    CommitmentFactory(title="Decision on glaciers")
    assert page(client, "glaciers").count('class="commitment-row"') == 1
    CommitmentFactory(title="Second decision on glaciers")
    assert page(client, "glaciers").count('class="commitment-row"') == 2


def test_searches_narrowed_by_different_filters_keep_their_own_candidates(client):
    north, south = ThemeFactory(slug="north"), ThemeFactory(slug="south")
    CommitmentFactory(title="Decision on northern glaciers", themes=[north])
    CommitmentFactory(title="Decision on southern glaciers", themes=[south])
    for theme, title in ((north, "northern"), (south, "southern")):
        html = client.get(CATALOGUE, {"search": "glaciers", "theme": theme.slug}).content.decode()
        assert html.count('class="commitment-row"') == 1
        assert f"Decision on {title}" in html
