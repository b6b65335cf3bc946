"""Reading official texts: what a file is, its words page by page, and its paragraphs.

Plain functions on bytes and strings, with no database: the extraction task
(`texts.services.run_extraction`) calls them and stores what they return. Every failure is an
`ExtractionError` whose `code` names the case (encrypted, broken, needs OCR, too many pages,
wrong type) and whose message says it in words an editor understands.
"""

import io
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

import pdfminer
from django.utils.translation import gettext as _

EXTRACTOR = f"pdfminer.six {pdfminer.__version__}"
HTML_EXTRACTOR = "html.parser (Python standard library)"

PDF, HTML = "application/pdf", "text/html"
# Lines closer than 0.8 line heights belong to one block: a paragraph's wrapped lines stay
# together, while the extra space printed between paragraphs separates them.
LAPARAMS_OPTIONS = {"line_margin": 0.8}
# Fewer letters than this on average per page: a scan without a text layer.
MIN_LETTERS_PER_PAGE = 40


class ExtractionError(Exception):
    ENCRYPTED = "encrypted"
    BROKEN = "broken"
    NEEDS_OCR = "needs_ocr"
    TOO_MANY_PAGES = "too_many_pages"
    TOO_LARGE = "too_large"
    WRONG_TYPE = "wrong_type"
    FETCH = "fetch"

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Page:
    number: int
    lines: list  # text lines in reading order, blank strings between blocks


@dataclass
class Piece:
    """One paragraph as extraction found it."""

    kind: str  # heading, preamble, operative, annex, other
    number: str
    anchor: str
    page: int | None
    content: str


# --------------------------------------------------------------------------------------
# What the bytes are
# --------------------------------------------------------------------------------------


def sniff(data, declared=""):
    """PDF or HTML, from the bytes themselves (a name or a header may lie)."""
    head = data[:1024].lstrip()
    if data[:1024].find(b"%PDF-") != -1:
        return PDF
    lowered = head[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered:
        return HTML
    raise ExtractionError(
        ExtractionError.WRONG_TYPE,
        _(
            "The file is neither a PDF nor an HTML page (it starts with %(start)r; it was "
            "declared as %(declared)s). Upload the official PDF or HTML copy."
        )
        % {"start": data[:8], "declared": declared or _("nothing")},
    )


def check_size(data, max_bytes):
    if len(data) > max_bytes:
        raise ExtractionError(
            ExtractionError.TOO_LARGE,
            _("The file has %(size)s bytes; the limit is %(limit)s (TEXTS_MAX_BYTES).")
            % {"size": f"{len(data):,}", "limit": f"{max_bytes:,}"},
        )


# --------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------


def pdf_pages(data, max_pages):
    """The text of each page, as lines in reading order (blank lines between blocks)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.psexceptions import PSException

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        count = sum(1 for _page in PDFPage.create_pages(document))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ExtractionError(
            ExtractionError.ENCRYPTED,
            _(
                "The PDF is encrypted and cannot be opened without a password. Ask for an "
                "unprotected copy, or print it to a new PDF, and upload that."
            ),
        ) from None
    except (PSException, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise ExtractionError(
            ExtractionError.BROKEN,
            _("The PDF is damaged and cannot be read (%(error)s). Upload another copy.")
            % {"error": error.__class__.__name__},
        ) from None
    if count == 0:
        raise ExtractionError(ExtractionError.BROKEN, _("The PDF has no pages."))
    if count > max_pages:
        raise ExtractionError(
            ExtractionError.TOO_MANY_PAGES,
            _("The PDF has %(count)s pages; the limit is %(limit)s (TEXTS_MAX_PAGES).")
            % {"count": count, "limit": max_pages},
        )
    LAPARAMS = LAParams(**LAPARAMS_OPTIONS)
    pages = []
    try:
        for number, layout in enumerate(
            extract_pages(io.BytesIO(data), laparams=LAPARAMS), start=1
        ):
            lines = []
            boxes = [item for item in layout if isinstance(item, LTTextContainer)]
            # Top to bottom, then left to right: the order a reader follows on these pages.
            boxes.sort(key=lambda box: (-round(box.y1), box.x0))
            for box in boxes:
                for line in box.get_text().splitlines():
                    lines.append(" ".join(line.split()))
                lines.append("")
            pages.append(Page(number, lines))
    except (PSException, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise ExtractionError(
            ExtractionError.BROKEN,
            _("The PDF is damaged and cannot be read (%(error)s). Upload another copy.")
            % {"error": error.__class__.__name__},
        ) from None
    letters = sum(sum(ch.isalpha() for ch in line) for page in pages for line in page.lines)
    if letters < MIN_LETTERS_PER_PAGE * len(pages):
        raise ExtractionError(
            ExtractionError.NEEDS_OCR,
            _(
                "The PDF has no text layer (%(pages)s pages, %(letters)s letters found): it is "
                "probably a scan and needs OCR. Run it through ocrmypdf and upload the result, "
                "or find a copy with text."
            )
            % {"pages": len(pages), "letters": letters},
        )
    return strip_running_lines(pages)


_PAGE_NUMBER_RE = re.compile(r"^[-–—]?\s*\d{1,4}\s*[-–—]?$|^(page|p\.|seite|стр\.?)\s*\d+", re.I)


def strip_running_lines(pages):
    """Drop page numbers ("- 2 -") and headers or footers repeated on most pages."""
    if len(pages) > 1:
        counts = Counter(
            line for page in pages for line in set(_edge_lines(page.lines)) if line.strip()
        )
        running = {line for line, n in counts.items() if n >= max(2, len(pages) // 2 + 1)}
    else:
        running = set()
    for page in pages:
        edges = set(_edge_lines(page.lines))
        page.lines = [
            line
            for line in page.lines
            if not (line in edges and (line in running or _PAGE_NUMBER_RE.match(line.strip())))
        ]
    return pages


def _edge_lines(lines, depth=3):
    filled = [line for line in lines if line.strip()]
    return filled[:depth] + filled[-depth:]


# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------

_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "div", "br", "tr", "dd"}
_SKIPPED = {"script", "style", "nav", "header", "footer", "noscript", "template", "head"}


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.current, self.skipping, self.title = [], [], 0, []
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
        if tag == "title":
            self.in_title = True
        if tag in _BLOCKS:
            self.flush()

    def handle_endtag(self, tag):
        if tag in _SKIPPED and self.skipping:
            self.skipping -= 1
        if tag == "title":
            self.in_title = False
        if tag in _BLOCKS:
            self.flush()

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        elif not self.skipping:
            self.current.append(data)

    def flush(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.lines.extend([text, ""])
        self.current = []


_ERROR_TITLE_RE = re.compile(
    r"\b(404|403|500|502|503|not found|error|access denied|forbidden|unavailable)\b", re.I
)


def html_pages(data):
    text = _decode(data)
    collector = _TextCollector()
    collector.feed(text)
    collector.close()
    collector.flush()
    title = " ".join("".join(collector.title).split())
    letters = sum(ch.isalpha() for line in collector.lines for ch in line)
    if _ERROR_TITLE_RE.search(title) and letters < 2000:
        raise ExtractionError(
            ExtractionError.FETCH,
            _("The page is an error page (“%(title)s”), not the document.") % {"title": title},
        )
    if letters < MIN_LETTERS_PER_PAGE:
        raise ExtractionError(
            ExtractionError.BROKEN,
            _("The HTML page holds no text to read (%(n)s letters).") % {"n": letters},
        )
    return [Page(1, collector.lines)]


def _decode(data):
    match = re.search(rb'charset=["\']?([A-Za-z0-9_-]+)', data[:2048])
    for encoding in ([match[1].decode("ascii")] if match else []) + ["utf-8", "cp1252"]:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------------------
# Paragraphs
# --------------------------------------------------------------------------------------

_OPERATIVE_RE = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")
_SUB_RE = re.compile(r"^\(([a-z]{1,3}|[ivx]{1,5})\)\s+(\S.*)$")
_ANNEX_RE = re.compile(
    r"^(annex|annexe|anhang|allegato|anexo|приложение)(?:\s+([IVX]+|\d+))?\s*[:.]?$", re.I
)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9}
# A block this short with no closing punctuation is a heading (title, "Decides:" is not).
HEADING_MAX_CHARS = 90


def blocks(pages):
    """[(page, text)] — the lines of each page joined into blocks, a numbered line always
    starting a new block (PDF layout may glue a paragraph to the one before it)."""
    result = []
    for page in pages:
        current = []
        for line in page.lines:
            starts = bool(_OPERATIVE_RE.match(line) or _SUB_RE.match(line) or _ANNEX_RE.match(line))
            if (not line.strip() or starts) and current:
                result.append((page.number, " ".join(current)))
                current = []
            if line.strip():
                current.append(line.strip())
        if current:
            result.append((page.number, " ".join(current)))
    return _join_across_pages(result)


def _join_across_pages(items):
    """A block that stops mid-sentence (no closing punctuation) continues in the next one
    when that starts in lower case: a paragraph broken by a page end or by the layout."""
    joined = []
    for page, text in items:
        if (
            joined
            and not re.search(r"[.,;:!?]$", joined[-1][1])
            and text[:1].islower()
            and not _SUB_RE.match(text)
        ):
            joined[-1] = (joined[-1][0], f"{joined[-1][1]} {text}")
        else:
            joined.append((page, text))
    return joined


def split(pages):
    """Paragraphs with the document's own numbering and stable anchors.

    Before the first numbered paragraph, sentences are preambular paragraphs (`pp-1`, …);
    numbered ones are operative (`op-5`), with lettered sub-paragraphs (`op-2-a`, number
    "2(a)"); after an "Annex" heading, numbered paragraphs belong to that annex
    (`annex-1-4`). Short unpunctuated blocks are headings (`h-1`); anything else keeps its
    position (`p-12`). Anchors are unique within the text.
    """
    pieces, used = [], set()
    annex = 0
    last_operative = None
    seen_operative = False
    counters = Counter()

    def add(kind, number, anchor, page, content):
        base, n = anchor, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        pieces.append(Piece(kind, number, anchor, page, content))

    for page, text in blocks(pages):
        if match := _ANNEX_RE.match(text):
            annex += 1
            label = match[2] or ""
            if label:
                annex = _ROMAN.get(label.upper(), int(label) if label.isdigit() else annex)
            add("heading", "", f"annex-{annex}", page, text)
            last_operative = None
            continue
        if match := _OPERATIVE_RE.match(text):
            number = match[1]
            if annex:
                add("annex", number, f"annex-{annex}-{number}", page, text)
            else:
                seen_operative = True
                add("operative", number, f"op-{number}", page, text)
            last_operative = number
            continue
        if (match := _SUB_RE.match(text)) and last_operative:
            letter = match[1].lower()
            prefix = f"annex-{annex}-" if annex else "op-"
            kind = "annex" if annex else "operative"
            add(
                kind,
                f"{last_operative}({letter})",
                f"{prefix}{last_operative}-{letter}",
                page,
                text,
            )
            continue
        if len(text) <= HEADING_MAX_CHARS and not re.search(r"[.;,]$", text):
            counters["heading"] += 1
            add("heading", "", f"h-{counters['heading']}", page, text)
            continue
        if not seen_operative and not annex:
            counters["preamble"] += 1
            number = str(counters["preamble"])
            add("preamble", number, f"pp-{number}", page, text)
            continue
        counters["other"] += 1
        add("other", "", f"p-{len(pieces) + 1}", page, text)
    return pieces


def extract(data, media_type, max_pages):
    """(pages, paragraphs) of a PDF or HTML file; raises ExtractionError."""
    pages = pdf_pages(data, max_pages) if media_type == PDF else html_pages(data)
    return pages, split(pages)
