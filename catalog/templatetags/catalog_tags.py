"""Template tags of the public site: navigation state, citations and structured data."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

# Characters that could close the <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
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


@register.simple_tag(takes_context=True)
def current(context, *url_names):
    """` aria-current="page"` when the page's route is one of `url_names`."""
    match = getattr(context.get("request"), "resolver_match", None)
    if match and match.url_name in url_names:
        return mark_safe(' aria-current="page"')
    return ""


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    return context["request"].build_absolute_uri(path)


def _author(commitment):
    body = commitment.adopting_body
    if body is None:
        return commitment.organisation.name
    acronym = commitment.organisation.acronym
    return body.name if body.name.startswith(acronym) else f"{acronym} {body.name}"


def _adopted(commitment):
    if commitment.adopted_on:
        return date_format(commitment.adopted_on, "j F Y")
    return str(commitment.year)


@register.simple_tag(takes_context=True)
def citation_text(context, commitment):
    """A plain-text citation of the record, naming its page and last-reviewed date."""
    parts = [f"{_author(commitment)}."]
    title = commitment.title
    if commitment.symbol:
        title = f"{title} ({commitment.symbol})"
    parts.append(f"{title}.")
    where = ", ".join(p for p in (commitment.place, _adopted(commitment)) if p)
    parts.append(f"{where}.")
    url = context["request"].build_absolute_uri(commitment.get_absolute_url())
    if commitment.last_reviewed_on:
        parts.append(
            _("OSCE Portal record, last reviewed %(date)s: %(url)s")
            % {"date": date_format(commitment.last_reviewed_on, "j F Y"), "url": url}
        )
    else:
        parts.append(_("OSCE Portal record: %(url)s") % {"url": url})
    return " ".join(parts)


def _bibtex(value):
    return str(value).translate(_BIBTEX_ESCAPES)


@register.simple_tag(takes_context=True)
def citation_bibtex(context, commitment):
    """A BibTeX @misc entry for the record."""
    fields = [
        ("author", "{" + _bibtex(_author(commitment)) + "}"),
        ("title", _bibtex(commitment.title)),
        ("year", commitment.year),
    ]
    if commitment.symbol:
        fields.append(("number", _bibtex(commitment.symbol)))
    if commitment.adopted_on:
        fields.append(("date", commitment.adopted_on.isoformat()))
    if commitment.place:
        fields.append(("address", _bibtex(commitment.place)))
    fields.append(("howpublished", "OSCE Portal"))
    fields.append(("url", context["request"].build_absolute_uri(commitment.get_absolute_url())))
    if commitment.last_reviewed_on:
        fields.append(("note", f"Last reviewed {commitment.last_reviewed_on.isoformat()}"))
    body = ",\n".join(f"  {name:<12} = {{{value}}}" for name, value in fields)
    return f"@misc{{{commitment.slug},\n{body}\n}}"


@register.simple_tag
def json_ld(data):
    """`data` as a schema.org JSON-LD script element; "</script>" inside values stays inert."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_SCRIPT_ESCAPES)),
    )


@register.simple_tag(takes_context=True)
def commitment_json_ld(context, commitment):
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
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": commitment.title,
        "url": request.build_absolute_uri(commitment.get_absolute_url()),
        "genre": commitment.get_kind_display(),
        "abstract": commitment.summary,
        "author": author,
        "publisher": publisher,
        "dateCreated": (
            commitment.adopted_on.isoformat() if commitment.adopted_on else str(commitment.year)
        ),
        "inLanguage": "en",
        "about": [
            {
                "@type": "DefinedTerm",
                "name": theme.name,
                "url": request.build_absolute_uri(theme.get_absolute_url()),
            }
            for theme in commitment.themes.all()
        ],
        "sameAs": [source.url for source in commitment.sources.all() if source.is_official],
    }
    if commitment.short_title:
        data["alternateName"] = commitment.short_title
    if commitment.symbol:
        data["identifier"] = commitment.symbol
    if commitment.place:
        data["locationCreated"] = {"@type": "Place", "name": commitment.place}
    if commitment.last_reviewed_on:
        data["dateModified"] = commitment.last_reviewed_on.isoformat()
    return json_ld(data)


@register.filter
def result_count(count, capped=False):
    """A number of results with thousands separators; "1,000+" when search capped it."""
    from django.contrib.humanize.templatetags.humanize import intcomma

    from ..search import CANDIDATE_LIMIT

    return f"{intcomma(CANDIDATE_LIMIT)}+" if capped else intcomma(count or 0)
