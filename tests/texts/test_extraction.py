"""Extraction as plain functions: the document's own numbering, anchors and pages, and every
kind of bad input named for what it is."""

import pytest

from texts import extraction
from texts.extraction import ExtractionError

from .pdfs import blank_pdf, decision_pdf, long_pdf


def anchors(pieces):
    return [(p.kind, p.number, p.anchor, p.page) for p in pieces]


def test_a_decision_splits_into_preamble_operative_sub_and_annex_paragraphs():
    pages, pieces = extraction.extract(decision_pdf(break_after=2), extraction.PDF, 50)
    assert len(pages) == 3
    assert anchors(pieces) == [
        ("heading", "", "h-1", 1),
        ("preamble", "1", "pp-1", 1),
        ("preamble", "2", "pp-2", 1),
        ("heading", "", "h-2", 1),
        ("operative", "1", "op-1", 1),
        ("operative", "2", "op-2", 1),
        ("operative", "3", "op-3", 2),
        ("operative", "4", "op-4", 2),
        ("operative", "4(a)", "op-4-a", 2),
        ("operative", "4(b)", "op-4-b", 2),
        ("operative", "5", "op-5", 2),
        ("heading", "", "annex-1", 3),
        ("annex", "1", "annex-1-1", 3),
        ("annex", "2", "annex-1-2", 3),
    ]
    # A paragraph wrapped over several lines is one paragraph, in reading order.
    assert pieces[1].content == (
        "Le Conseil ministériel, profondément préoccupé par l'usage croissant d'internet à des "
        "fins de propagande, rappelant les engagements pris par les États participants,"
    )
    assert pieces[6].content.startswith(
        "3. De surveiller les sites web des organisations terroristes"
    )


def test_running_headers_and_page_numbers_are_not_paragraphs():
    _pages, pieces = extraction.extract(decision_pdf(break_after=2), extraction.PDF, 50)
    texts = [piece.content for piece in pieces]
    assert "MC.DEC/7/06" not in texts
    assert not any(text.startswith("- ") for text in texts)


def test_paragraph_citation_labels():
    from texts.models import Paragraph

    assert Paragraph(kind="operative", number="3", anchor="op-3").citation_label == "para. 3"
    assert Paragraph(kind="preamble", number="2", anchor="pp-2").citation_label == (
        "preamble, para. 2"
    )
    assert Paragraph(kind="annex", number="4", anchor="annex-1-4").citation_label == (
        "annex 1, para. 4"
    )


@pytest.mark.parametrize(
    "data, code",
    [
        (decision_pdf(encrypt="secret"), ExtractionError.ENCRYPTED),
        (blank_pdf(), ExtractionError.NEEDS_OCR),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF", "broken"),
        (decision_pdf()[:400], ExtractionError.BROKEN),
    ],
    ids=["encrypted", "scan", "no pages", "truncated"],
)
def test_bad_pdfs_are_named_for_what_they_are(data, code):
    with pytest.raises(ExtractionError) as raised:
        extraction.extract(data, extraction.PDF, 50)
    assert raised.value.code == code


def test_a_scan_says_it_needs_ocr():
    with pytest.raises(ExtractionError) as raised:
        extraction.extract(blank_pdf(pages=3), extraction.PDF, 50)
    assert "needs OCR" in raised.value.message
    assert "3 pages, 0 letters" in raised.value.message


def test_a_pdf_over_the_page_limit_is_refused():
    with pytest.raises(ExtractionError) as raised:
        extraction.extract(long_pdf(6), extraction.PDF, 5)
    assert raised.value.code == ExtractionError.TOO_MANY_PAGES
    assert "6 pages; the limit is 5" in raised.value.message


def test_a_file_is_what_its_bytes_say():
    assert extraction.sniff(decision_pdf(), "text/html") == extraction.PDF
    assert extraction.sniff(b"<!DOCTYPE html><html><body>x</body></html>") == extraction.HTML
    with pytest.raises(ExtractionError) as raised:
        extraction.sniff(b"PK\x03\x04 a word file", "application/pdf")
    assert raised.value.code == ExtractionError.WRONG_TYPE


def test_size_limit():
    with pytest.raises(ExtractionError) as raised:
        extraction.check_size(b"x" * 11, 10)
    assert raised.value.code == ExtractionError.TOO_LARGE


HTML_DECISION = """<!DOCTYPE html><html lang="en"><head><title>Decision No. 3/09</title>
<style>p { color: red }</style><script>var x = 1;</script></head><body>
<nav><a href="/">Home</a></nav>
<h1>DECISION No. 3/09 FURTHER MEASURES</h1>
<p>The Ministerial Council, recalling the commitments of the participating States on terrorism,</p>
<p>Decides:</p>
<p>1. To promote the exchange of information on terrorist use of the internet.</p>
<p>2. To task the Secretary General with a report &amp; a plan.</p>
</body></html>"""


def test_html_pages_split_like_pdfs_and_ignore_scripts_and_navigation():
    pages, pieces = extraction.extract(HTML_DECISION.encode(), extraction.HTML, 50)
    assert len(pages) == 1
    assert [(p.kind, p.anchor) for p in pieces] == [
        ("heading", "h-1"),
        ("preamble", "pp-1"),
        ("heading", "h-2"),
        ("operative", "op-1"),
        ("operative", "op-2"),
    ]
    assert pieces[-1].content == "2. To task the Secretary General with a report & a plan."
    assert not any("var x" in p.content or "Home" == p.content for p in pieces)


def test_an_html_error_page_is_not_a_text():
    page = b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
    with pytest.raises(ExtractionError) as raised:
        extraction.extract(page, extraction.HTML, 50)
    assert raised.value.code == ExtractionError.FETCH
    assert "error page" in raised.value.message
