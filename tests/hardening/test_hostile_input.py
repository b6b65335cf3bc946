"""Hostile input answers 400, never 500: NUL bytes in the query or a form (PostgreSQL text
cannot hold one), over-long query values, and a login name longer than any account's."""

import pytest

from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    [
        "/en/compare/?r=%00",
        "/en/suggest/sent/?r=%00",
        "/en/compare/?r=a-record&r=b%00",
        "/en/suggest/sent/?r=a%00",
        "/api/v1/commitments/?theme=%00",
        "/api/v1/commitments/?search=a%00b",
        "/en/commitments/export.csv?kind=%00",
        f"/en/matrix/?theme={'a' * 5000}",
    ],
)
def test_a_nul_byte_or_an_over_long_value_in_the_address_is_a_400(client, address):
    CommitmentFactory(slug="a-record")
    assert client.get(address).status_code == 400


@pytest.mark.parametrize(
    "address", ["/en/commitments/?search=a%00b", f"/en/commitments/?search={'a' * 5000}"]
)
def test_the_catalogue_explains_a_bad_value_above_an_empty_result(client, address):
    CommitmentFactory(slug="a-record")
    response = client.get(address)
    assert response.status_code == 200
    assert "Some filters could not be used" in response.content.decode()


def test_record_addresses_without_them_are_served(client):
    CommitmentFactory(slug="a-record")
    assert client.get("/en/compare/?r=a-record").status_code == 200
    assert client.get("/en/suggest/sent/?r=a-record").status_code == 200


def test_an_over_long_login_name_is_a_400(client):
    response = client.post("/admin/login/", {"username": "a" * 300, "password": "x" * 12})
    assert (response.status_code, response.content.decode()) == (
        400,
        "Bad request: “username” is too long.",
    )


def test_a_nul_byte_in_a_form_is_a_400(client):
    response = client.post("/admin/login/", {"username": "a\x00b", "password": "x" * 12})
    assert (response.status_code, response.content.decode()) == (
        400,
        "Bad request: a NUL character in the form.",
    )


def test_a_login_name_of_an_accounts_length_is_an_ordinary_failed_login(client):
    response = client.post("/admin/login/", {"username": "a" * 150, "password": "x" * 12})
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
