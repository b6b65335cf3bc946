"""The field's terms and abbreviations (`catalog/data/thesaurus.toml`), read once.

Search expands a query with every form of the terms it holds (`catalog.search`); pages expand
abbreviations with their meaning (the `abbr` template filter and the glossary).
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


@functools.cache
def terms():
    return parse(PATH.read_text(encoding="utf-8"))


@functools.cache
def abbreviations():
    """{abbreviation: meaning}, e.g. {"CBM": "confidence-building measures"}."""
    return {abbreviation: term.meaning for term in terms() for abbreviation in term.abbreviations}


@functools.cache
def _abbreviation_pattern():
    names = sorted(abbreviations(), key=len, reverse=True)
    if not names:
        return None
    # Whole abbreviations only: not inside a word, a symbol ("MC.DEC") or "P/CVERLT".
    return re.compile(r"(?<![\w./-])(" + "|".join(map(re.escape, names)) + r")(?![\w/-])")


def mark_abbreviations(text):
    """`text` HTML-escaped, each abbreviation of the thesaurus in <abbr title="its meaning">
    ("UN GCTS" → <abbr title="United Nations Global Counter-Terrorism Strategy">UN GCTS</abbr>)."""
    pattern = _abbreviation_pattern()
    text = str(text or "")
    if pattern is None:
        return escape(text)
    parts, position = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[position : match.start()]))
        name = match.group(1)
        parts.append(format_html('<abbr title="{}">{}</abbr>', abbreviations()[name], name))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))
