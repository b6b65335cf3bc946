import pytest
from django.urls import reverse

from tests.factories import CommitmentFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def test_institution_page_shows_seat_meetings_head_and_website(client):
    body = InstitutionFactory(
        seat="Vienna, Hofburg",
        meets="Weekly",
        head_title="Chairperson",
        website="https://www.osce.org/permanent-council",
        description="The regular body for political consultation.",
    )
    html = client.get(body.get_absolute_url()).content.decode()
    for text in (
        "Vienna, Hofburg",
        "Weekly",
        "Chairperson",
        "https://www.osce.org/permanent-council",
        "The regular body for political consultation.",
    ):
        assert text in html


def test_institution_page_with_no_commitments_says_so(client):
    body = InstitutionFactory()
    html = client.get(body.get_absolute_url()).content.decode()
    assert "No published commitment adopted by this body yet." in html


def test_institution_page_of_an_unknown_slug_is_404(client, db):
    url = reverse("catalog:institution_detail", kwargs={"slug": "no-such-body"})
    assert client.get(url).status_code == 404


def test_institution_page_does_not_list_commitments_of_its_sub_bodies(client):
    parent = InstitutionFactory()
    child = InstitutionFactory(parent=parent, organisation=parent.organisation)
    CommitmentFactory(adopting_body=child, title="Adopted by the sub-body")
    html = client.get(parent.get_absolute_url()).content.decode()
    assert "Adopted by the sub-body" not in html
    assert child.name in html


def test_institution_tree_orders_siblings_by_position_not_name_or_age(client):
    alpha = InstitutionFactory(name="Alpha body", position=2)
    InstitutionFactory(name="Zulu body", position=1, organisation=alpha.organisation)
    html = client.get(reverse("catalog:institution_list")).content.decode()
    assert html.index("Zulu body") < html.index("Alpha body")
