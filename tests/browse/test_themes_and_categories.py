import pytest
from django.urls import reverse

from tests.factories import CategoryAssignmentFactory, CommitmentFactory
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
    assert f'href="{reverse("api:redoc")}"' in about
    assert f'href="{reverse("api:schema")}"' in about
