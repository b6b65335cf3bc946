import pytest
from django.urls import reverse

from .helpers import html, titles

URL = reverse("catalog:commitment_list")
EXPORTS = [
    reverse("catalog:commitment_export_csv"),
    reverse("catalog:commitment_export_json"),
    reverse("catalog:commitment_feed"),
]

pytestmark = pytest.mark.django_db


def test_unknown_kind_shows_a_message_and_no_results(client, catalogue):
    response = client.get(URL, {"kind": "foo"})
    assert response.status_code == 200
    assert "Some filters could not be used" in html(response)
    assert "foo is not one of the available choices" in html(response)
    assert titles(response) == []


def test_non_numeric_year_shows_a_message(client, catalogue):
    response = client.get(URL, {"year_from": "abc"})
    assert response.status_code == 200
    assert "Enter a number." in html(response)


def test_year_out_of_range_shows_a_message(client, catalogue):
    response = client.get(URL, {"year_to": "99999"})
    assert response.status_code == 200
    assert "less than or equal to 2100" in html(response)


def test_year_from_after_year_to_is_rejected_with_a_clear_message(client, catalogue):
    response = client.get(URL, {"year_from": "2018", "year_to": "2010"})
    assert response.status_code == 200
    assert "is before “From year” (2018)" in html(response)
    assert titles(response) == []


def test_very_long_text_is_rejected_with_a_message(client, catalogue):
    response = client.get(URL, {"search": "x" * 5000})
    assert response.status_code == 200
    assert "at most 500 characters" in html(response)


def test_unknown_theme_slug_shows_a_message(client, catalogue):
    response = client.get(URL, {"theme": "no-such-theme"})
    assert response.status_code == 200
    assert "no-such-theme is not one of the available choices" in html(response)


def test_unknown_ordering_shows_a_message(client, catalogue):
    response = client.get(URL, {"ordering": "random"})
    assert response.status_code == 200
    assert "random is not one of the available choices" in html(response)


def test_page_far_beyond_the_last_is_404(client, catalogue):
    assert client.get(URL, {"page": "99999"}).status_code == 404


def test_page_that_is_not_a_number_is_404(client, catalogue):
    assert client.get(URL, {"page": "abc"}).status_code == 404


def test_valid_filters_still_apply_next_to_an_invalid_one_in_the_facets(client, catalogue):
    response = client.get(URL, {"kind": "foo", "theme": "youth"})
    assert response.status_code == 200
    assert "Theme:</span> Youth" in html(response)


@pytest.mark.parametrize("url", EXPORTS)
@pytest.mark.parametrize(
    "query", [{"kind": "foo"}, {"year_from": "abc"}, {"search": "x" * 5000}, {"body": "nope"}]
)
def test_exports_reject_invalid_filters_with_400_and_a_message(client, catalogue, url, query):
    response = client.get(url, query)
    assert response.status_code == 400
    assert "These filters are not valid" in response.content.decode()


def test_unknown_commitment_is_404(client, catalogue):
    url = reverse("catalog:commitment_detail", kwargs={"slug": "no-such-record"})
    assert client.get(url).status_code == 404
