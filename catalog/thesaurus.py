"""The field's terms and abbreviations: the shipped ones (`catalog/data/thesaurus.toml`, read
once) and those publishers add in the admin (`ThesaurusTerm`, written through
`catalog.editorial.reference` like other reference data).

Search expands a query with every form of the terms it holds (`catalog.search`); pages expand
abbreviations with their meaning (the `abbreviations` template filter). The merged terms are
read again from the database once per catalogue version: a change in the admin moves the
version on (it is public data), so it shows on the next request, in every worker.
"""

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

PATH = Path(__file__).resolve().parent / "data" / "thesaurus.toml"


@dataclass(frozen=True)
class Term:
    meaning: str
    abbreviations: tuple = ()
    variants: tuple = ()

    @property
    def forms(self):
        """Every way of writing the term: meaning, abbreviations, variants."""
        return (self.meaning, *self.abbreviations, *self.variants)


class ThesaurusError(ValueError):
    pass


def parse(text):
    """The terms of a thesaurus file's text; a ThesaurusError names the first faulty entry."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ThesaurusError(f"the thesaurus is not valid TOML: {error}") from error
    terms = []
    for position, entry in enumerate(data.get("term", []), start=1):
        unknown = set(entry) - {"meaning", "abbreviations", "variants"}
        meaning = entry.get("meaning")
        if not isinstance(meaning, str) or not meaning.strip():
            raise ThesaurusError(f"term {position} has no meaning")
        if unknown:
            raise ThesaurusError(f"term {position} ({meaning}) has unknown keys: {sorted(unknown)}")
        lists = [entry.get(key, []) for key in ("abbreviations", "variants")]
        if not all(isinstance(forms, list) and all(map(_is_text, forms)) for forms in lists):
            raise ThesaurusError(f"term {position} ({meaning}): forms must be lists of text")
        terms.append(Term(meaning.strip(), *(tuple(f.strip() for f in forms) for forms in lists)))
    return tuple(terms)


def _is_text(value):
    return isinstance(value, str) and bool(value.strip())


def form_key(form):
    """What two writings of a form share, compared as search compares them (the keys of its
    words, `catalog.search`): "Cyber-Security" and "cyber security", "CBMs" and "CBM"."""
    from .search import _words, word_key

    return tuple(map(word_key, _words(form)))


@functools.cache
def shipped_terms():
    """The terms of `catalog/data/thesaurus.toml`."""
    return parse(PATH.read_text(encoding="utf-8"))


def merge(shipped, added):
    """`shipped` with `added` after it; an added term with a shipped term's meaning adds its
    forms to that term instead."""
    merged = {form_key(term.meaning): term for term in shipped}
    for term in added:
        key = form_key(term.meaning)
        if key in merged:
            base = merged[key]
            merged[key] = Term(
                base.meaning,
                tuple(dict.fromkeys(base.abbreviations + term.abbreviations)),
                tuple(dict.fromkeys(base.variants + term.variants)),
            )
        else:
            merged[key] = term
    return tuple(merged.values())


_loaded = (None, ())  # (catalogue version, merged terms) of this process


def terms():
    """Every term: shipped and added, for the current catalogue version (one query of the
    small `ThesaurusTerm` table when the version has moved on)."""
    global _loaded
    from .caching import catalogue_version
    from .models import ThesaurusTerm

    version = catalogue_version()
    if _loaded[0] != version:
        added = tuple(term.as_term() for term in ThesaurusTerm.objects.order_by("meaning"))
        _loaded = (version, merge(shipped_terms(), added))
    return _loaded[1]


def abbreviations():
    """{abbreviation: meaning}, e.g. {"CBM": "confidence-building measures"}."""
    return _abbreviations(terms())


@functools.lru_cache(maxsize=4)
def _abbreviations(terms):
    return {abbreviation: term.meaning for term in terms for abbreviation in term.abbreviations}


@functools.lru_cache(maxsize=4)
def _pattern(terms):
    names = sorted(_abbreviations(terms), key=len, reverse=True)
    if not names:
        return None
    # Whole abbreviations only: not inside a word, a symbol ("MC.DEC") or "P/CVERLT".
    return re.compile(r"(?<![\w./-])(" + "|".join(map(re.escape, names)) + r")(?![\w/-])")


def mark_abbreviations(text):
    """`text` HTML-escaped, each abbreviation of the thesaurus in <abbr title="its meaning">
    ("UN GCTS" → <abbr title="United Nations Global Counter-Terrorism Strategy">UN GCTS</abbr>)."""
    text = str(text or "")
    if not text:
        return escape(text)
    current = terms()
    pattern = _pattern(current)
    if pattern is None:
        return escape(text)
    parts, position = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[position : match.start()]))
        name = match.group(1)
        parts.append(format_html('<abbr title="{}">{}</abbr>', _abbreviations(current)[name], name))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))
