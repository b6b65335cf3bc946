"""Search inside texts ("operative paragraph 3, French text", words marked, a link to the
anchor), the texts API, and that nothing of an unapproved text reaches any public surface."""

import pytest
from django.urls import reverse

from tests.factories import ProvisionFactory
from tests.sitemap import whole_sitemap
from tests.writes import committed
from texts import services, tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_text(decision, editor, french_pdf):
    text = services.add_text(user=editor, commitment=decision, language="fr", data=french_pdf)
    tasks.run_queued()
    text.refresh_from_db()
    assert (text.state, text.extraction) == ("pending", "done")
    return text


@pytest.fixture
def live_text(pending_text, publisher):
    services.approve_text(user=publisher, text=pending_text)
    return pending_text


def catalogue(client, query):
    return client.get(reverse("catalog:commitment_list"), {"search": query}).content.decode()


def test_terroristes_finds_the_french_paragraph_marked_with_its_anchor(client, live_text):
    html = catalogue(client, "terroristes")
    assert 'href="/en/commitments/mc-dec-7-06/"' in html
    assert (
        '<a href="/en/commitments/mc-dec-7-06/texts/fr/#op-3" hreflang="fr">'
        "Operative paragraph 3, French text</a>"
    ) in html
    assert "<mark>terroristes</mark>" in html


def test_a_word_only_in_the_text_finds_the_record(client, live_text):
    html = catalogue(client, "surveiller")
    assert 'href="/en/commitments/mc-dec-7-06/"' in html
    assert "Operative paragraph 3, French text" in html


def test_nothing_of_a_pending_text_is_public(client, pending_text):
    # Search (site and API), the record page, the reading view, the file, the cite view,
    # the texts API and the sitemap.
    assert 'href="/en/commitments/mc-dec-7-06/"' not in catalogue(client, "surveiller")
    api = client.get("/api/v1/commitments/", {"search": "surveiller"}).json()
    assert api["count"] == 0
    page = client.get("/en/commitments/mc-dec-7-06/").content.decode()
    assert "Read in French" not in page and "surveiller" not in page
    for name, args in (
        ("texts:reading", ["mc-dec-7-06", "fr"]),
        ("texts:file", ["mc-dec-7-06", "fr"]),
        ("texts:cite", ["mc-dec-7-06", "fr", "op-3"]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.get("/api/v1/texts/").json()["count"] == 0
    assert client.get(f"/api/v1/texts/{pending_text.pk}/").status_code == 404
    assert client.get("/api/v1/paragraphs/").json()["count"] == 0
    assert client.get("/api/v1/paragraphs/", {"search": "surveiller"}).json()["count"] == 0
    assert "/texts/" not in whole_sitemap(client)


def test_texts_of_an_unpublished_record_are_never_public(client, live_text):
    live_text.commitment.status = "draft"
    live_text.commitment.save()
    assert client.get(reverse("texts:reading", args=["mc-dec-7-06", "fr"])).status_code == 404
    assert client.get(reverse("texts:file", args=["mc-dec-7-06", "fr"])).status_code == 404
    assert client.get("/api/v1/texts/").json()["count"] == 0
    assert client.get("/api/v1/paragraphs/", {"search": "surveiller"}).json()["count"] == 0
    assert "mc-dec-7-06" not in catalogue(client, "surveiller")
    assert "/texts/" not in whole_sitemap(client)


def test_the_texts_api(client, live_text):
    listing = client.get("/api/v1/texts/", {"commitment": "mc-dec-7-06", "language": "fr"})
    assert listing.status_code == 200
    [item] = listing.json()["results"]
    assert item["language"] == "fr"
    assert item["commitment"]["id"] == "mc-dec-7-06"
    assert item["page_count"] == 3 and item["paragraph_count"] == 14
    assert item["file_url"] == "http://testserver/en/commitments/mc-dec-7-06/texts/fr/file/"
    assert item["extractor"].startswith("pdfminer.six")
    detail = client.get(f"/api/v1/texts/{item['id']}/").json()
    op3 = next(p for p in detail["paragraphs"] if p["anchor"] == "op-3")
    assert op3["citation"] == "MC.DEC/7/06, para. 3"
    assert op3["web_url"] == "http://testserver/en/commitments/mc-dec-7-06/texts/fr/#op-3"
    found = client.get("/api/v1/paragraphs/", {"search": "surveiller", "language": "fr"}).json()
    assert [p["anchor"] for p in found["results"]] == ["op-3"]
    assert client.get("/api/v1/paragraphs/", {"kind": "nonsense"}).status_code == 400
    assert client.get("/api/v1/texts/", {"language": "xx"}).status_code == 400


def test_texts_api_conditional_get_and_throttle(client, live_text, settings):
    first = client.get("/api/v1/texts/")
    assert first.status_code == 200 and first["ETag"]
    again = client.get("/api/v1/texts/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_the_provisions_api(client, decision):
    ProvisionFactory(commitment=decision, number=8, label="Points of contact")
    answer = client.get("/api/v1/provisions/", {"commitment": "mc-dec-7-06"}).json()
    [item] = answer["results"]
    assert item["citation"] == "MC.DEC/7/06, measure 8"
    assert item["web_url"] == "http://testserver/en/commitments/mc-dec-7-06/#provision-8"
    decision.status = "draft"
    decision.save()
    assert client.get("/api/v1/provisions/").json()["count"] == 0


def test_the_reading_view_side_by_side_and_without_a_second_language(
    client, decision, editor, publisher, french_pdf
):
    from .pdfs import decision_pdf

    english = {
        "header": "MC.DEC/7/06",
        "title": "DECISION No. 7/06 COUNTERING THE USE OF THE INTERNET FOR TERRORIST PURPOSES",
        "preamble": [
            "The Ministerial Council, deeply concerned by the growing use of the internet for "
            "propaganda, recalling the commitments of the participating States,",
            "Recognizing that international co-operation is needed to meet this common "
            "challenge, with respect for human rights,",
        ],
        "chapeau": "Decides:",
        "operative": [
            "To intensify the exchange of information on the means extremist groups use.",
            "To invite the participating States to consider all appropriate measures.",
            "To monitor the websites of terrorist and violent extremist organizations.",
            ("Tasks the Secretary General to:", ["organize an expert workshop;", "report."]),
            "To encourage the private sector and civil society to take part.",
        ],
        "annex": ["National points of contact are given to the Secretariat.", "A list is kept."],
    }
    for language, data in (("fr", french_pdf), ("en", decision_pdf(english))):
        text = services.add_text(user=editor, commitment=decision, language=language, data=data)
        tasks.run_queued()
        services.approve_text(user=publisher, text=text)
    html = client.get("/en/commitments/mc-dec-7-06/texts/en/", {"with": "fr"}).content.decode()
    assert '<tr id="op-3">' in html
    row = html[html.index('<tr id="op-3">') :]
    row = row[: row.index("</tr>")]
    assert "To monitor the websites" in row and "De surveiller les sites web" in row
    assert client.get("/en/commitments/mc-dec-7-06/texts/en/", {"with": "ru"}).status_code == 404
    page = client.get("/en/commitments/mc-dec-7-06/").content.decode()
    assert "Read English and French side by side" in page or (
        "Read French and English side by side" in page
    )


def test_approving_a_text_changes_the_texts_api_etag(client, pending_text, publisher):
    before = client.get("/api/v1/texts/")
    with committed():
        services.approve_text(user=publisher, text=pending_text)
    after = client.get("/api/v1/texts/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after.json()["count"] == 1


def test_a_text_approved_after_a_search_was_served_shows_its_hits_in_that_search(
    client, pending_text, publisher
):
    # The record's own words match; its text is not public yet: no hits under its row (the
    # records that have a public text are read once per catalogue version).
    before = catalogue(client, "terroristes")
    assert 'href="/en/commitments/mc-dec-7-06/"' in before
    assert "French text</a>" not in before

    with committed():
        services.approve_text(user=publisher, text=pending_text)

    assert (
        '<a href="/en/commitments/mc-dec-7-06/texts/fr/#op-3" hreflang="fr">'
        "Operative paragraph 3, French text</a>"
    ) in catalogue(client, "terroristes")
