import json
import re
from html import unescape

import pytest
from django.test import RequestFactory
from django.urls import reverse

from catalog.models import Commitment
from catalog.views.catalogue import CommitmentDetailView
from tests.factories import (
    CategoryAssignmentFactory,
    CommitmentFactory,
    CommitmentRelationFactory,
    SourceFactory,
)

from .helpers import html

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(catalogue):
    return catalogue.internet_decision


def page(client, commitment):
    response = client.get(commitment.get_absolute_url())
    assert response.status_code == 200
    return html(response)


def json_ld(text):
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    return json.loads(block)


def test_page_shows_the_metadata(client, record):
    text = page(client, record)
    for expected in (
        "Decision on countering the use of the internet",
        "MC.DEC/7/06",
        "No. 7/06",
        "Ministerial Council",
        "5 December 2006",
        "Brussels",
        "Use of the internet",
        "online radicalization",
        "1 November 2026",
    ):
        assert expected in text


def test_relations_are_shown_from_both_sides_grouped_by_kind(client, catalogue, record):
    CommitmentRelationFactory(source=catalogue.youth_declaration, target=record, kind="builds_on")
    CommitmentRelationFactory(source=record, target=catalogue.strategy, kind="endorses")
    CommitmentRelationFactory(source=catalogue.unit_compilation, target=record, kind="references")
    text = page(client, record)
    assert re.search(r">Endorses</h3>\s*<ul[^>]*>\s*<li>\s*<a[^>]*>Global strategy", text)
    assert re.search(r">Built on by</h3>\s*<ul[^>]*>\s*<li>\s*<a[^>]*>Declaration on youth", text)
    assert re.search(r">Referenced by</h3>\s*<ul[^>]*>\s*<li>\s*<a[^>]*>Compilation", text)


def test_sources_show_label_language_and_official_flag(client, record):
    SourceFactory(commitment=record, url="https://www.osce.org/mc/1", label="Decision text")
    SourceFactory(commitment=record, url="https://example.org/fr", kind="copy", language="fr")
    SourceFactory(
        commitment=record,
        url="https://www.osce.org/files/f/documents/a/1/29569.pdf",
        kind="copy",
    )
    text = page(client, record)
    assert ">Decision text</a>" in text
    assert 'hreflang="fr"' in text
    # Without a label, the link names the site and the page, not only the domain.
    assert ">example.org/fr</a>" in text
    assert ">osce.org/files/f/documents/a/1/29569.pdf</a>" in text
    assert "PDF · " in text
    assert text.count(">official</span>") == 1


def test_long_source_paths_are_shortened_in_the_middle(client, record):
    url = (
        "https://www.osce.org/files/f/documents/2/5/a-very-long-name-of-a-document-on-terrorism.pdf"
    )
    SourceFactory(commitment=record, url=url)
    assert ">osce.org/files/f/documents/2/5/…ocument-on-terrorism.pdf</a>" in page(client, record)


@pytest.mark.parametrize(
    "reference, url",
    [
        ("UNSCR 1624 (2005)", "https://undocs.org/S/RES/1624(2005)"),
        ("S/RES/2178 (2014)", "https://undocs.org/S/RES/2178(2014)"),
        ("UNGA resolution 58/187", "https://undocs.org/A/RES/58/187"),
        ("A/RES/60/288", "https://undocs.org/A/RES/60/288"),
    ],
)
def test_un_resolutions_cited_link_to_their_un_document_address(client, record, reference, url):
    record.external_references = f"{reference}\nPC.DEC/633 (2004)\nFATF standards"
    record.save()
    text = page(client, record)
    assert f'<a href="{url}" rel="external">{reference}</a>' in text
    # Other references stay text.
    assert "<li>PC.DEC/633 (2004)</li>" in text
    assert "<li>FATF standards</li>" in text


def test_category_evidence_is_shown(client, record):
    text = page(client, record)
    assert "Propaganda" in text
    assert "The text addresses this activity." in text


def test_citation_in_plain_text_and_bibtex_with_last_reviewed_date(client, record):
    text = page(client, record)
    assert (
        "OSCE Ministerial Council. Decision on countering the use of the internet (MC.DEC/7/06). "
        "Brussels, 5 December 2006. Accessed via OSCE Portal record, last reviewed 1 November "
        "2026: "
        "http://testserver/en/commitments/internet-decision/"
    ) in text
    assert "@misc{internet-decision," in text
    assert "number       = {MC.DEC/7/06}" in text
    assert "note         = {Last reviewed 2026-11-01}" in text


def test_bibtex_escapes_special_characters(client, db):
    commitment = CommitmentFactory(title="Plan 100% on {braces} & more")
    assert r"Plan 100\% on \{braces\} \& more" in unescape(page(client, commitment))


def test_breadcrumbs_lead_back_to_the_catalogue(client, record):
    text = page(client, record)
    breadcrumbs = text[text.index('class="breadcrumbs"') :]
    breadcrumbs = breadcrumbs[: breadcrumbs.index("</nav>")]
    assert f'href="{reverse("catalog:commitment_list")}"' in breadcrumbs
    assert "?kind=decision" in breadcrumbs


def test_canonical_url_description_and_open_graph(client, record):
    text = page(client, record)
    url = "http://testserver/en/commitments/internet-decision/"
    assert f'<link rel="canonical" href="{url}">' in text
    assert '<meta name="description" content="A decision used in tests.">' in text
    assert f'<meta property="og:url" content="{url}">' in text
    assert '<meta property="og:title" content="Decision on countering the use' in text


def test_schema_org_json_ld_describes_the_record(client, record):
    data = json_ld(page(client, record))
    assert data["@context"] == "https://schema.org"
    assert data["identifier"] == "MC.DEC/7/06"
    assert data["dateCreated"] == "2006-12-05"
    assert data["author"]["name"] == "Ministerial Council"
    assert data["dateModified"] == "2026-11-01"
    assert data["about"][0]["name"] == "Use of the internet"


def test_json_ld_cannot_close_its_script_element(client, db):
    commitment = CommitmentFactory(summary="Bad </script><script>alert(1)</script> text")
    text = page(client, commitment)
    assert "</script><script>alert(1)" not in text
    assert json_ld(text)["abstract"] == "Bad </script><script>alert(1)</script> text"


def test_public_page_is_indexable_and_has_no_preview_banner(client, record):
    text = page(client, record)
    assert "noindex" not in text
    assert "this record is not public" not in text


def test_page_has_a_print_stylesheet(client, record):
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/site.css"), encoding="utf-8").read()
    assert "@media print" in css


def preview_response(commitment):
    class PreviewView(CommitmentDetailView):
        def get_queryset(self):
            return self.with_page_data(Commitment.objects.all())

        def get_context_data(self, **kwargs):
            return super().get_context_data(is_preview=True, **kwargs)

    request = RequestFactory().get(commitment.get_absolute_url())
    response = PreviewView.as_view()(request, slug=commitment.slug)
    response.render()
    return response.content.decode()


def test_template_renders_a_draft_as_a_preview_with_a_banner_and_noindex(catalogue):
    draft = CommitmentFactory(title="Draft under review", draft=True, themes=[catalogue.youth])
    CategoryAssignmentFactory(commitment=draft)
    text = preview_response(draft)
    assert "Preview — this record is not public." in text
    assert '<meta name="robots" content="noindex">' in text
    assert "Draft under review" in text


def test_preview_of_a_draft_still_hides_relations_to_unpublished_records(catalogue):
    draft = CommitmentFactory(title="Draft under review", draft=True)
    other_draft = CommitmentFactory(title="Another unpublished draft", draft=True)
    CommitmentRelationFactory(source=draft, target=other_draft)
    CommitmentRelationFactory(source=draft, target=catalogue.strategy)
    text = preview_response(draft)
    assert "Another unpublished draft" not in text
    assert "Global strategy resolution" in text
