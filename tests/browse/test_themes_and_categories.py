import pytest
from django.urls import reverse

from tests.factories import CategoryAssignmentFactory, CommitmentFactory, ThemeFactory
from tests.writes import move

pytestmark = pytest.mark.django_db


def section_of(html, href):
    """The list item that links to `href`."""
    start = html.index(f'href="{href}"')
    return html[start : html.index("</li>", start)]


def test_theme_list_counts_only_published_commitments(client, linked, hidden):
    html = client.get(reverse("catalog:theme_list")).content.decode()
    assert "1 commitment<" in section_of(html, linked["theme"].get_absolute_url())


def test_theme_list_counts_follow_a_publication_at_once(client, linked, hidden):
    url = reverse("catalog:theme_list")
    theme = linked["theme"].get_absolute_url()
    assert "1 commitment<" in section_of(client.get(url).content.decode(), theme)
    draft = hidden[0]  # linked to the theme already, and not counted
    assert draft.status == "draft"
    move(draft, "published")
    assert "2 commitments<" in section_of(client.get(url).content.decode(), theme)


def test_theme_page_links_to_the_catalogue_filtered_by_the_theme(client, linked):
    html = client.get(linked["theme"].get_absolute_url()).content.decode()
    assert 'href="/en/commitments/?theme=shared-theme"' in html


def test_theme_page_of_an_unknown_slug_is_404(client, db):
    assert client.get(reverse("catalog:theme_detail", kwargs={"slug": "nope"})).status_code == 404


def test_category_page_shows_scope_note_evidence_and_source(client):
    assignment = CategoryAssignmentFactory(
        note="Paragraph 4 condemns incitement.",
        source_url="https://www.osce.org/mc/42536",
        category__scope_note="Calls to commit terrorist acts.",
    )
    html = client.get(assignment.category.get_absolute_url()).content.decode()
    assert "Calls to commit terrorist acts." in html
    assert assignment.commitment.title in html
    assert "Paragraph 4 condemns incitement." in html
    assert 'href="https://www.osce.org/mc/42536"' in html


def test_category_page_lists_newest_first(client):
    old = CategoryAssignmentFactory(commitment__year=2001, commitment__title="Older record")
    CategoryAssignmentFactory(
        category=old.category, commitment=CommitmentFactory(year=2015, title="Newer record")
    )
    html = client.get(old.category.get_absolute_url()).content.decode()
    assert html.index("Newer record") < html.index("Older record")


def test_category_page_of_an_unknown_slug_is_404(client, db):
    url = reverse("catalog:category_detail", kwargs={"slug": "nope"})
    assert client.get(url).status_code == 404


def test_about_links_the_api_documentation_and_schema(client, db):
    html = client.get(reverse("catalog:about")).content.decode()
    about = html[html.index('id="reuse-heading"') :]
    assert f'href="{reverse("api:docs")}"' in about
    assert f'href="{reverse("api:explorer")}"' in about
    assert f'href="{reverse("api:redoc")}"' in about
    assert f'href="{reverse("api:schema")}"' in about


def catalogue(client, **filters):
    response = client.get(reverse("catalog:commitment_list"), filters)
    assert response.status_code == 200
    return response.content.decode()


def test_catalogue_says_what_a_theme_and_a_category_are(client, db):
    html = catalogue(client)
    assert "The subject area a record belongs to" in html
    assert "The kind of terrorist activity online a record addresses" in html


def test_few_results_for_a_theme_offer_the_categories(client, db):
    theme = ThemeFactory()
    CommitmentFactory(themes=[theme])
    html = catalogue(client, theme=theme.slug)
    assert "Few results for these themes (subject areas)." in html
    assert '<a href="#filter-category">Try an online-activity category</a>' in html
    assert 'id="filter-category"' in html


def test_few_results_for_a_category_offer_the_themes(client, db):
    assignment = CategoryAssignmentFactory()
    html = catalogue(client, category=assignment.category.slug)
    assert "Few results for these categories (kinds of activity online)." in html
    assert '<a href="#filter-theme">Try a theme</a>' in html


def test_many_results_for_a_theme_offer_nothing_else(client, db):
    theme = ThemeFactory()
    for _ in range(4):
        CommitmentFactory(themes=[theme])
    assert "Few results" not in catalogue(client, theme=theme.slug)


def test_methodology_explains_themes_and_categories_with_an_example(client, db):
    html = client.get(reverse("catalog:about")).content.decode()
    assert 'id="classification-heading"' in html
    assert "decisions on terrorist use of the internet since 2010" in html
