"""Template tags of the public site: navigation state, citations and structured data."""

import json
import re
from urllib.parse import unquote, urlsplit

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from catalog import caching, citations, search, thesaurus
from osce_portal import i18n

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on, shared):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.shared = shared

    def render(self, context):
        parts = tuple(variable.resolve(context) for variable in self.vary_on)
        return caching.fragment(
            self.name, parts, lambda: self.nodelist.render(context), shared=self.shared
        )


def _fragment_node(parser, token, shared):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{{% {bits[0]} %}} needs a name")
    nodelist = parser.parse((f"end{bits[0]}",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist, bits[1].strip("\"'"), [parser.compile_filter(bit) for bit in bits[2:]], shared
    )


@register.tag
def fragment(parser, token):
    """`{% fragment "name" value … %}…{% endfragment %}`: the enclosed HTML, rendered once per
    catalogue version, language and values (plain values: strings, numbers, booleans, and
    tuples of them) and then reused by this worker. Everything the enclosed part shows must
    come from the catalogue or from the values."""
    return _fragment_node(parser, token, shared=False)


@register.tag
def shared_fragment(parser, token):
    """`{% shared_fragment "name" value … %}…{% endshared_fragment %}`: a `fragment` that every
    worker reuses once one has rendered it (kept in the shared cache as well): for a page's
    few large parts."""
    return _fragment_node(parser, token, shared=True)


# Characters that could close the <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def current(context, *url_names):
    """` aria-current="page"` when the page's route is one of `url_names`."""
    match = getattr(context.get("request"), "resolver_match", None)
    if match and match.url_name in url_names:
        return mark_safe(' aria-current="page"')
    return ""


# UN Security Council and General Assembly resolutions as cited in the catalogue, and their
# permanent addresses: "UNSCR 1624 (2005)" / "S/RES/1624 (2005)" → undocs.org/S/RES/1624(2005),
# "UNGA resolution 58/187" / "A/RES/60/288" → undocs.org/A/RES/58/187.
_UNSC_RE = re.compile(r"^(?:UNSCR|S/RES/)\s*(\d+)\s*\((\d{4})\)$", re.IGNORECASE)
_UNGA_RE = re.compile(
    r"^(?:UNGA resolution|A/RES/)\s*((?:ES-)?\d+/\d+[A-Z]?)(?:\s*\(\d{4}\))?$", re.IGNORECASE
)
UNDOCS = "https://undocs.org/"


@register.filter
def un_document_url(reference):
    """The undocs.org address of a UN Security Council or General Assembly resolution, or ""."""
    reference = " ".join(str(reference).split())
    if match := _UNSC_RE.match(reference):
        return f"{UNDOCS}S/RES/{match[1]}({match[2]})"
    if match := _UNGA_RE.match(reference):
        return f"{UNDOCS}A/RES/{match[1].upper()}"
    return ""


_DOCUMENT_KINDS = {".pdf": "PDF", ".doc": "Word", ".docx": "Word", ".htm": "", ".html": ""}
_MAX_PATH = 48


@register.filter
def source_text(source):
    """What a source link says: the editors' label, or the site and the path of the page
    (shortened in the middle), so two sources on one site read differently."""
    if source.label:
        return source.label
    parts = urlsplit(source.url)
    host = parts.netloc.lower().removeprefix("www.")
    path = unquote(parts.path).rstrip("/")
    if parts.query:
        path += "?" + unquote(parts.query)
    if len(path) > _MAX_PATH:
        path = path[: _MAX_PATH // 2 - 1] + "…" + path[-(_MAX_PATH // 2) :]
    return f"{host}{path}"


@register.filter
def source_kind(source):
    """The kind of document a source address points to, when its name says ("PDF"), or ""."""
    path = urlsplit(source.url).path.lower()
    for extension, kind in _DOCUMENT_KINDS.items():
        if path.endswith(extension):
            return kind
    return ""


_MEMBERS_RE = re.compile(r"\b(\d+) participating States\b")


@register.filter
def organisation_line(organisation):
    """One factual sentence about an organisation from its record: name, how many
    participating States its sourced facts give, when it was founded and where it sits."""
    members = next(
        (m[1] for fact in organisation.fact_list if (m := _MEMBERS_RE.search(fact))), None
    )
    name = organisation.name
    if organisation.acronym and organisation.acronym != name:
        name = f"{name} ({organisation.acronym})"
    parts = []
    if members:
        parts.append(_("is an organisation of %(count)s participating States") % {"count": members})
    if organisation.founded_year:
        parts.append(_("founded in %(year)s") % {"year": organisation.founded_year})
    if organisation.headquarters:
        parts.append(_("with its headquarters in %(place)s") % {"place": organisation.headquarters})
    if not parts:
        return ""
    if not members:
        parts[0] = _("was %(rest)s") % {"rest": parts[0]}
    return _("The %(name)s %(rest)s.") % {"name": name, "rest": ", ".join(parts)}


@register.filter
def index(sequence, position):
    """`sequence[position]`, or None past its end."""
    try:
        return sequence[position]
    except (IndexError, TypeError, KeyError):
        return None


@register.filter
def abbreviations(text):
    """The text, HTML-escaped, with the field's abbreviations expanded in <abbr title>."""
    return thesaurus.mark_abbreviations(text)


@register.filter
def highlight(text, query):
    """The text, HTML-escaped, with the words searched for in <mark> (unchanged without one)."""
    return search.highlight(text, query) if query else text


@register.filter
def local_name(body):
    """An organisation's or institution's name in the page's language: its official name
    there when a source gives it (`names`), otherwise the English name marked lang="en"."""
    if body is None:
        return ""
    name, language = body.official_name(i18n.active_language())
    if language == i18n.active_language():
        return name
    return format_html('<span lang="{}">{}</span>', language, name)


def shown_language(record, field, language=None):
    """The language a page in `language` (the active one) shows `record.field` in: its own
    when the record has that translation, otherwise English (modeltranslation's fallback)."""
    language = language or i18n.active_language()
    if language != settings.LANGUAGE_CODE and getattr(record, f"{field}_{language}", None):
        return language
    return settings.LANGUAGE_CODE


def _groups(items):
    """(record, [field names]) for `record "field" "field" record …` tag arguments."""
    groups = []
    for item in items:
        if isinstance(item, str) and groups:
            groups[-1][1].append(item)
        elif not isinstance(item, str):
            groups.append((item, []))
    return groups


@register.simple_tag
def shown_in_english(*items):
    """The label "(shown in English)" on a page in another language, for a heading or a
    text that has no version in it; nothing on an English page.

    Without arguments: always (a text kept in English only). With a record and the names of
    its translated fields (`{% shown_in_english theme "name" "description" %}`): when any of
    them has no translation in the page's language. With bodies (organisation, institution):
    unless one has a sourced official name in the page's language."""
    language = i18n.active_language()
    if language == settings.LANGUAGE_CODE:
        return ""
    label = format_html('<p class="fallback-note">({})</p>', _("shown in English"))
    groups = _groups(items)
    if not groups:
        return label
    fields = [(record, names) for record, names in groups if names]
    if fields:
        english = any(
            shown_language(record, name, language) != language
            for record, names in fields
            if record is not None
            for name in names
        )
        return label if english else ""
    for item, _names in groups:
        if hasattr(item, "official_name") and item.official_name(language)[1] == language:
            return ""
    return label


@register.simple_tag
def lang_attr(record=None, field=None):
    """` lang="en"` for an element holding catalogue text shown in English on a page in
    another language, so it is read with the right voice; nothing on an English page, nor for
    a translated field (`{% lang_attr commitment "title" %}`) the page's language has."""
    if i18n.active_language() == settings.LANGUAGE_CODE:
        return ""
    if record is not None and field and shown_language(record, field) != settings.LANGUAGE_CODE:
        return ""
    return format_html(' lang="{}"', settings.LANGUAGE_CODE)


@register.simple_tag(takes_context=True)
def language_versions(context):
    """[(code, local name, address)] of this page in each language (same page, same query
    string), [] on a page without a language prefix."""
    request = context.get("request")
    return i18n.language_versions(request) if request is not None else []


@register.simple_tag(takes_context=True)
def unprefixed_url(context):
    """The absolute address of this page without a language prefix (x-default: it redirects
    to the visitor's language)."""
    request = context["request"]
    return request.build_absolute_uri(i18n.unprefixed_path(request))


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    return context["request"].build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def record_citation(context, commitment, version=None, version_url=None):
    """The record's `catalog.citations.Citation` (use with `as`), the official text's file
    address included when the page knows it (`citation_pdf_url`)."""
    citation = citations.citation_for(
        commitment,
        request=context["request"],
        version=version,
        version_url=version_url,
        # A page showing a stored version names that version's official address.
        official_url=context.get("citation_official_url"),
    )
    pdf_url = context.get("citation_pdf_path")
    if pdf_url:
        citation.pdf_url = context["request"].build_absolute_uri(pdf_url)
    return citation


@register.filter
def cite(citation, style):
    """The citation written in one of `catalog.citations.FORMATS` (text, bibtex, ris, csl-json)."""
    return citations.FORMATS[style](citation)


@register.simple_tag
def citation_meta(citation):
    """The `citation_*` meta tags of a citation (Zotero, Google Scholar)."""
    return format_html_join("\n  ", '<meta name="{}" content="{}">', citations.meta_tags(citation))


@register.simple_tag(takes_context=True)
def citation_text(context, commitment, version=None, version_url=None):
    """A plain-text citation of the record (see `catalog.citations.text`)."""
    return citations.text(record_citation(context, commitment, version, version_url))


@register.simple_tag(takes_context=True)
def citation_bibtex(context, commitment, version=None, version_url=None):
    """A BibTeX @misc entry for the record (see `catalog.citations.bibtex`)."""
    return citations.bibtex(record_citation(context, commitment, version, version_url))


@register.simple_tag
def json_ld(data):
    """`data` as a schema.org JSON-LD script element; "</script>" inside values stays inert."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_SCRIPT_ESCAPES)),
    )


# How each relation kind reads in schema.org's Legislation vocabulary (from the European
# Legislation Identifier ontology): a superseding text changes its target, an implementing one
# applies it, building on is being based on; the others are citations.
LEGISLATION_RELATIONS = {
    "supersedes": "legislationChanges",
    "implements": "legislationApplies",
    "builds_on": "isBasedOn",
    "reaffirms": "citation",
    "endorses": "citation",
    "references": "citation",
}


@register.simple_tag(takes_context=True)
def commitment_json_ld(context, commitment):
    """The record as a schema.org `Legislation`, with its public relations as typed links."""
    request = context["request"]
    organisation = commitment.organisation
    publisher = {"@type": "Organization", "name": organisation.name}
    if organisation.website:
        publisher["url"] = organisation.website
    author = dict(publisher)
    if commitment.adopting_body:
        author = {
            "@type": "Organization",
            "name": commitment.adopting_body.name,
            "url": request.build_absolute_uri(commitment.adopting_body.get_absolute_url()),
            "parentOrganization": publisher,
        }
    adopted = commitment.adopted_on.isoformat() if commitment.adopted_on else str(commitment.year)
    data = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "name": commitment.title,
        "url": request.build_absolute_uri(commitment.get_absolute_url()),
        "legislationType": commitment.get_kind_display(),
        "legislationDate": adopted,
        "legislationPassedBy": author,
        "genre": commitment.get_kind_display(),
        "abstract": commitment.summary,
        "author": author,
        "publisher": publisher,
        "dateCreated": adopted,
        "inLanguage": "en",
        "about": [
            {
                "@type": "DefinedTerm",
                "name": theme.name,
                "url": request.build_absolute_uri(theme.get_absolute_url()),
            }
            for theme in commitment.themes.all()
        ],
        "sameAs": [source.url for source in commitment.sources.all() if source.kind == "official"],
    }
    if commitment.short_title:
        data["alternateName"] = commitment.short_title
    if commitment.symbol:
        data["identifier"] = commitment.symbol
        data["legislationIdentifier"] = commitment.symbol
    if commitment.place:
        data["locationCreated"] = {"@type": "Place", "name": commitment.place}
    if commitment.last_reviewed_on:
        data["dateModified"] = commitment.last_reviewed_on.isoformat()
    for relation in getattr(commitment, "public_outgoing", []):
        target = relation.target
        linked = {
            "@type": "Legislation",
            "name": target.title,
            "url": request.build_absolute_uri(target.get_absolute_url()),
        }
        if target.symbol:
            linked["legislationIdentifier"] = target.symbol
        data.setdefault(LEGISLATION_RELATIONS[relation.kind], []).append(linked)
    return json_ld(data)


@register.filter
def result_count(count, capped=False):
    """A number of results with thousands separators; "1,000+" when search capped it."""
    from django.contrib.humanize.templatetags.humanize import intcomma

    from ..search import CANDIDATE_LIMIT

    return f"{intcomma(CANDIDATE_LIMIT)}+" if capped else intcomma(count or 0)
