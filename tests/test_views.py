import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Commitment
from tests.factories import (
    CommitmentFactory,
    CommitmentRelationFactory,
    InstitutionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def test_home_lists_the_latest_of_the_seed_catalogue_newest_first_with_symbol_and_body(
    client, seed
):
    response = client.get(reverse("catalog:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Decision No. 7/06 on Countering the Use of the Internet for Terrorist" in html
    assert "MC.DEC/7/06" in html
    assert "Ministerial Council" in html
    latest = html[html.index('id="latest-heading"') :]
    assert latest.index("Resolution on the Challenges Related to Returning") < latest.index(
        "Overview of OSCE Counter-Terrorism Related Commitments"
    )


def test_home_hides_drafts(client, seed):
    html = client.get(reverse("catalog:home")).content.decode()
    assert "Decision No. 3/04 on combating the use of the Internet" not in html
    assert "[Ministerial Council decision on public-private partnerships" not in html


@pytest.mark.parametrize(
    "trait", [{"draft": True}, {"in_review": True}, {"archived": True}, {"scheduled": True}]
)
def test_unpublished_commitment_page_is_404(client, trait):
    hidden = CommitmentFactory(**trait)
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_published_commitment_page_shows_its_metadata(client):
    commitment = CommitmentFactory(symbol="PC.DEC/1039", symbol_status="derived", number="1039")
    response = client.get(commitment.get_absolute_url())
    assert response.status_code == 200
    assert "PC.DEC/1039" in response.content.decode()
    assert "derived from the decision number" in response.content.decode()


def test_institution_page_lists_only_published_commitments(client):
    body = InstitutionFactory()
    shown = CommitmentFactory(adopting_body=body, title="Shown decision")
    CommitmentFactory(adopting_body=body, title="Hidden decision", draft=True)
    html = client.get(body.get_absolute_url()).content.decode()
    assert shown.title in html
    assert "Hidden decision" not in html


def home_query_count(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("catalog:home")).status_code == 200
    return len(queries)


def test_home_query_count_does_not_grow_with_the_number_of_records(client):
    themes = ThemeFactory.create_batch(2)
    CommitmentFactory.create_batch(5, themes=themes)
    five = home_query_count(client)
    CommitmentFactory.create_batch(45, themes=themes)
    assert home_query_count(client) == five


def test_relations_to_unpublished_records_are_hidden_on_both_sides(client):
    published = CommitmentFactory(title="Published decision")
    draft = CommitmentFactory(title="Draft decision", draft=True)
    older = CommitmentFactory(title="Older decision")
    CommitmentRelationFactory(source=published, target=draft)
    CommitmentRelationFactory(source=draft, target=older)
    CommitmentRelationFactory(source=published, target=older, kind="references")
    commitment = Commitment.objects.with_public_relations().get(pk=published.pk)
    assert [r.target for r in commitment.public_outgoing] == [older]
    assert Commitment.objects.with_public_relations().get(pk=older.pk).public_incoming[
        0
    ].source == (published)
    assert len(Commitment.objects.with_public_relations().get(pk=older.pk).public_incoming) == 1
