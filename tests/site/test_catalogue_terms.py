"""The terms a catalogue page names — the themes, categories, bodies and organisation of its
filters, the adopting body of each row — are read once per catalogue version
(`models.cached_terms`), and each row reads its title and summary in the page's language and in
English only: a term an editor adds, renames or deletes shows on the next request, and a page
in another language reads no more than the English one."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.editorial import reference
from catalog.models import Commitment, Institution, Theme
from tests.factories import CommitmentFactory, InstitutionFactory, ThemeFactory
from tests.site.helpers import html
from tests.writes import committed, move, publisher

pytestmark = pytest.mark.django_db

URL = "/en/commitments/"


def rows(response):
    """(title, its lang attribute or "", adopting body) of each row, in page order."""
    found = re.findall(
        r'<h3 class="commitment-row__title"( lang="\w+")?><a href="[^"]+">(.*?)</a></h3>.*?'
        r'<span class="body">(?:<span lang="\w+">)?(.*?)<',
        html(response),
        flags=re.S,
    )
    return [(title, lang.strip(), body) for lang, title, body in found]


def data_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return [
        query["sql"]
        for query in queries
        if not query["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))
    ]


def test_a_theme_added_after_a_page_was_served_can_be_filtered_on_at_once(client):
    CommitmentFactory(title="Decision on ports", themes=[ThemeFactory(slug="ports")])
    assert client.get(URL, {"theme": "ports"}).status_code == 200  # the themes are read

    with committed():
        reference.save_reference(
            user=publisher(), model=Theme, fields={"name": "Harbours", "slug": "harbours"}
        )
    response = client.get(URL, {"theme": "harbours"})

    assert response.status_code == 200
    assert "not one of the available choices" not in html(response)
    assert "0 commitments" in html(response)
    assert response.context["active_filters"][0]["value"] == "Harbours"


def test_a_deleted_theme_is_refused_by_the_filter_on_the_next_request(client):
    theme = ThemeFactory(slug="ports", name="Ports")
    CommitmentFactory(themes=[theme])
    assert "1 commitment" in html(client.get(URL, {"theme": "ports"}))

    with committed():
        reference.delete_reference(user=publisher(), record=theme)
    response = client.get(URL, {"theme": "ports"})

    assert response.status_code == 200
    assert "Select a valid choice. ports is not one of the available choices." in html(response)


def test_an_unknown_body_or_organisation_is_refused_with_the_fields_message(client):
    CommitmentFactory(adopting_body=InstitutionFactory(slug="council"))

    body = html(client.get(URL, {"body": ["council", "nowhere"]}))
    organisation = html(client.get(URL, {"organisation": "nowhere"}))

    assert "Select a valid choice. nowhere is not one of the available choices." in body
    assert "Select a valid choice. That choice is not one of the available choices." in organisation


def test_a_renamed_body_shows_in_the_rows_on_the_next_request(client):
    body = InstitutionFactory(name="Permanent Council", names={})
    CommitmentFactory(title="Decision on ports", adopting_body=body)
    assert rows(client.get(URL)) == [("Decision on ports", "", "Permanent Council")]

    with committed():
        reference.save_reference(
            user=publisher(), model=Institution, record=body, fields={"name": "Standing Council"}
        )

    assert rows(client.get(URL)) == [("Decision on ports", "", "Standing Council")]


def test_a_page_in_another_language_reads_two_languages_of_each_row_and_no_more(client):
    body = InstitutionFactory(name="Permanent Council", names={})
    CommitmentFactory(
        title="Decision on ports", title_fr="Décision sur les ports", adopting_body=body
    )
    CommitmentFactory(title="Decision on harbours", adopting_body=body)
    client.get(URL)  # the terms of this catalogue version are read
    client.get("/fr/commitments/")

    english = data_queries(client, URL, {"ordering": "title"})
    french = data_queries(client, "/fr/commitments/", {"ordering": "title"})

    assert len(french) == len(english) == 1  # the rows: no name read row by row
    assert '"title_fr"' in french[0] and '"title_de"' not in french[0]
    assert '"title_fr"' not in english[0]
    assert rows(client.get("/fr/commitments/", {"ordering": "title"})) == [
        ("Decision on harbours", 'lang="en"', "Permanent Council"),
        ("Décision sur les ports", "", "Permanent Council"),
    ]


def test_a_filtered_page_asked_again_reads_no_rows_until_the_catalogue_changes(client):
    theme = ThemeFactory(slug="ports")
    CommitmentFactory(title="Decision on ports", themes=[theme], year=2001)
    draft = CommitmentFactory(title="Decision on quays", themes=[theme], year=2003, draft=True)
    params = {"theme": "ports", "ordering": "newest"}
    assert len(data_queries(client, URL, params)) >= 1

    assert data_queries(client, URL, params) == []  # its records' ids and rows are kept

    move(draft, Commitment.Status.PUBLISHED)
    response = client.get(URL, params)
    assert [title for title, _lang, _body in rows(response)] == [
        "Decision on quays",
        "Decision on ports",
    ]


def test_the_alphabetical_order_of_a_page_is_each_languages_own(client):
    CommitmentFactory(title="Alpha decision", title_fr="Zêta décision", year=2001)
    CommitmentFactory(title="Beta decision", title_fr="Bêta décision", year=2002)
    client.get(URL, {"ordering": "title"})  # the English page's records are kept

    english = rows(client.get(URL, {"ordering": "title"}))
    french = rows(client.get("/fr/commitments/", {"ordering": "title"}))

    assert [title for title, _lang, _body in english] == ["Alpha decision", "Beta decision"]
    assert [title for title, _lang, _body in french] == ["Bêta décision", "Zêta décision"]
