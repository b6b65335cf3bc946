import copy

import pytest
import yaml
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openapi_spec_validator import validate

LIST_ENDPOINTS = ["commitments", "institutions", "organisations", "themes", "categories"]


@pytest.fixture(scope="module")
def served_schema(django_db_setup, django_db_blocker):
    """What /api/v1/schema/ serves, asked for and parsed once for the module (about a second of
    CPU each time: the generator, then the YAML), in a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        response = Client().get(
            "/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi"}
        )
        transaction.set_rollback(True)
    assert response.status_code == 200
    return yaml.safe_load(response.content)


@pytest.fixture
def schema(served_schema, db):
    """The served schema; each test reads a copy of its own."""
    return copy.deepcopy(served_schema)


def test_schema_is_valid_openapi_3(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_schema_lists_every_endpoint(schema):
    for endpoint in LIST_ENDPOINTS:
        assert f"/api/v1/{endpoint}/" in schema["paths"]
        assert f"/api/v1/{endpoint}/{{slug}}/" in schema["paths"]


def test_schema_offers_only_reads(schema):
    for operations in schema["paths"].values():
        assert set(operations) - {"parameters"} == {"get"}


def test_every_commitment_filter_is_described(schema):
    parameters = schema["paths"]["/api/v1/commitments/"]["get"]["parameters"]
    names = {parameter["name"] for parameter in parameters}

    assert {
        "search",
        "kind",
        "body",
        "include_sub_bodies",
        "year_from",
        "year_to",
        "theme",
        "category",
        "organisation",
        "ordering",
        "page",
        "page_size",
    } <= names
    for parameter in parameters:
        if parameter["name"] != "format":
            assert parameter.get("description"), parameter["name"]


def test_every_field_is_described(schema):
    for name, component in schema["components"]["schemas"].items():
        for field, definition in component.get("properties", {}).items():
            described = definition.get("description") or definition.get("allOf")
            assert described, f"{name}.{field}"


def test_commitment_endpoints_have_examples(schema):
    for path in ("/api/v1/commitments/", "/api/v1/commitments/{slug}/"):
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        assert content["application/json"]["examples"]


def test_bad_parameter_answer_is_documented(schema):
    responses = schema["paths"]["/api/v1/commitments/"]["get"]["responses"]

    assert {"200", "304", "400", "404", "429"} <= set(responses)


def test_list_answers_are_documented_as_csv_too(schema):
    content = schema["paths"]["/api/v1/commitments/"]["get"]["responses"]["200"]["content"]

    assert "text/csv" in content


@pytest.mark.parametrize("page", ["/api/v1/explorer/", "/api/v1/redoc/"])
def test_documentation_pages_use_local_assets_only(client, db, page):
    html = client.get(page).content.decode()

    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn.jsdelivr.net" not in html
    assert "unpkg.com" not in html


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_every_list_documents_its_csv_columns(schema, endpoint):
    description = schema["paths"][f"/api/v1/{endpoint}/"]["get"]["description"]

    assert "CSV columns, in order: `slug` (from `id`), `url` (from `web_url`)" in description


def test_bulk_export_is_in_the_schema_with_its_filters_and_formats(schema):
    operation = schema["paths"]["/api/v1/commitments/export/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"search", "symbol", "theme", "category", "year_from"} <= names
    assert "page" not in names
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    row = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert "symbol" in row["properties"]["results"]["items"]["properties"]


def test_schema_description_links_back_to_the_site(schema):
    description = schema["info"]["description"]
    assert f"[the catalogue](http://testserver{reverse('catalog:commitment_list')})" in description
    assert f"(http://testserver{reverse('catalog:about')})" in description


def test_every_operation_documents_the_servers_414(schema):
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert operations
    for operation in operations:
        assert "4,094 bytes" in operation["responses"]["414"]["description"]


def test_an_empty_choice_is_in_the_schema_as_the_api_accepts_it(client, schema, db):
    (kind,) = [
        p
        for p in schema["paths"]["/api/v1/commitments/"]["get"]["parameters"]
        if p["name"] == "kind"
    ]
    assert kind["schema"]["items"]["enum"][-1] == ""
    assert kind["description"].endswith("Given empty (`kind=`), it chooses nothing.")
    assert client.get("/api/v1/commitments/", {"kind": ""}).status_code == 200
