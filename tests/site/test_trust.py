"""Plain words and who stands behind the data: the About page names the publisher, a contact
and the data licence; shorthand is expanded where it is shown."""

import pytest
import yaml
from django.test import override_settings
from django.urls import reverse

from catalog import thesaurus
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db


def about(client):
    return client.get(reverse("catalog:about")).content.decode()


def test_about_names_the_publisher_the_licence_and_the_correction_form(client):
    html = about(client)
    assert "Publisher" in html and "The OSCE Portal editorial team" in html
    assert '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">' in html
    assert "Creative Commons Attribution 4.0 International (CC BY 4.0)" in html
    assert f'href="{reverse("participation:suggest")}"' in html


@override_settings(
    PORTAL_PUBLISHER="Institute for Security Studies",
    PORTAL_PUBLISHER_URL="https://institute.example.org/",
    PORTAL_CONTACT_EMAIL="editors@portal.example.org",
)
def test_about_takes_the_publisher_and_contact_from_the_settings(client):
    html = about(client)
    assert '<a href="https://institute.example.org/">Institute for Security Studies</a>' in html
    assert '<a href="mailto:editors@portal.example.org">editors@portal.example.org</a>' in html
    assert "credit “Institute for Security Studies, OSCE Portal”" in html


def test_the_api_schema_states_the_data_licence(client):
    response = client.get(reverse("api:schema"), headers={"Accept": "application/vnd.oai.openapi"})
    info = yaml.safe_load(response.content)["info"]
    assert info["license"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert info["contact"]["name"] == "The OSCE Portal editorial team"


def test_abbreviations_are_expanded_with_their_meaning():
    marked = thesaurus.mark_abbreviations("Madrid 2007 UN GCTS statement & P/CVERLT, MC.DEC/1")
    assert marked == (
        'Madrid 2007 <abbr title="United Nations Global Counter-Terrorism Strategy">UN GCTS</abbr>'
        " statement &amp; "
        '<abbr title="preventing and countering violent extremism and radicalization that lead '
        'to terrorism">P/CVERLT</abbr>, MC.DEC/1'
    )


def test_lists_and_record_pages_expand_shorthand(client):
    record = CommitmentFactory(
        title="Statement on the UN GCTS", short_title="OSCE PA Belgrade 2011 CVERLT resolution"
    )
    listing = client.get(reverse("catalog:commitment_list")).content.decode()
    assert (
        'Statement on the <abbr title="United Nations Global Counter-Terrorism Strategy">UN GCTS'
        "</abbr>"
    ) in listing
    page = client.get(record.get_absolute_url()).content.decode()
    assert (
        '<abbr title="countering violent extremism and radicalization that lead to terrorism">'
        "CVERLT</abbr> resolution"
    ) in page


def test_the_matrix_introduces_the_table_and_the_phone_lists_each_in_its_words(client):
    CommitmentFactory()
    html = client.get(reverse("catalog:matrix")).content.decode()
    assert 'class="lead matrix-intro matrix-intro--table">Each row is a published' in html
    assert 'class="lead matrix-intro matrix-intro--lists">One list per category' in html


@pytest.mark.parametrize(
    "url",
    ["catalog:commitment_export_csv", "catalog:commitment_export_json", "api:commitment-export"],
)
def test_exports_name_their_licence(client, url):
    response = client.get(reverse(url))
    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
