import pytest
from django.urls import reverse

from tests.sitemap import whole_sitemap

pytestmark = pytest.mark.django_db


def test_sitemap_lists_published_commitments_and_browse_pages(client, linked):
    xml = whole_sitemap(client)
    assert "/commitments/public-decision/</loc>" in xml
    assert "/institutions/forum-of-the-test/</loc>" in xml
    assert f"{linked['body'].organisation.get_absolute_url()}</loc>" in xml
    assert "/themes/shared-theme/</loc>" in xml
    assert "/categories/shared-category/</loc>" in xml
    for path in ("/timeline/", "/matrix/", "/about/", "/institutions/", "/commitments/"):
        assert f"{path}</loc>" in xml


def test_robots_txt_allows_all_but_admin_and_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_unknown_address_gets_the_friendly_404_page(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert f'href="{reverse("catalog:commitment_list")}"' in html
