"""The page cache is bounded: a query parameter no page reads never makes an entry (it is
redirected away), an oversized page is not kept, and a version keeps a limited number of pages."""

import pytest
from django.core.cache import cache

from catalog.pagecache import HEADER
from tests.factories import CommitmentFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def page_entries():
    return sum(1 for key in list(cache._cache) if ":page:" in key)  # noqa: SLF001


@pytest.fixture
def records(db):
    theme = ThemeFactory(slug="cyber")
    return CommitmentFactory.create_batch(2, themes=[theme])


@pytest.mark.parametrize(
    ("address", "clean"),
    [
        ("/en/matrix/?x=8f3a", "/en/matrix/"),
        ("/en/timeline/?theme=cyber&utm_source=mail", "/en/timeline/?theme=cyber"),
        ("/en/commitments/?x=1&kind=decision&page=2", "/en/commitments/?kind=decision&page=2"),
        ("/en/?cachebuster=1&cachebuster=2", "/en/"),
        ("/sitemap.xml?x=1", "/sitemap.xml"),
        ("/en/themes/cyber/?fbclid=abc", "/en/themes/cyber/"),
    ],
)
def test_an_unknown_parameter_redirects_to_the_clean_address(client, records, address, clean):
    response = client.get(address)
    assert (response.status_code, response["Location"]) == (301, clean)
    assert page_entries() == 0


def test_random_parameters_make_no_cache_entries(client, records):
    for number in range(20):
        client.get(f"/en/matrix/?junk={number}")
    assert page_entries() == 0
    assert client.get("/en/matrix/")[HEADER] == "miss"
    assert page_entries() == 1


@pytest.mark.parametrize(
    "address",
    [
        "/en/commitments/?theme=cyber&kind=decision&ordering=title&page=1",
        "/en/matrix/?classified=on",
        "/en/compare/?r=test-decision-1",
        "/sitemap-commitments.xml?p=1",
    ],
)
def test_parameters_the_pages_read_are_kept(client, records, address):
    assert client.get(address).status_code != 301


def test_the_admin_and_the_api_are_not_redirected(client, records):
    # The API answers an unknown parameter itself (it names it), never with a redirect.
    assert client.get("/api/v1/commitments/?x=1").status_code != 301
    assert client.get("/admin/login/?x=1").status_code == 200


def test_a_page_larger_than_the_bound_is_answered_but_not_kept(client, records, settings):
    settings.PAGE_CACHE_MAX_ENTRY_BYTES = 1000
    responses = [client.get("/en/") for _ in range(2)]
    assert [(r.status_code, r.get(HEADER)) for r in responses] == [(200, None), (200, None)]
    assert page_entries() == 0


def test_a_version_keeps_at_most_the_bound_of_pages(client, records, settings):
    settings.PAGE_CACHE_MAX_ENTRIES = 2
    for address in ("/en/", "/en/themes/", "/en/categories/", "/en/matrix/"):
        client.get(address)
    assert page_entries() == 2
    assert client.get("/en/")[HEADER] == "hit"
    assert client.get("/en/categories/")[HEADER] == "miss"
