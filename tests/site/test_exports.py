import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from catalog.exports import COMMITMENT_COLUMNS as COLUMNS
from tests.factories import CommitmentFactory

from .helpers import streamed

CSV = reverse("catalog:commitment_export_csv")
JSON = reverse("catalog:commitment_export_json")
FEED = reverse("catalog:commitment_feed")
ATOM = "{http://www.w3.org/2005/Atom}"

pytestmark = pytest.mark.django_db


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(streamed(response).removeprefix("\ufeff"))))


def test_csv_is_a_streamed_download_with_the_documented_columns(client, catalogue):
    response = client.get(CSV)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="osce-commitments.csv"' == response["Content-Disposition"]
    assert streamed(response).removeprefix("\ufeff").splitlines()[0] == ",".join(COLUMNS)


def test_csv_row_holds_the_record(client, catalogue):
    (row,) = csv_rows(client.get(CSV, {"search": "MC.DEC/7/06"}))
    assert row["symbol"] == "MC.DEC/7/06"
    assert row["number"] == "7/06"
    assert row["slug"] == "internet-decision"
    assert row["adopting_body"] == "Ministerial Council"
    assert row["organisation"] == "OSCE"
    assert row["adopted_on"] == "2006-12-05"
    assert row["themes"] == "Use of the internet"
    assert row["categories"] == "Propaganda"
    assert row["url"] == "http://testserver/en/commitments/internet-decision/"
    assert row["last_reviewed_on"] == "2026-11-01"


def test_csv_exports_all_matching_records_not_only_one_page(client, db):
    CommitmentFactory.create_batch(25, kind="resolution")
    CommitmentFactory(kind="decision")
    assert len(csv_rows(client.get(CSV, {"kind": "resolution"}))) == 25


def test_csv_follows_the_filter_and_ordering(client, catalogue):
    rows = csv_rows(client.get(CSV, {"theme": "youth", "ordering": "oldest"}))
    assert [row["title"] for row in rows] == [
        "Declaration on youth and security",
        "Global strategy resolution",
    ]


def test_csv_neutralises_cells_that_spreadsheets_would_run_as_formulas(client, db):
    CommitmentFactory(title='=HYPERLINK("http://evil")')
    (row,) = csv_rows(client.get(CSV))
    assert row["title"].startswith("'=")


def test_json_export_lists_all_matching_records(client, catalogue):
    response = client.get(JSON, {"body": "mc"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 'filename="osce-commitments.json"' in response["Content-Disposition"]
    data = json.loads(streamed(response))
    assert data["columns"] == COLUMNS
    assert [row["title"] for row in data["results"]] == [
        "Declaration on youth and security",
        "Decision on countering the use of the internet",
    ]
    assert data["results"][1]["themes"] == ["Use of the internet"]
    assert data["results"][1]["year"] == 2006


def test_json_export_of_no_match_is_an_empty_list(client, catalogue):
    data = json.loads(streamed(client.get(JSON, {"search": "nothing at all"})))
    assert data["results"] == []


def test_atom_feed_lists_the_filtered_records(client, catalogue):
    response = client.get(FEED, {"theme": "youth"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles == ["Global strategy resolution", "Declaration on youth and security"]


def test_atom_entry_links_to_the_record_and_carries_its_summary(client, catalogue):
    feed = ET.fromstring(client.get(FEED, {"search": "MC.DEC/7/06"}).content)
    (entry,) = feed.iter(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == (
        "MC.DEC/7/06 — Decision on countering the use of the internet"
    )
    assert entry.find(f"{ATOM}link").get("href") == (
        "http://testserver/en/commitments/internet-decision/"
    )
    assert entry.find(f"{ATOM}summary").text == "A decision used in tests."


def test_atom_feed_links_back_to_the_same_filter(client, catalogue):
    feed = ET.fromstring(client.get(FEED, {"theme": "youth"}).content)
    hrefs = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert hrefs["alternate"] == "http://testserver/en/commitments/?theme=youth"
    assert hrefs["self"] == "http://testserver/en/commitments/feed.atom?theme=youth"


def test_atom_feed_title_names_the_filters(client, catalogue):
    feed = ET.fromstring(client.get(FEED, {"theme": "youth", "year_from": "2010"}).content)
    assert feed.find(f"{ATOM}title").text == (
        "OSCE Portal: commitments (From year: 2010; Theme: Youth)"
    )


@pytest.mark.parametrize(
    "address",
    [
        "/en/commitments/export.csv",
        "/en/commitments/export.json",
        "/api/v1/commitments/export/?format=csv",
    ],
)
def test_an_http_1_0_client_gets_the_whole_export_with_its_length(client, db, address):
    CommitmentFactory.create_batch(3)
    streamed_answer = client.get(address)
    assert streamed_answer.streaming
    assert not streamed_answer.has_header("Content-Length")

    answer = client.get(address, SERVER_PROTOCOL="HTTP/1.0")

    assert not answer.streaming
    assert answer["Content-Length"] == str(len(answer.content))
    assert answer.content == streamed(streamed_answer).encode()
    assert answer["Content-Type"] == streamed_answer["Content-Type"]
