import json

import pytest
from django.urls import reverse

from tests.api.conftest import ids, results
from tests.factories import (
    CategoryAssignmentFactory,
    CommitmentFactory,
    CommitmentRelationFactory,
    InstitutionFactory,
    SourceFactory,
)

LIST_URL = "/api/v1/commitments/"


def detail_url(slug):
    return f"/api/v1/commitments/{slug}/"


def test_list_answers_the_paginated_envelope(client, commitment):
    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"count", "next", "previous", "results"}
    assert response.json()["count"] == 1


def test_item_is_identified_by_its_slug_with_api_and_page_urls(client, commitment):
    item = results(client.get(LIST_URL))[0]

    assert item["id"] == "countering-internet-use"
    assert item["url"] == "http://testserver/api/v1/commitments/countering-internet-use/"
    assert item["web_url"] == "http://testserver" + commitment.get_absolute_url()


def test_detail_embeds_body_organisation_and_themes(client, commitment):
    data = client.get(detail_url(commitment.slug)).json()

    assert data["symbol"] == "MC.DEC/7/06"
    assert data["display_number"] == "No. 7/06"
    assert data["body"]["id"] == "ministerial-council"
    assert data["body"]["url"] == "http://testserver/api/v1/institutions/ministerial-council/"
    assert data["organisation"]["id"] == commitment.organisation.slug
    assert [theme["id"] for theme in data["themes"]] == ["cyber-ict-security"]


def test_detail_embeds_categories_with_their_evidence(client, commitment):
    CategoryAssignmentFactory(
        commitment=commitment,
        category__slug="propaganda",
        note="Addresses propaganda online.",
        source_url="https://www.osce.org/mc/23078",
    )

    (category,) = client.get(detail_url(commitment.slug)).json()["categories"]

    assert category["category"]["id"] == "propaganda"
    assert category["evidence"] == "Addresses propaganda online."
    assert category["evidence_url"] == "https://www.osce.org/mc/23078"


def test_detail_embeds_sources_official_first(client, commitment):
    SourceFactory(commitment=commitment, url="https://example.org/copy", kind="copy")
    SourceFactory(commitment=commitment, url="https://www.osce.org/mc/23078", kind="official")

    sources = client.get(detail_url(commitment.slug)).json()["sources"]

    assert [source["url"] for source in sources] == [
        "https://www.osce.org/mc/23078",
        "https://example.org/copy",
    ]
    assert sources[0]["label"] == "osce.org"


def test_relations_are_shown_from_both_sides_with_their_labels(client, commitment):
    later = CommitmentFactory(slug="later-decision", year=2012)
    CommitmentRelationFactory(source=later, target=commitment, kind="builds_on")

    earlier = client.get(detail_url(commitment.slug)).json()
    newer = client.get(detail_url(later.slug)).json()

    assert earlier["relations_incoming"] == [
        {
            "kind": "builds_on",
            "label": "built on by",
            "note": "",
            "commitment": {
                "id": "later-decision",
                "url": "http://testserver/api/v1/commitments/later-decision/",
                "web_url": "http://testserver" + later.get_absolute_url(),
                "symbol": "",
                "title": later.title,
                "kind": "decision",
                "year": 2012,
            },
        }
    ]
    assert newer["relations_outgoing"][0]["label"] == "builds on"
    assert newer["relations_outgoing"][0]["commitment"]["id"] == commitment.slug


def test_unknown_slug_is_a_json_404(client, db):
    response = client.get(detail_url("no-such-commitment"))

    assert response.status_code == 404
    assert response.json() == {"detail": "No Commitment matches the given query."}


def test_malformed_slug_is_a_json_404(client, db):
    response = client.get(detail_url("not a slug!"))

    assert response.status_code == 404
    assert "detail" in response.json()


def test_unknown_address_under_the_api_is_a_json_404(client, db):
    response = client.get("/api/v1/no-such-endpoint/")

    assert response.status_code == 404
    assert "detail" in response.json()


def test_api_root_lists_the_endpoints(client, db):
    data = client.get("/api/v1/").json()

    assert set(data) == {"commitments", "institutions", "organisations", "themes", "categories"}


def test_reverse_names_resolve_to_the_versioned_paths(db):
    assert reverse("api:commitment-list") == LIST_URL
    assert reverse("api:commitment-detail", kwargs={"slug": "x"}) == detail_url("x")


# --- Filters ---------------------------------------------------------------------------


@pytest.fixture
def pair(commitment):
    other = CommitmentFactory(
        slug="pa-resolution",
        title="Resolution on Cybersecurity",
        kind="resolution",
        year=2015,
        summary="A resolution about cyber attacks.",
    )
    return commitment, other


def test_kind_filter_keeps_the_chosen_kind(client, pair):
    assert ids(client.get(LIST_URL, {"kind": "resolution"})) == ["pa-resolution"]


def test_kind_filter_accepts_several_values(client, pair):
    response = client.get(LIST_URL, {"kind": ["resolution", "decision"]})

    assert response.json()["count"] == 2


def test_year_range_filters_on_the_adoption_year(client, pair):
    assert ids(client.get(LIST_URL, {"year_from": 2010})) == ["pa-resolution"]
    assert ids(client.get(LIST_URL, {"year_to": 2010})) == ["countering-internet-use"]


def test_search_matches_words_in_the_summary(client, pair):
    assert ids(client.get(LIST_URL, {"search": "cyber attacks"})) == ["pa-resolution"]


def test_search_matches_the_symbol(client, pair):
    assert ids(client.get(LIST_URL, {"search": "MC.DEC/7"})) == ["countering-internet-use"]


def test_theme_filter_keeps_records_of_the_theme(client, pair):
    assert ids(client.get(LIST_URL, {"theme": "cyber-ict-security"})) == ["countering-internet-use"]


def test_category_filter_keeps_records_of_the_category(client, pair):
    CategoryAssignmentFactory(commitment=pair[1], category__slug="financing")

    assert ids(client.get(LIST_URL, {"category": "financing"})) == ["pa-resolution"]


def test_organisation_filter_keeps_that_organisations_records(client, pair):
    slug = pair[1].organisation.slug

    assert ids(client.get(LIST_URL, {"organisation": slug})) == ["pa-resolution"]


def test_body_filter_keeps_records_adopted_by_the_body(client, pair, body):
    assert ids(client.get(LIST_URL, {"body": body.slug})) == ["countering-internet-use"]


def test_body_filter_includes_sub_bodies_on_request(client, commitment, body):
    unit = InstitutionFactory(organisation=body.organisation, parent=body, slug="unit")
    CommitmentFactory(slug="unit-plan", adopting_body=unit)

    assert ids(client.get(LIST_URL, {"body": body.slug})) == ["countering-internet-use"]
    both = client.get(LIST_URL, {"body": body.slug, "include_sub_bodies": "true"})
    assert sorted(ids(both)) == ["countering-internet-use", "unit-plan"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("newest", ["pa-resolution", "countering-internet-use"]),
        ("oldest", ["countering-internet-use", "pa-resolution"]),
        ("title", ["countering-internet-use", "pa-resolution"]),
    ],
)
def test_ordering_sorts_by_the_whitelisted_key(client, pair, ordering, expected):
    assert ids(client.get(LIST_URL, {"ordering": ordering})) == expected


def test_default_order_is_newest_first(client, pair):
    assert ids(client.get(LIST_URL)) == ["pa-resolution", "countering-internet-use"]


def test_an_unknown_parameter_is_a_400_listing_the_accepted_ones(client, pair):
    response = client.get(reverse("api:commitment-list"), {"symbl": "MC.DEC/7/06"})

    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["symbl"]
    assert (
        "Accepted: format, lang, translations, page, page_size, search, symbol, kind"
        in body["errors"]["symbl"][0]
    )
    assert {"symbol", "theme", "page", "page_size", "format"} <= set(body["allowed"])
    assert body["allowed"]["kind"].startswith("One of: decision, resolution")


def test_a_detail_accepts_only_the_format(client, commitment):
    url = reverse("api:commitment-detail", kwargs={"slug": commitment.slug})
    assert client.get(url, {"format": "json"}).status_code == 200
    response = client.get(url, {"page": "2"})
    assert response.status_code == 400
    assert list(response.json()["allowed"]) == ["format", "lang", "translations"]


def test_vocabulary_lists_refuse_unknown_parameters_too(client, pair):
    response = client.get(reverse("api:theme-list"), {"serach": "cyber"})
    assert response.status_code == 400
    assert set(response.json()["allowed"]) == {
        "format",
        "lang",
        "translations",
        "page",
        "page_size",
    }


@pytest.mark.parametrize("symbol", ["MC.DEC/7/06", "mc.dec/7/06", " MC.DEC / 7/06 "])
def test_symbol_filters_by_the_normalised_official_symbol(client, pair, symbol):
    response = client.get(reverse("api:commitment-list"), {"symbol": symbol})
    assert ids(response) == ["countering-internet-use"]


def test_symbol_without_a_match_finds_nothing(client, pair):
    assert ids(client.get(reverse("api:commitment-list"), {"symbol": "PC.DEC/1039"})) == []


def test_a_value_that_is_not_a_symbol_is_a_400(client, pair):
    response = client.get(reverse("api:commitment-list"), {"symbol": "not a symbol"})
    assert response.status_code == 400
    assert "not an official document symbol" in response.json()["errors"]["symbol"][0]


def test_the_catalogue_page_and_its_export_filter_by_symbol_too(client, pair):
    page = client.get(reverse("catalog:commitment_list"), {"symbol": "mc.dec/7/06"})
    assert "1 commitment" in page.content.decode()
    assert "Official symbol:</span> MC.DEC/7/06" in page.content.decode()
    export = client.get(reverse("catalog:commitment_export_json"), {"symbol": "mc.dec/7/06"})
    rows = json.loads(b"".join(export.streaming_content))["results"]
    assert [row["slug"] for row in rows] == ["countering-internet-use"]


def test_bulk_export_answers_every_matching_record_in_one_request(client, pair):
    url = reverse("api:commitment-export")
    data = json.loads(b"".join(client.get(url).streaming_content))
    assert [row["slug"] for row in data["results"]] == ["pa-resolution", "countering-internet-use"]
    csv_answer = client.get(url, {"format": "csv", "symbol": "MC.DEC/7/06"})
    assert csv_answer["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(csv_answer.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("slug,url,symbol")
    assert len(lines) == 2 and lines[1].startswith("countering-internet-use,")


def test_bulk_export_refuses_bad_and_unknown_parameters(client, pair):
    url = reverse("api:commitment-export")
    assert client.get(url, {"kind": "foo"}).status_code == 400
    response = client.get(url, {"page": "2"})
    assert response.status_code == 400
    assert "page" not in response.json()["allowed"]


# --- Bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("kind", "foo"),
        ("year_from", "abc"),
        ("year_from", "1800"),
        ("year_to", "2020.5"),
        ("ordering", "password"),
        ("theme", "no-such-theme"),
        ("category", "no-such-category"),
        ("body", "no-such-body"),
        ("organisation", "no-such-organisation"),
        ("include_sub_bodies", "maybe"),
        ("search", "x" * 501),
        ("search", "nul\x00byte"),
    ],
)
def test_invalid_filter_value_is_a_400_naming_the_parameter(client, commitment, parameter, value):
    response = client.get(LIST_URL, {parameter: value})

    assert response.status_code == 400
    assert parameter in response.json()["errors"]
    assert response.json()["allowed"][parameter]


def test_invalid_kind_lists_the_allowed_kinds(client, commitment):
    data = client.get(LIST_URL, {"kind": "foo"}).json()

    assert data["errors"] == {
        "kind": ["Select a valid choice. foo is not one of the available choices."]
    }
    assert "decision" in data["allowed"]["kind"]
    assert "resolution" in data["allowed"]["kind"]


def test_invalid_theme_points_to_the_themes_list(client, commitment):
    data = client.get(LIST_URL, {"theme": "nope"}).json()

    assert "/api/v1/themes/" in data["allowed"]["theme"]


# --- Pagination ------------------------------------------------------------------------


@pytest.fixture
def many(body):
    return CommitmentFactory.create_batch(25, adopting_body=body)


def test_default_page_size_is_20(client, many):
    response = client.get(LIST_URL)

    assert len(results(response)) == 20
    assert response.json()["count"] == 25
    assert response.json()["next"] == "http://testserver/api/v1/commitments/?page=2"
    assert response.json()["previous"] is None


def test_page_size_chooses_the_number_of_results(client, many):
    assert len(results(client.get(LIST_URL, {"page_size": 5}))) == 5


def test_page_size_of_100_is_allowed(client, many):
    assert len(results(client.get(LIST_URL, {"page_size": 100}))) == 25


def test_next_link_keeps_the_filters(client, many):
    data = client.get(LIST_URL, {"kind": "decision", "page_size": 5}).json()

    assert "kind=decision" in data["next"]
    assert "page_size=5" in data["next"]
    assert "page=2" in data["next"]


def test_last_page_links_back_and_not_forward(client, many):
    data = client.get(LIST_URL, {"page": 2}).json()

    assert len(data["results"]) == 5
    assert data["next"] is None
    assert data["previous"] == "http://testserver/api/v1/commitments/"


@pytest.mark.parametrize("value", ["101", "100000", "0", "-1", "abc", "1.5", ""])
def test_bad_page_size_is_a_400_naming_it(client, many, value):
    response = client.get(LIST_URL, {"page_size": value})

    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.0", ""])
def test_bad_page_number_is_a_400_naming_it(client, many, value):
    response = client.get(LIST_URL, {"page": value})

    assert response.status_code == 400
    assert "page" in response.json()["errors"]


def test_page_after_the_last_is_a_404(client, many):
    response = client.get(LIST_URL, {"page": 3})

    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("page", ["99999999999999", "42988295503037350281216", "9" * 5000])
def test_huge_page_number_is_a_404(client, many, page):
    assert client.get(LIST_URL, {"page": page}).status_code == 404


def test_empty_catalogue_has_an_empty_first_page(client, db):
    data = client.get(LIST_URL).json()

    assert data == {"count": 0, "next": None, "previous": None, "results": []}
