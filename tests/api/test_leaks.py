"""Unpublished records (draft, in review, archived, scheduled) never reach the API."""

import pytest

from tests.api.conftest import ids
from tests.factories import CategoryAssignmentFactory, CommitmentFactory, CommitmentRelationFactory

HIDDEN_STATES = ["draft", "in_review", "archived", "scheduled"]


@pytest.fixture(params=HIDDEN_STATES)
def hidden(request, body, theme):
    record = CommitmentFactory(
        slug="hidden-record", adopting_body=body, themes=[theme], **{request.param: True}
    )
    CategoryAssignmentFactory(commitment=record, category__slug="propaganda")
    return record


def test_hidden_record_is_a_404(client, hidden):
    assert client.get(f"/api/v1/commitments/{hidden.slug}/").status_code == 404


def test_hidden_record_is_not_listed(client, commitment, hidden):
    assert ids(client.get("/api/v1/commitments/")) == [commitment.slug]


def test_hidden_record_is_not_found_by_search_or_filters(client, hidden, body, theme):
    for query in ({"search": hidden.title}, {"body": body.slug}, {"theme": theme.slug}):
        assert client.get("/api/v1/commitments/", query).json()["count"] == 0


def test_hidden_record_is_not_in_the_csv(client, commitment, hidden):
    content = client.get("/api/v1/commitments/", {"format": "csv"}).content.decode()

    assert commitment.slug in content
    assert hidden.slug not in content


def test_hidden_record_is_not_in_relations_either_way(client, commitment, hidden):
    CommitmentRelationFactory(source=commitment, target=hidden)
    CommitmentRelationFactory(source=hidden, target=commitment, kind="reaffirms")

    data = client.get(f"/api/v1/commitments/{commitment.slug}/").json()

    assert data["relations_outgoing"] == []
    assert data["relations_incoming"] == []


def test_hidden_record_is_not_counted(client, hidden, body, theme):
    organisation = body.organisation
    for url in (
        f"/api/v1/institutions/{body.slug}/",
        f"/api/v1/organisations/{organisation.slug}/",
        f"/api/v1/themes/{theme.slug}/",
        "/api/v1/categories/propaganda/",
    ):
        assert client.get(url).json()["published_commitment_count"] == 0
