"""Citations of a commitment: the OSCE document first, the portal record as "accessed via".

One writer per format — plain text, BibTeX, RIS, CSL-JSON — and the `citation_*` meta tags
that Zotero and Google Scholar read, all from one `Citation` built by `citation_for()`. A
`locator` ("para. 3", "CBM 8") makes the same citation point at one paragraph or provision
("MC.DEC/7/06, para. 3").
"""

import json
from dataclasses import dataclass, field, replace

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

PORTAL = "OSCE Portal"

_BIBTEX_ESCAPES = {
    ord("\\"): r"\textbackslash{}",
    ord("{"): r"\{",
    ord("}"): r"\}",
    ord("&"): r"\&",
    ord("%"): r"\%",
    ord("$"): r"\$",
    ord("#"): r"\#",
    ord("_"): r"\_",
    ord("~"): r"\textasciitilde{}",
    ord("^"): r"\textasciicircum{}",
}


@dataclass
class Citation:
    key: str  # the record's slug
    author: str  # the adopting body, as cited ("OSCE Ministerial Council")
    title: str
    symbol: str
    kind: str
    year: int
    adopted_on: object  # date or None
    place: str
    official_url: str  # the organisation's own address of the document, or ""
    record_url: str  # the portal record (a version's permanent address when there is one)
    version_date: object = None  # aware datetime of the cited published version
    last_reviewed_on: object = None
    accessed: object = field(default_factory=timezone.localdate)
    locator: str = ""  # "para. 3", "annex 1, para. 4", "CBM 8"
    locator_url: str = ""  # the paragraph's or provision's own address
    language: str = "en"
    pdf_url: str = ""  # the official text this portal serves, when there is one

    def at(self, locator, url, *, language=None):
        return replace(self, locator=locator, locator_url=url, language=language or self.language)

    @property
    def short(self):
        """ "MC.DEC/7/06, para. 3": how a paragraph is cited in running text."""
        name = self.symbol or self.title
        return f"{name}, {self.locator}" if self.locator else name

    @property
    def url(self):
        return self.locator_url or self.record_url


def author_of(commitment):
    body = commitment.adopting_body
    if body is None:
        return commitment.organisation.name
    acronym = commitment.organisation.acronym
    return body.name if body.name.startswith(acronym) else f"{acronym} {body.name}"


def citation_for(commitment, *, request, version=None, version_url=None, official_url=None):
    """The citation of a record as a page shows it (`request` makes the addresses absolute)."""
    if official_url is None:
        official = next((s for s in commitment.sources.all() if s.kind == "official"), None)
        official_url = official.url if official else ""
    return Citation(
        key=commitment.slug,
        author=author_of(commitment),
        title=commitment.title,
        symbol=commitment.symbol,
        kind=commitment.get_kind_display(),
        year=commitment.year,
        adopted_on=commitment.adopted_on,
        place=commitment.place,
        official_url=official_url,
        record_url=request.build_absolute_uri(version_url or commitment.get_absolute_url()),
        version_date=version.date if version else None,
        last_reviewed_on=commitment.last_reviewed_on,
    )


def _day(value):
    return date_format(value)  # the language's DATE_FORMAT (osce_portal/formats)


def _adopted(citation):
    return _day(citation.adopted_on) if citation.adopted_on else str(citation.year)


def text(citation):
    """Plain text: the document (body, title, symbol, place, date, official address), then
    the portal record it was accessed through."""
    title = f"{citation.title} ({citation.symbol})" if citation.symbol else citation.title
    parts = [f"{citation.author}.", f"{title}."]
    if citation.locator:
        parts.append(f"{citation.locator[:1].upper()}{citation.locator[1:]}.")
    parts.append(", ".join(p for p in (citation.place, _adopted(citation)) if p) + ".")
    if citation.official_url:
        parts.append(citation.official_url)
    url = citation.url
    if citation.version_date:
        parts.append(
            _("Accessed via OSCE Portal record, version of %(date)s: %(url)s")
            % {"date": _day(timezone.localtime(citation.version_date)), "url": url}
        )
        if citation.last_reviewed_on:
            parts.append(_("Last reviewed %(date)s.") % {"date": _day(citation.last_reviewed_on)})
    elif citation.last_reviewed_on:
        parts.append(
            _("Accessed via OSCE Portal record, last reviewed %(date)s: %(url)s")
            % {"date": _day(citation.last_reviewed_on), "url": url}
        )
    else:
        parts.append(_("Accessed via OSCE Portal record: %(url)s") % {"url": url})
    parts.append(_("Accessed %(date)s.") % {"date": _day(citation.accessed)})
    return " ".join(parts)


def _bibtex(value):
    return str(value).translate(_BIBTEX_ESCAPES)


def bibtex(citation):
    """A BibTeX @misc entry: the document, its official address in `url` when known, the
    portal record in `note` with the accessed date in `urldate`."""
    fields = [
        ("author", "{" + _bibtex(citation.author) + "}"),
        ("title", _bibtex(citation.title)),
        ("year", citation.year),
    ]
    if citation.symbol:
        fields.append(("number", _bibtex(citation.symbol)))
    if citation.adopted_on:
        fields.append(("date", citation.adopted_on.isoformat()))
    if citation.place:
        fields.append(("address", _bibtex(citation.place)))
    if citation.locator:
        fields.append(("pages", _bibtex(citation.locator)))
    fields.append(("howpublished", PORTAL))
    fields.append(("url", citation.url))
    fields.append(("urldate", citation.accessed.isoformat()))
    notes = []
    if citation.official_url:
        notes.append(f"Official text: {citation.official_url}")
    if citation.version_date:
        notes.append(f"Version of {timezone.localtime(citation.version_date).date().isoformat()}")
    if citation.last_reviewed_on:
        notes.append(f"Last reviewed {citation.last_reviewed_on.isoformat()}")
    if notes:
        fields.append(("note", _bibtex("; ".join(notes))))
    key = citation.key + (f"-{citation.locator_url.rsplit('#', 1)[-1]}" if citation.locator else "")
    body = ",\n".join(f"  {name:<12} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"


def ris(citation):
    """RIS (Zotero, EndNote, Mendeley): type GOVDOC, the body as author."""

    def line(tag, value):
        return f"{tag}  - {value}" if value not in (None, "") else None

    date = (
        citation.adopted_on.strftime("%Y/%m/%d/") if citation.adopted_on else f"{citation.year}///"
    )
    lines = [
        "TY  - GOVDOC",
        line("AU", citation.author),
        line("TI", citation.title),
        line("M1", citation.symbol),
        line("PY", citation.year),
        line("DA", date),
        line("CY", citation.place),
        line("PB", citation.author.split(" ", 1)[0] if citation.author else ""),
        line("SP", citation.locator),
        line("UR", citation.url),
        line("L2", citation.official_url),
        line("LA", citation.language),
        line("Y2", citation.accessed.strftime("%Y/%m/%d/")),
        line("DB", PORTAL),
        "ER  - ",
    ]
    return "\n".join(item for item in lines if item is not None)


def csl(citation):
    """CSL-JSON (citeproc, Zotero, Pandoc): one item of type "legislation"."""
    issued = (
        [citation.adopted_on.year, citation.adopted_on.month, citation.adopted_on.day]
        if citation.adopted_on
        else [citation.year]
    )
    item = {
        "id": citation.key
        + (f"#{citation.locator_url.rsplit('#', 1)[-1]}" if citation.locator else ""),
        "type": "legislation",
        "title": citation.title,
        "author": [{"literal": citation.author}],
        "authority": citation.author,
        "number": citation.symbol or None,
        "genre": citation.kind,
        "issued": {"date-parts": [issued]},
        "event-place": citation.place or None,
        "publisher-place": citation.place or None,
        "URL": citation.url,
        "accessed": {
            "date-parts": [[citation.accessed.year, citation.accessed.month, citation.accessed.day]]
        },
        "source": PORTAL,
        "language": citation.language,
    }
    if citation.locator:
        item["locator"] = citation.locator
    if citation.official_url:
        item["note"] = f"Official text: {citation.official_url}"
    return [{key: value for key, value in item.items() if value is not None}]


def csl_json(citation):
    return json.dumps(csl(citation), ensure_ascii=False, indent=1)


def meta_tags(citation):
    """(name, content) pairs of the Highwire `citation_*` tags Zotero and Google Scholar read."""
    date = citation.adopted_on.strftime("%Y/%m/%d") if citation.adopted_on else str(citation.year)
    tags = [
        ("citation_title", citation.title),
        ("citation_author", citation.author),
        ("citation_publication_date", date),
        ("citation_date", date),
        ("citation_publisher", citation.author),
        ("citation_technical_report_institution", citation.author),
        ("citation_public_url", citation.record_url),
        ("citation_language", citation.language),
    ]
    if citation.symbol:
        tags.append(("citation_technical_report_number", citation.symbol))
    if citation.pdf_url:
        tags.append(("citation_pdf_url", citation.pdf_url))
    return tags


FORMATS = {"text": text, "bibtex": bibtex, "ris": ris, "csl-json": csl_json}
