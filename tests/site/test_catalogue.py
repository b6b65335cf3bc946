import pytest
from django.urls import reverse

from catalog.filters import MAX_BODY_OPTIONS
from tests.factories import CommitmentFactory, InstitutionFactory

from .helpers import facet, html, titles

URL = reverse("catalog:commitment_list")

pytestmark = pytest.mark.django_db

INTERNET = "Decision on countering the use of the internet"
YOUTH = "Declaration on youth and security"
COMPILATION = "Compilation of counter-terrorism commitments"
STRATEGY = "Global strategy resolution"


def test_catalogue_lists_every_published_record_newest_first_with_the_count(client, catalogue):
    response = client.get(URL)
    assert response.status_code == 200
    assert titles(response) == [STRATEGY, COMPILATION, YOUTH, INTERNET]
    assert "4 commitments" in html(response)


def test_text_filter_matches_the_title_first_then_the_theme_name(client, catalogue):
    assert titles(client.get(URL, {"search": "youth"})) == [YOUTH, STRATEGY]


def test_text_filter_matches_the_symbol_in_any_case(client, catalogue):
    assert titles(client.get(URL, {"search": "mc.dec/7/06"})) == [INTERNET]


def test_text_filter_matches_keywords(client, catalogue):
    assert titles(client.get(URL, {"search": "online radicalization"})) == [INTERNET]


def test_kind_filter_accepts_several_kinds(client, catalogue):
    response = client.get(URL, {"kind": ["declaration", "resolution"]})
    assert titles(response) == [STRATEGY, YOUTH]


def test_body_filter_matches_the_adopting_body(client, catalogue):
    assert titles(client.get(URL, {"body": "mc"})) == [YOUTH, INTERNET]


def test_body_filter_leaves_out_sub_bodies_by_default(client, catalogue):
    assert titles(client.get(URL, {"body": "secretariat"})) == []


def test_body_filter_can_include_sub_bodies(client, catalogue):
    response = client.get(URL, {"body": "secretariat", "include_sub_bodies": "on"})
    assert titles(response) == [COMPILATION]


def test_year_filters_bound_the_year_of_adoption(client, catalogue):
    response = client.get(URL, {"year_from": "2010", "year_to": "2018"})
    assert titles(response) == [COMPILATION, YOUTH]


def test_theme_filter_matches_any_of_several_themes_once(client, catalogue):
    response = client.get(URL, {"theme": ["youth", "internet"]})
    assert titles(response) == [STRATEGY, COMPILATION, YOUTH, INTERNET]


def test_category_filter_matches_the_classified_records(client, catalogue):
    assert titles(client.get(URL, {"category": "propaganda"})) == [YOUTH, INTERNET]


def test_organisation_filter_matches_the_owning_organisation(client, catalogue):
    assert titles(client.get(URL, {"organisation": "un"})) == [STRATEGY]


def test_combined_filters_all_apply(client, catalogue):
    response = client.get(
        URL, {"theme": "internet", "kind": "decision", "year_from": "2000", "body": "mc"}
    )
    assert titles(response) == [INTERNET]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("newest", [STRATEGY, COMPILATION, YOUTH, INTERNET]),
        ("oldest", [INTERNET, YOUTH, COMPILATION, STRATEGY]),
        ("title", [COMPILATION, INTERNET, YOUTH, STRATEGY]),
    ],
)
def test_ordering(client, catalogue, ordering, expected):
    assert titles(client.get(URL, {"ordering": ordering})) == expected


def test_symbol_ordering_puts_the_record_with_a_symbol_after_those_without(client, catalogue):
    assert titles(client.get(URL, {"ordering": "symbol"}))[-1] == INTERNET


def test_facet_counts_without_filters(client, catalogue):
    response = client.get(URL)
    assert facet(response, "theme") == {"internet": 3, "youth": 2}
    assert facet(response, "kind") == {
        "decision": 1,
        "resolution": 1,
        "declaration": 1,
        "reference_compilation": 1,
    }
    assert facet(response, "category") == {"financing": 1, "propaganda": 2}
    assert facet(response, "body") == {"mc": 2, "atu": 1, "ga": 1}
    assert facet(response, "organisation") == {"osce": 3, "un": 1}


def test_facet_counts_reflect_the_other_filters_but_not_their_own(client, catalogue):
    response = client.get(URL, {"theme": "youth"})
    # Its own facet still offers the other theme, counted without the theme filter.
    assert facet(response, "theme") == {"internet": 3, "youth": 2}
    assert facet(response, "kind") == {"resolution": 1, "declaration": 1}
    assert facet(response, "organisation") == {"osce": 1, "un": 1}
    assert facet(response, "category") == {"propaganda": 1}


def test_facet_counts_with_combined_filters(client, catalogue):
    response = client.get(URL, {"theme": "internet", "year_from": "2010"})
    assert facet(response, "kind") == {"declaration": 1, "reference_compilation": 1}
    assert facet(response, "theme") == {"internet": 2, "youth": 2}
    assert facet(response, "body") == {"mc": 1, "atu": 1}


def test_selected_option_without_matches_stays_visible_and_checked(client, catalogue):
    response = client.get(URL, {"theme": "youth", "kind": "decision"})
    assert facet(response, "kind")["decision"] == 0
    assert 'name="kind" value="decision" checked' in html(response)


def test_body_facet_lists_only_bodies_with_published_records(client, catalogue):
    response = client.get(URL)
    assert "secretariat" not in facet(response, "body")


def test_active_filters_are_chips_that_remove_one_value_each(client, catalogue):
    response = client.get(URL, {"theme": ["youth", "internet"], "kind": "resolution"})
    page = html(response)
    assert '<span class="chip__label">Theme:</span> Youth' in page
    assert f'href="{URL}?theme=internet&amp;kind=resolution"' in page
    assert f'href="{URL}?theme=youth&amp;theme=internet"' in page


def test_no_chips_without_filters(client, catalogue):
    assert 'class="chip"' not in html(client.get(URL))


def test_empty_result_shows_help(client, catalogue):
    response = client.get(URL, {"search": "nothing matches this"})
    assert response.status_code == 200
    assert "0 commitments" in html(response)
    assert "No published commitment matches all these filters." in html(response)


def test_pages_hold_twenty_records(client, db):
    CommitmentFactory.create_batch(25)
    assert len(titles(client.get(URL))) == 20
    assert len(titles(client.get(URL, {"page": 2}))) == 5


def test_pagination_links_keep_the_filters(client, db):
    CommitmentFactory.create_batch(25, kind="resolution")
    page = html(client.get(URL, {"kind": "resolution", "ordering": "title"}))
    assert 'href="?kind=resolution&amp;ordering=title&amp;page=2"' in page


def test_each_address_has_its_own_pagination_links(client, db):
    CommitmentFactory.create_batch(45, kind="resolution")
    first = html(client.get(URL, {"kind": "resolution"}))
    second = html(client.get(URL, {"kind": "resolution", "page": 2}))
    ordered = html(client.get(URL, {"kind": "resolution", "ordering": "title"}))

    assert 'href="?kind=resolution&amp;page=2" rel="next"' in first
    assert 'href="?kind=resolution&amp;page=3" rel="next"' in second
    assert 'href="?kind=resolution" rel="prev"' in second
    assert 'href="?kind=resolution&amp;ordering=title&amp;page=2" rel="next"' in ordered
    assert 'aria-current="page" href="?kind=resolution&amp;page=2"' in second


def test_export_and_feed_links_carry_the_current_filter(client, catalogue):
    page = html(client.get(URL, {"theme": "youth"}))
    assert f"{reverse('catalog:commitment_export_csv')}?theme=youth" in page
    assert f"{reverse('catalog:commitment_export_json')}?theme=youth" in page
    assert f"{reverse('catalog:commitment_feed')}?theme=youth" in page


def test_header_search_leads_to_the_catalogue(client, catalogue):
    page = html(client.get(reverse("catalog:home")))
    assert f'action="{URL}"' in page
    assert 'name="search"' in page


def test_body_facet_is_capped_and_keeps_the_selected_body(client, db):
    bodies = InstitutionFactory.create_batch(MAX_BODY_OPTIONS + 5)
    for body in bodies:
        CommitmentFactory(adopting_body=body)
    assert len(facet(client.get(URL), "body")) == MAX_BODY_OPTIONS
    rare = bodies[-1].slug
    assert rare in facet(client.get(URL, {"body": rare}), "body")


@pytest.mark.parametrize("name", ["kind", "theme", "body", "category", "organisation"])
def test_empty_filter_value_means_not_filtered(client, catalogue, name):
    response = client.get(URL, {name: ""}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert len(titles(response)) == 4


def test_empty_parameters_and_defaults_redirect_to_the_clean_url(client, catalogue):
    response = client.get(
        URL + "?search=&kind=&theme=youth&year_from=&year_to=&ordering=relevance&page=1"
    )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?theme=youth"


def test_a_clean_url_is_served_without_a_redirect(client, catalogue):
    assert client.get(URL, {"theme": "youth", "ordering": "oldest"}).status_code == 200


@pytest.mark.parametrize("params", [{}, {"ordering": "relevance"}])
def test_a_text_search_lists_the_best_match_first_by_default(client, params):
    CommitmentFactory(title="Decision on cyber confidence-building measures", year=2013)
    CommitmentFactory(title="Declaration on youth", summary="Mentions cyber once.", year=2020)
    response = client.get(URL, {"search": "cyber", **params}, follow=True)
    assert titles(response) == [
        "Decision on cyber confidence-building measures",
        "Declaration on youth",
    ]


def test_a_text_search_can_still_be_sorted_newest_first(client):
    CommitmentFactory(title="Decision on cyber confidence-building measures", year=2013)
    CommitmentFactory(title="Declaration on youth", summary="Mentions cyber once.", year=2020)
    response = client.get(URL, {"search": "cyber", "ordering": "newest"})
    assert titles(response) == [
        "Declaration on youth",
        "Decision on cyber confidence-building measures",
    ]


def test_pagination_links_to_the_first_page_without_a_page_parameter(client, db):
    CommitmentFactory.create_batch(25, kind="resolution")
    page = html(client.get(URL, {"kind": "resolution", "page": 2}))
    assert 'href="?kind=resolution" rel="prev"' in page
    assert "page=1" not in page
