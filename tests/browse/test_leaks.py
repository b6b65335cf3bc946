"""A draft, an in-review, an archived and a scheduled record never reach a browse page."""

import pytest
from django.urls import reverse

from tests.browse.conftest import HIDDEN_YEAR
from tests.sitemap import whole_sitemap

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def assert_no_hidden_title(html, hidden):
    for record in hidden:
        assert record.title not in html
        assert record.get_absolute_url() not in html


def item_for(html, href):
    start = html.index(f'href="{href}"')
    return html[start : html.index("</li>", start)]


@pytest.mark.parametrize(
    "url_name",
    ["institution_detail", "organisation_detail", "theme_detail", "category_detail"],
)
def test_detail_pages_list_only_the_published_record(client, linked, hidden, url_name):
    target = {
        "institution_detail": linked["body"],
        "organisation_detail": linked["body"].organisation,
        "theme_detail": linked["theme"],
        "category_detail": linked["category"],
    }[url_name]
    html = page(client, target.get_absolute_url())
    assert linked["public"].title in html
    assert_no_hidden_title(html, hidden)


def test_institution_tree_counts_only_the_published_record(client, linked, hidden):
    html = page(client, reverse("catalog:institution_list"))
    assert "1 commitment adopted by this body<" in item_for(html, linked["body"].get_absolute_url())


def test_theme_list_counts_only_the_published_record(client, linked, hidden):
    html = page(client, reverse("catalog:theme_list"))
    assert "1 commitment<" in item_for(html, linked["theme"].get_absolute_url())


def test_category_list_counts_only_the_published_record(client, linked, hidden):
    html = page(client, reverse("catalog:category_list"))
    assert "1 commitment<" in item_for(html, linked["category"].get_absolute_url())


def test_timeline_leaves_out_unpublished_years_and_counts(client, linked, hidden):
    html = page(client, reverse("catalog:timeline"))
    assert_no_hidden_title(html, hidden)
    assert str(HIDDEN_YEAR) not in html
    assert "1 published commitment, 2020–2020." in html


def test_matrix_shows_and_counts_only_the_published_record(client, linked, hidden):
    html = page(client, reverse("catalog:matrix"))
    assert_no_hidden_title(html, hidden)
    assert "</span>1</a>" in html
    assert "1 published commitment;" in html


def test_matrix_narrowed_by_theme_hides_unpublished_records(client, linked, hidden):
    html = page(client, reverse("catalog:matrix") + "?theme=shared-theme")
    assert_no_hidden_title(html, hidden)


def test_about_counts_only_the_published_record(client, linked, hidden):
    assert "The catalogue holds 1 published commitment" in page(client, reverse("catalog:about"))


def test_sitemap_leaves_out_unpublished_records(client, linked, hidden):
    xml = whole_sitemap(client)
    assert linked["public"].get_absolute_url() in xml
    for record in hidden:
        assert record.get_absolute_url() not in xml
