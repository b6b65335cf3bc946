import csv
import io

import pytest

from tests.factories import CategoryAssignmentFactory, SourceFactory, ThemeFactory


def parse_csv(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


@pytest.fixture
def classified(commitment):
    commitment.themes.add(ThemeFactory(slug="youth", name="Youth", position=99))
    CategoryAssignmentFactory(
        commitment=commitment, category__slug="propaganda", category__name="Propaganda"
    )
    SourceFactory(commitment=commitment, url="https://www.osce.org/mc/23078")
    return commitment


def test_csv_is_served_with_format_parameter(client, classified):
    response = client.get("/api/v1/commitments/", {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_csv_is_served_for_accept_header(client, classified):
    response = client.get("/api/v1/commitments/", headers={"Accept": "text/csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert parse_csv(response)[0]["slug"] == classified.slug


def test_csv_has_one_flat_row_per_record(client, classified):
    (row,) = parse_csv(client.get("/api/v1/commitments/", {"format": "csv"}))

    assert row["slug"] == "countering-internet-use"
    assert row["symbol"] == "MC.DEC/7/06"
    assert row["number"] == "7/06"
    assert row["kind"] == "decision"
    assert row["year"] == "2006"
    assert row["organisation"] == classified.organisation.acronym
    assert row["adopting_body"] == "Ministerial Council"
    assert row["categories"] == "Propaganda"
    assert row["sources"] == "https://www.osce.org/mc/23078"
    assert row["url"] == "http://testserver" + classified.get_absolute_url()
    assert row["api_url"] == "http://testserver/api/v1/commitments/countering-internet-use/"


def test_csv_joins_several_values_like_every_export(client, classified):
    (row,) = parse_csv(client.get("/api/v1/commitments/", {"format": "csv"}))

    assert row["themes"] == "Cyber/ICT security | Youth"


def test_csv_keeps_filters_and_pagination(client, classified):
    response = client.get("/api/v1/commitments/", {"format": "csv", "kind": "resolution"})

    assert parse_csv(response) == []
    assert response["X-Total-Count"] == "0"


@pytest.mark.parametrize(
    ("endpoint", "column"),
    [
        ("institutions", "parent"),
        ("organisations", "partners"),
        ("themes", "published_commitment_count"),
        ("categories", "scope_note"),
    ],
)
def test_every_list_has_csv(client, commitment, endpoint, column):
    CategoryAssignmentFactory(commitment=commitment)

    rows = parse_csv(client.get(f"/api/v1/{endpoint}/", {"format": "csv"}))

    assert rows
    assert column in rows[0]


def test_errors_stay_json_when_csv_was_asked_for(client, commitment):
    response = client.get("/api/v1/commitments/", {"format": "csv", "kind": "foo"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "kind" in response.json()["errors"]


def test_detail_is_not_offered_as_csv(client, commitment):
    response = client.get(f"/api/v1/commitments/{commitment.slug}/", headers={"Accept": "text/csv"})

    assert response.status_code == 406


def test_browsable_api_is_served_to_browsers(client, commitment):
    response = client.get("/api/v1/commitments/", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert commitment.slug in response.content.decode()


@pytest.mark.parametrize("value", ["", "xml"])
def test_a_format_not_offered_is_refused(client, commitment, value):
    response = client.get("/api/v1/commitments/", {"format": value})

    assert response.status_code == 404
    assert response.json() == {"detail": "The requested format is not offered here."}
