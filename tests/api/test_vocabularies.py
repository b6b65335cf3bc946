import pytest

from tests.api.conftest import ids, results
from tests.factories import (
    ActivityCategoryFactory,
    CategoryAssignmentFactory,
    CommitmentFactory,
    InstitutionFactory,
    OrganisationFactory,
)


@pytest.fixture
def tree(body):
    unit = InstitutionFactory(
        organisation=body.organisation, parent=body, slug="action-unit", name="Action Unit"
    )
    return body, unit


def test_institution_shows_its_parent_and_children(client, tree):
    body, unit = tree

    parent = client.get(f"/api/v1/institutions/{body.slug}/").json()
    child = client.get(f"/api/v1/institutions/{unit.slug}/").json()

    assert parent["parent"] is None
    assert [item["id"] for item in parent["children"]] == ["action-unit"]
    assert child["parent"]["id"] == body.slug
    assert child["parent"]["url"] == f"http://testserver/api/v1/institutions/{body.slug}/"
    assert child["children"] == []


def test_institution_links_to_its_commitments_in_the_api(client, body):
    data = client.get(f"/api/v1/institutions/{body.slug}/").json()

    assert data["commitments_url"] == f"http://testserver/api/v1/commitments/?body={body.slug}"
    assert data["web_url"] == "http://testserver" + body.get_absolute_url()


def test_institution_counts_only_published_commitments(client, body):
    CommitmentFactory(adopting_body=body)
    CommitmentFactory(adopting_body=body, draft=True)
    CommitmentFactory(adopting_body=body, scheduled=True)

    data = client.get(f"/api/v1/institutions/{body.slug}/").json()

    assert data["published_commitment_count"] == 1


def test_institutions_list_every_body(client, tree):
    assert sorted(ids(client.get("/api/v1/institutions/"))) == sorted(
        ["action-unit", "ministerial-council"]
    )


def test_organisation_shows_partners_and_published_count(client, commitment):
    osce = commitment.organisation
    un = OrganisationFactory(slug="un", name="United Nations", acronym="UN")
    osce.partners.add(un)
    CommitmentFactory(adopting_body=commitment.adopting_body, archived=True)

    data = client.get(f"/api/v1/organisations/{osce.slug}/").json()

    assert [partner["id"] for partner in data["partners"]] == ["un"]
    assert data["published_commitment_count"] == 1
    assert data["commitments_url"].endswith(f"/api/v1/commitments/?organisation={osce.slug}")


def test_theme_counts_only_published_commitments(client, commitment, theme):
    CommitmentFactory(themes=[theme], in_review=True)

    data = client.get(f"/api/v1/themes/{theme.slug}/").json()

    assert data["published_commitment_count"] == 1
    assert data["name"] == "Cyber/ICT security"


def test_category_counts_only_published_commitments(client, commitment):
    category = ActivityCategoryFactory(slug="propaganda", name="Propaganda")
    CategoryAssignmentFactory(commitment=commitment, category=category)
    CategoryAssignmentFactory(commitment=CommitmentFactory(draft=True), category=category)

    (item,) = results(client.get("/api/v1/categories/"))

    assert item["id"] == "propaganda"
    assert item["published_commitment_count"] == 1
    assert item["commitments_url"].endswith("/api/v1/commitments/?category=propaganda")


@pytest.mark.parametrize(
    "endpoint", ["institutions", "organisations", "themes", "categories", "commitments"]
)
def test_unknown_slug_is_a_404_on_every_endpoint(client, db, endpoint):
    response = client.get(f"/api/v1/{endpoint}/no-such-record/")

    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("endpoint", ["institutions", "organisations", "themes", "categories"])
def test_vocabulary_lists_reject_a_bad_page_size(client, db, endpoint):
    response = client.get(f"/api/v1/{endpoint}/", {"page_size": 1000})

    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]
