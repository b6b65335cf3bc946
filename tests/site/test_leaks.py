"""Unpublished records (draft, in review, archived, scheduled) never reach a public surface."""

import pytest
from django.urls import reverse

from tests.factories import CommitmentRelationFactory

from .helpers import facet, html, streamed

pytestmark = pytest.mark.django_db

STATES = ["draft", "in_review", "archived", "scheduled"]
LIST = reverse("catalog:commitment_list")


@pytest.fixture
def leaky(catalogue, hidden):
    """Hidden records linked both ways to a public one, and all matching the filters used."""
    for record in hidden.values():
        CommitmentRelationFactory(source=record, target=catalogue.internet_decision)
        CommitmentRelationFactory(
            source=catalogue.internet_decision, target=record, kind="references"
        )
    return hidden


def assert_hidden(text, hidden):
    for record in hidden.values():
        assert record.title not in text
        assert record.slug not in text


def test_home_hides_unpublished_records_and_leaves_them_out_of_the_figures(client, leaky):
    text = html(client.get(reverse("catalog:home")))
    assert_hidden(text, leaky)
    figures = text[text.index('class="figures__list"') :]
    assert ">4</a></dd>" in figures


@pytest.mark.parametrize(
    "query",
    [{}, {"theme": "internet"}, {"year_from": "2010", "year_to": "2010"}, {"search": "Hidden"}],
)
def test_catalogue_hides_unpublished_records(client, leaky, query):
    assert_hidden(html(client.get(LIST, query)), leaky)


def test_catalogue_counts_leave_out_unpublished_records(client, leaky):
    assert "0 commitments" in html(client.get(LIST, {"search": "Hidden"}))
    assert "4 commitments" in html(client.get(LIST))


def test_facet_counts_leave_out_unpublished_records(client, leaky):
    response = client.get(LIST)
    assert facet(response, "theme")["internet"] == 3
    assert facet(response, "body")["mc"] == 2
    assert facet(response, "kind")["decision"] == 1
    assert facet(response, "category") == {"financing": 1, "propaganda": 2}


def test_facets_on_an_empty_filter_do_not_reveal_unpublished_records(client, leaky):
    response = client.get(LIST, {"year_from": "2010", "year_to": "2010"})
    assert facet(response, "theme") == {}
    assert facet(response, "category") == {}


@pytest.mark.parametrize("state", STATES)
def test_unpublished_record_page_is_404(client, leaky, state):
    assert client.get(leaky[state].get_absolute_url()).status_code == 404


def test_relations_to_unpublished_records_are_hidden_on_the_record_page(client, leaky, catalogue):
    assert_hidden(html(client.get(catalogue.internet_decision.get_absolute_url())), leaky)


@pytest.mark.parametrize(
    "name", ["catalog:commitment_export_csv", "catalog:commitment_export_json"]
)
def test_exports_hide_unpublished_records(client, leaky, name):
    assert_hidden(streamed(client.get(reverse(name))), leaky)
    assert_hidden(streamed(client.get(reverse(name), {"search": "Hidden"})), leaky)


def test_atom_feed_hides_unpublished_records(client, leaky):
    assert_hidden(client.get(reverse("catalog:commitment_feed")).content.decode(), leaky)
