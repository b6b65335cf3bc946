"""The record page: provisions, official texts, sources by kind, the citation block and the
citation_* meta tags (what Zotero reads)."""

import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from catalog import citations

pytestmark = pytest.mark.django_db


def page_of(client, slug):
    response = client.get(reverse("catalog:commitment_detail", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_ict_cbm_records_list_their_measures_with_anchors(client, seed):
    first = page_of(client, "pc-dec-1106")
    assert first.count('<li id="provision-') == 11
    assert '<li id="provision-8" value="8">' in first
    assert "Measure 8</a>: " in first
    # Number 11 is known from list order only, and says so.
    eleven = first[first.index('id="provision-11"') :]
    assert "number inferred" in eleven[: eleven.index("</li>")]
    second = page_of(client, "pc-dec-1202")
    assert re.findall(r'<li id="provision-(\d+)"', second) == ["12", "13", "14", "15", "16"]
    assert second.count("number inferred") == 2


def test_points_of_contact_finds_cbm_8(client, seed):
    response = client.get(reverse("catalog:commitment_list"), {"search": "points of contact"})
    html = response.content.decode()
    assert 'href="/en/commitments/pc-dec-1106/"' in html
    api = client.get("/api/v1/commitments/", {"search": "points of contact"}).json()
    assert "pc-dec-1106" in [item["id"] for item in api["results"]]


def sources_section(html):
    start = html.index('id="sources-heading"')
    return html[start : html.index("</section>", start)]


def test_official_sources_come_first_and_copies_are_labelled(client, seed):
    html = sources_section(page_of(client, "mc-dec-7-06"))
    tags = re.findall(r'<span class="tag tag--(\w+)">', html)
    assert tags[0] == "official"
    assert tags == sorted(tags, key=lambda kind: kind != "official")
    assert "copy on a document-sharing site" in html
    # Nothing but an official host is labelled official.
    for item in re.findall(r"<li>(.*?)</li>", html, re.S):
        if "tag--official" in item:
            assert re.search(
                r'href="https?://(www\.)?(osce\.org|oscepa\.org|legislationline\.org|un\.org|undocs\.org)',
                item,
            ), item


def test_records_without_an_official_source_say_so(client, seed):
    from catalog.models import Commitment

    missing = Commitment.objects.published().exclude(sources__kind="official")
    assert missing.count() == 6
    for record in missing:
        html = sources_section(page_of(client, record.slug))
        assert "No official source is recorded for this document" in html or (
            "No sources recorded" in html
        )
        assert "tag--official" not in html


def test_unusable_hosts_are_never_shown(client, seed):
    for slug in ("pc-dec-633", "mc-dec-12-04"):
        assert "un-icc.cloud" not in page_of(client, slug)
        assert "un-icc.cloud" not in client.get(f"/api/v1/commitments/{slug}/").content.decode()


class Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name", "").startswith("citation_"):
            self.tags.append((attrs["name"], attrs["content"]))


def test_zotero_metadata_names_the_document(client, seed):
    parser = Meta()
    parser.feed(page_of(client, "mc-dec-7-06"))
    tags = dict(parser.tags)
    # Zotero's Embedded Metadata translator needs a title and reads these as a report.
    assert tags["citation_title"].startswith("Decision No. 7/06")
    assert tags["citation_author"] == "OSCE Ministerial Council"
    assert tags["citation_publication_date"] == "2006/12/05"
    assert tags["citation_technical_report_number"] == "MC.DEC/7/06"
    assert tags["citation_public_url"] == "http://testserver/en/commitments/mc-dec-7-06/"
    # No PDF is held for it in the seed: no citation_pdf_url pointing nowhere.
    assert "citation_pdf_url" not in tags
    assert len([name for name, _ in parser.tags if name == "citation_title"]) == 1


def test_citation_block_has_four_formats_and_names_the_official_address(client, seed):
    html = unescape(page_of(client, "mc-dec-7-06"))
    block = html[html.index('id="cite-heading"') :]
    block = block[: block.index("</section>")]
    assert "OSCE Ministerial Council. Decision No. 7/06" in block
    assert "(MC.DEC/7/06). Brussels, 5 December 2006. https://osce.org/cio/47996" in block
    assert "Accessed via OSCE Portal record" in block
    assert "@misc{mc-dec-7-06," in block
    assert "TY  - GOVDOC" in block and "M1  - MC.DEC/7/06" in block and "ER  - " in block
    csl = json.loads(
        re.search(r'<pre class="citation" id="cite-csl"[^>]*>(.*?)</pre>', block, re.S)[1]
    )
    assert csl[0]["type"] == "legislation"
    assert csl[0]["number"] == "MC.DEC/7/06"
    assert csl[0]["issued"] == {"date-parts": [[2006, 12, 5]]}
    # The block comes before the related documents, near the top of the main column.
    assert html.index('id="cite-heading"') < html.index('id="relations-heading"')


def test_ris_is_one_record_of_tagged_lines():
    import datetime

    citation = citations.Citation(
        key="k",
        author="OSCE Permanent Council",
        title="Decision No. 1106",
        symbol="PC.DEC/1106",
        kind="decision",
        year=2013,
        adopted_on=datetime.date(2013, 12, 3),
        place="Vienna",
        official_url="",
        record_url="https://portal.example.org/commitments/pc-dec-1106/",
        accessed=datetime.date(2026, 12, 6),
    )
    lines = citations.ris(citation).splitlines()
    assert lines[0] == "TY  - GOVDOC" and lines[-1] == "ER  - "
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines)
    assert "DA  - 2013/12/03/" in lines and "Y2  - 2026/12/06/" in lines
