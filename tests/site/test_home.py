import pytest
from django.urls import reverse

from tests.factories import CommitmentFactory

from .helpers import html

URL = reverse("catalog:home")

pytestmark = pytest.mark.django_db


def section(text, heading_id):
    start = text.index(f'id="{heading_id}"')
    return text[start : text.index("</section>", start)]


def test_home_shows_the_primary_organisation_overview(client, catalogue):
    catalogue.osce.is_primary = True
    catalogue.osce.overview = "The largest regional security body."
    catalogue.osce.save()
    text = html(client.get(URL))
    assert "The largest regional security body." in text


def test_home_shows_key_figures(client, catalogue):
    text = html(client.get(URL))
    figures = text[text.index('class="figures__list"') :]
    assert ">4</a></dd>" in figures  # published commitments
    assert ">3</a></dd>" in figures  # adopting bodies
    assert "2006–2020" in figures


def test_home_lists_the_latest_commitments_newest_first(client, catalogue):
    latest = section(html(client.get(URL)), "latest-heading")
    assert latest.index("Global strategy resolution") < latest.index("Declaration on youth")


def test_home_lists_featured_commitments(client, catalogue):
    CommitmentFactory(title="A featured decision", is_featured=True, year=1999)
    featured = section(html(client.get(URL)), "featured-heading")
    assert "A featured decision" in featured
    assert "Global strategy resolution" not in featured


def test_home_has_no_featured_section_without_featured_records(client, catalogue):
    assert 'id="featured-heading"' not in html(client.get(URL))


def test_home_offers_ways_in(client, catalogue):
    text = html(client.get(URL))
    for name in ("theme_list", "category_list", "institution_list", "timeline", "matrix"):
        assert f'href="{reverse(f"catalog:{name}")}"' in text
    assert 'href="/en/themes/youth/"' in text


def test_main_navigation_marks_the_current_page(client, catalogue):
    text = html(client.get(reverse("catalog:commitment_list")))
    assert f'href="{reverse("catalog:commitment_list")}" aria-current="page"' in text
    assert f'href="{reverse("catalog:timeline")}">' in text


def test_home_works_on_an_empty_catalogue(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "No published commitments yet." in html(response)


def test_home_gives_a_one_line_description_of_the_organisation_from_its_record(client, catalogue):
    osce = catalogue.osce
    osce.is_primary = True
    osce.founded_year = 1975
    osce.headquarters = "Vienna, Austria"
    osce.facts = "Began as the CSCE.\nHas 57 participating States; Mongolia joined in 2012."
    osce.save()
    about = section(html(client.get(URL)), "overview-heading")
    assert (
        f'<p class="org-line">The {osce.name} ({osce.acronym}) is an organisation of 57 '
        "participating States, founded in 1975, with its headquarters in Vienna, Austria.</p>"
    ) in about


def test_home_presents_the_source_text_as_the_osce_role_in_this_field(client, catalogue):
    osce = catalogue.osce
    osce.is_primary = True
    osce.overview = "The OSCE is primarily focused on strengthening cyber security."
    osce.save()
    text = html(client.get(URL))
    role = section(text, "role-heading")
    assert f"The {osce.acronym}’s role in this field</h2>" in role
    assert "<blockquote><p>The OSCE is primarily focused on strengthening cyber security." in role
    assert "<figcaption>Source: the original page of this project on the OSCE’s" in role
    assert "seed page" not in text  # internal jargon
    # The catalogue itself is described first.
    assert text.index("An independent, curated catalogue") < text.index('id="role-heading"')
    assert "primarily focused" not in section(text, "overview-heading")


def test_home_search_landmarks_have_different_names(client, catalogue):
    text = html(client.get(URL))
    assert 'role="search" aria-label="Site search"' in text
    assert 'role="search" aria-labelledby="home-search-label"' in text


def test_footer_links_the_api_documentation(client, catalogue):
    assert f'<a href="{reverse("api:docs")}">API documentation</a>' in html(client.get(URL))
