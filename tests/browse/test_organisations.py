import pytest
from django.urls import reverse

from tests.factories import CommitmentFactory, InstitutionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def osce_page(client):
    return client.get(reverse("catalog:organisation_detail", kwargs={"slug": "osce"}))


def test_organisation_page_lists_its_facts_and_sources(client):
    organisation = OrganisationFactory(
        facts="It has 57 participating States.\nIt was founded in 1975.",
        source_urls="https://www.osce.org/whatistheosce",
    )
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "<li>It has 57 participating States.</li>" in html
    assert 'href="https://www.osce.org/whatistheosce"' in html


def test_organisation_page_hides_unpublished_commitments(client):
    body = InstitutionFactory()
    CommitmentFactory(adopting_body=body, title="Published partner decision")
    CommitmentFactory(adopting_body=body, title="Draft partner decision", draft=True)
    html = client.get(body.organisation.get_absolute_url()).content.decode()
    assert "Published partner decision" in html
    assert "Draft partner decision" not in html


def test_organisation_page_of_an_unknown_slug_is_404(client, db):
    url = reverse("catalog:organisation_detail", kwargs={"slug": "no-such-organisation"})
    assert client.get(url).status_code == 404
