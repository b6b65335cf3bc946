"""Ranked full-text and symbol search over the catalogue: the one implementation.

The site search page, the catalogue's text filter and the API's `search` parameter all call
`search_commitments()`. Each commitment has a `SearchDocument` row (symbol and number keys, the
words for typo matching) kept current by `refresh()`, which `catalog.changes` calls for exactly
the commitments a write changed (a commitment, its themes, its categories, a linked name).

Words are matched in the page's language (the active one) and in English; symbols in any.

PostgreSQL: weighted tsvectors (A symbol and title, B number and quotation, C summary, D body,
themes, categories and keywords), one per language with a GIN index each, under that
language's configuration with `unaccent` plus an unstemmed `simple` part for symbols and
acronyms; prefix matching of the last word, `ts_rank_cd` ranking, `ts_headline` snippets.

SQLite: FTS5 tables (rowid = commitment id), the English `catalog_search_fts` and one per
other language (English columns and the language's), with bm25 ranking and `snippet()`; when
the SQLite library lacks FTS5, a substring search.

On both, a query whose words match nothing is run again with the known words spelt alike,
found in the table of distinct indexed words (`SearchWord`), never in the documents.

On both, a query that looks like a symbol or a number ("mc dec 7/06", "1039") is compared with
the normalised symbol and number keys, and those matches rank above any text match.

On both, the cost is bounded: at most CANDIDATE_LIMIT + 1 candidates (the symbol matches, then
the newest text matches) are read and ranked, so the most common word costs about what a rare
one does; beyond the limit the count is shown as "1,000+".
"""

import difflib
import functools
import json
import re
from dataclasses import dataclass

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.core.cache import cache
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import (
    Case,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, NullIf
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from . import caching, extensions, thesaurus
from .expressions import InIds, Mapped
from .models import (
    ActivityCategory,
    Commitment,
    Institution,
    SearchDocument,
    SearchWord,
    Theme,
    normalise_symbol,
)

# The languages search knows, each with its PostgreSQL text-search configuration (migration
# 0024: the built-in configuration with `unaccent` before the stemmer). A query is matched in
# the page's language and in English; any other language is searched as English.
ENGLISH = "en"
LANGUAGE_CONFIGS = {
    "en": "osce_english",
    "fr": "osce_french",
    "de": "osce_german",
    "it": "osce_italian",
    "ru": "osce_russian",
    "es": "osce_spanish",
}
SIMPLE_CONFIG = "osce_simple"
TRANSLATED = tuple(code for code in LANGUAGE_CONFIGS if code != ENGLISH)

# SQLite: one FTS5 table per language (migration 0026). The English one has the columns
# symbol, title, number, quotation, summary and context (body, themes, categories, keywords);
# each other language's has those and the language's title, summary (with the quotation) and
# context, so a query in that language matches either. Separate tables, because bm25 measures
# a row by all its columns: translations beside the English columns would change English
# ranking. The bm25 weights follow the columns' order.
FTS_TABLE = "catalog_search_fts"
ENGLISH_COLUMNS = ("symbol", "title", "number", "quotation", "summary", "context")
LANGUAGE_COLUMNS = {
    code: (f"title_{code}", f"summary_{code}", f"context_{code}") for code in TRANSLATED
}
FTS_SUMMARY_COLUMN = ENGLISH_COLUMNS.index("summary")


def fts_table(language):
    """The FTS5 table a query in `language` is matched in."""
    return FTS_TABLE if language == ENGLISH else f"{FTS_TABLE}_{language}"


def fts_tables():
    return [fts_table(code) for code in LANGUAGE_CONFIGS]


def fts_columns(language):
    return ENGLISH_COLUMNS + LANGUAGE_COLUMNS.get(language, ())


def fts_weights(language):
    return ", ".join(
        ["10.0, 10.0, 5.0, 5.0, 2.0, 1.0", *(["10.0, 2.0, 1.0"] if language != ENGLISH else [])]
    )


MAX_QUERY_CHARS = 300
MAX_TOKENS = 10
MAX_TOKEN_CHARS = 40
# pg_trgm word similarity above which a word counts as a typo of a title or keyword word
# ("confidance" ~ "confidence" is 0.57; the extension's default of 0.6 misses it).
WORD_SIMILARITY_THRESHOLD = 0.5
BATCH_SIZE = 500
# Search ranks at most this many candidates (plus one, to know there are more): beyond it the
# count is shown as "1,000+" and the candidates are the newest matches.
CANDIDATE_LIMIT = 1000

# Words shorter than this are not matched for typos (nor stored in the words table): "ICT" is
# one letter from too many other words.
WORD_MIN_CHARS = 4
# Words spelt alike a typo is searched with, at most (the most similar first).
SIMILAR_WORDS = 5

# Marks put around matches by the database, turned into <mark> after HTML-escaping the rest.
START, STOP = "\x02", "\x03"

STOPWORDS = frozenset(
    "a an and are as at be by for from in into is it its of on or that the their this to was "
    "were which with".split()
)
TOKEN_RE = re.compile(r"[^\W_]+")
NUMBER_RE = re.compile(r"\d+(?:/\d+)*")


# --------------------------------------------------------------------------------------
# Query parsing: user text never reaches a query language, only these sanitised tokens
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    tokens: tuple  # lower-case words and numbers (letters and digits only), stopwords dropped
    symbol_key: str  # letters and digits of a symbol-like query, upper case; "" otherwise
    number_key: str  # the last number in the query ("7/06", "1039"); "" when none

    def __bool__(self):
        return bool(self.tokens or self.symbol_key)


def parse(query):
    text = " ".join((query or "")[:MAX_QUERY_CHARS].split())
    words = [word[:MAX_TOKEN_CHARS] for word in TOKEN_RE.findall(text.lower())]
    content = [word for word in words if word not in STOPWORDS] or words
    tokens = tuple(dict.fromkeys(content))[:MAX_TOKENS]
    symbol_key = number_key = ""
    if any(char.isdigit() for char in text):
        compact = symbol_key_of(text)
        if 2 <= len(compact) <= 64:
            symbol_key = compact
        numbers = NUMBER_RE.findall(text)
        if numbers:
            number_key = numbers[-1][:64]
    return ParsedQuery(text, tokens, symbol_key, number_key)


def search_language(language=None):
    """The language a search is matched in (besides English): `language`, or the active one
    (the page's, or the API's negotiated language), reduced to one search knows."""
    code = (language or translation.get_language() or ENGLISH).split("-")[0].lower()
    return code if code in LANGUAGE_CONFIGS else ENGLISH


def symbol_key_of(value):
    """ "MC.DEC/7/06", "mc dec 7/06" and "MC.DEC 7/06" all become "MCDEC706"."""
    return re.sub(r"[^0-9A-Z]", "", normalise_symbol(value))


def number_key_of(commitment):
    for value in (commitment.number, commitment.symbol):
        numbers = NUMBER_RE.findall(value or "")
        if numbers:
            return numbers[0] if value is commitment.number else numbers[-1]
    return ""


def _variants(token):
    """British and American spellings of a word: "radicalisation" also finds "radicalization"."""
    variants = [token]
    for british, american in (("isation", "ization"), ("ise", "ize"), ("ising", "izing")):
        if british in token:
            variants.append(token.replace(british, american))
        elif american in token:
            variants.append(token.replace(american, british))
    return list(dict.fromkeys(variants))


def _prefix_allowed(token):
    return len(token) >= 3 or token.isdigit()


# --------------------------------------------------------------------------------------
# The thesaurus: a query holding any form of a term also finds the term's other forms
# --------------------------------------------------------------------------------------


def _words(text):
    """The words of `text` as a query has them: lower case, stopwords dropped."""
    words = TOKEN_RE.findall(text.lower())
    return tuple(word for word in words if word not in STOPWORDS) or tuple(words)


def word_key(word):
    """What two spellings of a word share: "Radicalisations" and "radicalization" give
    "radicalization" (American spelling, no plural s)."""
    word = word.lower()
    for british, american in (("isation", "ization"), ("ising", "izing"), ("ise", "ize")):
        word = word.replace(british, american)
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def _thesaurus_index():
    """{key of a form's first word: [(keys of the form's words, the term's forms as word
    tuples)]}, longest forms first so that "UN GCTS" wins over "UN"."""
    return _index_of(thesaurus.terms())


@functools.lru_cache(maxsize=4)
def _index_of(terms):
    index = {}
    for term in terms:
        # One form per spelling: "CBMs" adds nothing to "CBM" (the databases stem plurals).
        by_keys = {}
        for words in map(_words, term.forms):
            if words:
                by_keys.setdefault(tuple(map(word_key, words)), words)
        forms = tuple(by_keys.values())
        for keys in by_keys:
            index.setdefault(keys[0], []).append((keys, forms))
    for entries in index.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return index


def expand(tokens):
    """The parts of a query, each a tuple of alternatives (tuples of words that must all
    match), and whether the part is a lone word the reader may still be typing.

    ("cbm", "ukraine") gives [((("cbm",), ("cbms",), ("confidence", "building", "measures"),
    …), False), ((("ukraine",),), True)].
    """
    index = _thesaurus_index()
    keys = [word_key(token) for token in tokens]
    parts, position = [], 0
    while position < len(tokens):
        for form_keys, forms in index.get(keys[position], ()):
            if tuple(keys[position : position + len(form_keys)]) == form_keys:
                parts.append((forms, False))
                position += len(form_keys)
                break
        else:
            parts.append((((tokens[position],),), True))
            position += 1
    return parts


def _query_text(tokens, *, word, all_of, any_of, similar=None):
    """A query in a database's syntax, built only from letters and digits: every part of
    the expanded query must match; a part matches when one of its alternatives does; an
    alternative when each of its words (in either spelling, or a known word spelt alike:
    `similar`, {token: words}) does. `word(text, is_prefix)` writes one word."""
    similar = similar or {}

    def joined(items, operator):
        return items[0] if len(items) == 1 else f"({f' {operator} '.join(items)})"

    parts = expand(tokens)
    groups = []
    for position, (alternatives, typing) in enumerate(parts):
        last = position == len(parts) - 1
        written = []
        for words in alternatives:
            written.append(
                joined(
                    [
                        joined(
                            [
                                *(
                                    word(variant, last and typing and _prefix_allowed(token))
                                    for variant in _variants(token)
                                ),
                                *(word(alike, False) for alike in similar.get(token, ())),
                            ],
                            any_of,
                        )
                        for token in words
                    ],
                    all_of,
                )
            )
        groups.append(joined(written, any_of))
    return f" {all_of} ".join(groups)


def _tsquery_text(tokens, similar=None):
    """to_tsquery syntax: "a & (b | c) & (d | (e & f)) & g:*"."""
    return _query_text(
        tokens,
        word=lambda text, prefix: f"{text}:*" if prefix else text,
        all_of="&",
        any_of="|",
        similar=similar,
    )


def _fts_match_text(tokens, similar=None):
    """FTS5 MATCH syntax: '"a" AND ("b" OR "c") AND "d"*'.

    The ANDs are explicit: FTS5 accepts implicit AND between phrases but not before a
    parenthesised group.
    """
    return _query_text(
        tokens,
        word=lambda text, prefix: f'"{text}"*' if prefix else f'"{text}"',
        all_of="AND",
        any_of="OR",
        similar=similar,
    )


# --------------------------------------------------------------------------------------
# Searching
# --------------------------------------------------------------------------------------


def search_commitments(queryset, query, cache_parts=None, language=None):
    """The commitments of `queryset` that match `query`, most relevant first.

    `queryset` decides visibility (pass `published()` or `for_listing()`, already narrowed by
    any other filter); search only narrows it further. Each result carries `symbol_rank` and
    `text_rank` annotations.

    The cost does not grow with the number of matches: at most `CANDIDATE_LIMIT + 1`
    candidates are read (every symbol match, then the newest text matches, each through an
    index), and only they are ranked. When there are more, the result holds
    `CANDIDATE_LIMIT + 1` records and `is_capped(count)` says its count means "1,000+".

    The words are matched in `language` (by default the active one: the page's, the API's
    negotiated one) and in English; symbols in any language.

    With `cache_parts` (what, besides visibility, narrowed `queryset`: the other filters),
    the candidates and their scores are cached under the catalogue version and the language
    like the facet counts computed from them, so a repeated search costs one query (its page
    of rows).
    """
    parsed = parse(query)
    if not parsed:
        return queryset.none() if (query or "").strip() else queryset
    found = ranking(queryset, query, cache_parts=cache_parts, language=language)
    if found is None:
        symbol_rank, symbol_match = _symbol_rank(parsed)
        return _search_substring(
            queryset, parsed, symbol_match, symbol_rank or Value(0, IntegerField())
        )
    return ranked(queryset, found)


def ranking(queryset, query, cache_parts=None, language=None):
    """The ranking of `search_commitments` (the candidates of `queryset` in relevance order,
    {pk: symbol rank}, {pk: text score}), for `ranked()` to apply to `queryset` or to a
    narrower queryset; None when the query has nothing to search for or this database cannot
    rank it (SQLite without FTS5)."""
    parsed = parse(query)
    language = search_language(language)
    if not parsed:
        return None
    symbol_rank, symbol_match = _symbol_rank(parsed)
    if parsed.tokens and connection.vendor != "postgresql" and not fts5_available():
        return None

    def candidates():
        symbols = {}
        if symbol_rank is not None:
            symbols = dict(
                queryset.filter(symbol_match)
                .annotate(found_symbol_rank=symbol_rank)
                .order_by("-found_symbol_rank", *NEWEST)
                .values_list("pk", "found_symbol_rank")[: CANDIDATE_LIMIT + 1]
            )
        if not parsed.tokens:
            return symbols, {}
        if connection.vendor == "postgresql":
            scores = _text_scores_postgresql(queryset, parsed, language)
        else:
            scores = _text_scores_fts5(queryset, parsed, language)
        # Records found elsewhere (the paragraphs of their official texts) follow the records
        # whose own words match: each part gives them scores below any of those.
        for part in extensions.search_parts:
            for pk, score in part(queryset, parsed).items():
                scores.setdefault(pk, score)
        return symbols, scores

    def compute():
        return _ranking(*candidates())

    if cache_parts is None:
        return compute()
    return caching.cached("search-ranking", (language, cache_parts, parsed), compute)


def narrowed(ranking, ids):
    """`ranking` (see `ranking()`) kept to the candidates in `ids`, in the same order."""
    ordered, symbol_ranks, text_ranks = ranking
    ids = set(ids)
    kept = [pk for pk in ordered if pk in ids]
    return kept, {pk: symbol_ranks[pk] for pk in kept}, {pk: text_ranks[pk] for pk in kept}


def is_capped_ranking(ranking):
    """Whether `ranking` holds more than CANDIDATE_LIMIT candidates (there may be more
    matches than it has)."""
    return len(ranking[0]) > CANDIDATE_LIMIT


# The order in which candidates are taken when there are more than CANDIDATE_LIMIT matches:
# the catalogue's own order, which an index serves.
NEWEST = ("-year", "-adopted_on", "title_en")


def is_capped(count):
    """Whether a search result's count stands for "more than CANDIDATE_LIMIT"."""
    return count is not None and count > CANDIDATE_LIMIT


def candidates_of(queryset):
    """The candidate ids of a search result (a queryset `search_commitments` ranked), or None
    for any other queryset. Every candidate was drawn from the queryset the search was given,
    so they already satisfy its filters."""
    positions = _positions(queryset)
    return None if positions is None else list(positions)


def _positions(queryset):
    """{id: position in relevance order} of the candidates of a search result (`ranked`);
    None for any other queryset."""
    position = queryset.query.annotations.get("search_position")
    return position.mapping if isinstance(position, Mapped) else None


def _in_relevance_order(queryset):
    return tuple(queryset.query.order_by) == ("search_position",)


def _newest_ids(queryset):
    return list(queryset.order_by(*NEWEST).values_list("pk", flat=True)[: CANDIDATE_LIMIT + 1])


def _ranking(symbols, scores):
    """(candidates in relevance order, {pk: symbol rank}, {pk: text score}): symbol rank,
    then text score, then newest first (the order the candidates came in)."""
    candidates = list(dict.fromkeys([*symbols, *scores]))[: CANDIDATE_LIMIT + 1]
    newest = {pk: position for position, pk in enumerate(candidates)}
    ordered = sorted(
        candidates,
        key=lambda pk: (-symbols.get(pk, 0), -(scores.get(pk) or 0.0), newest[pk]),
    )
    return (
        ordered,
        {pk: symbols.get(pk, 0) for pk in ordered},
        {pk: scores.get(pk) or 0.0 for pk in ordered},
    )


def ranked(queryset, ranking):
    """`queryset` narrowed to the candidates of `ranking` (`_ranking`), in its order."""
    ordered, symbol_ranks, text_ranks = ranking
    return (
        among(queryset, ordered)
        .annotate(
            search_position=Mapped(F("pk"), {pk: i for i, pk in enumerate(ordered)}),
            symbol_rank=Mapped(F("pk"), symbol_ranks),
            text_rank=Mapped(F("pk"), text_ranks),
        )
        .order_by("search_position")
    )


def among(queryset, ids):
    """`queryset` narrowed to the primary keys `ids`."""
    return queryset.filter(InIds(F("pk"), ids))


def page_of(queryset, start, stop):
    """`queryset[start:stop]`, reading only those rows when `queryset` is a search result in
    relevance order.

    A search result holds up to CANDIDATE_LIMIT + 1 candidates whose order is already known
    here; slicing it in SQL would fetch and sort every candidate's row to return twenty. The
    page's candidates are the records at those positions, so narrowing to them gives the
    same rows in the same order.
    """
    positions = _positions(queryset)
    if positions is None or not _in_relevance_order(queryset):
        return queryset[start:stop]
    ids = [pk for pk, at in positions.items() if start <= at < stop]
    page = among(queryset, ids)
    # The candidates' filter (a thousand ids) says nothing the page's twenty do not: without
    # it PostgreSQL looks the twenty up by primary key instead of reading every published
    # record to test each against the thousand (18 ms at 100,000 records).
    on_page = set(ids)
    page.query.where.children = [
        child
        for child in page.query.where.children
        if not (
            isinstance(candidates := getattr(child, "lhs", child), InIds)
            and len(candidates.ids) > len(ids)
            and on_page.issubset(candidates.ids)
        )
    ]
    # The page's rows need their own positions and ranks only: twenty entries each instead
    # of a thousand to send with the query.
    for name, annotation in page.query.annotations.items():
        if isinstance(annotation, Mapped):
            page.query.annotations[name] = annotation.narrowed(ids)
    return page


def page_ids(queryset):
    """The ids of the rows of `queryset`, in order, when it is a page of a search result in
    relevance order (`page_of`): known without a query. None for any other queryset."""
    positions = _positions(queryset)
    if positions is None or not _in_relevance_order(queryset):
        return None
    return sorted(positions, key=positions.__getitem__)


def _symbol_rank(parsed):
    """(rank, condition): rank 3 for the whole symbol, 2 for the number, 1 for part of a
    symbol, 0 otherwise; (None, an empty condition) for word queries."""
    conditions = []
    if parsed.symbol_key:
        conditions.append((Q(search_document__symbol_key=parsed.symbol_key), 3))
    if parsed.number_key:
        conditions.append((Q(search_document__number_key=parsed.number_key), 2))
    if len(parsed.symbol_key) >= 3:
        conditions.append((Q(search_document__symbol_key__contains=parsed.symbol_key), 1))
    if not conditions:
        return None, Q(pk__in=[])
    rank = Case(
        *(When(condition, then=Value(value)) for condition, value in conditions),
        default=Value(0),
        output_field=IntegerField(),
    )
    if connection.vendor == "sqlite":
        return rank, _symbol_match_sqlite(parsed)
    match = Q()
    for condition, _value in conditions:
        match |= condition
    return rank, match


def vector_field(language):
    """The search document's vector for `language` (its words and the English ones)."""
    return "vector" if language == ENGLISH else f"vector_{language}"


def _postgresql_query(tokens, language=ENGLISH, similar=None):
    """The query in the language's configuration, in English's and unstemmed (symbols,
    acronyms), each over the whole query: the vector of a language holds its English words
    under the language's configuration too, so a query mixing both matches there."""
    text = _tsquery_text(tokens, similar)
    query = SearchQuery(text, search_type="raw", config=LANGUAGE_CONFIGS[language])
    if language != ENGLISH:
        query |= SearchQuery(text, search_type="raw", config=LANGUAGE_CONFIGS[ENGLISH])
    return query | SearchQuery(text, search_type="raw", config=SIMPLE_CONFIG)


def text_matches(queryset, query, language=ENGLISH, similar=None):
    """PostgreSQL: the records of `queryset` whose vector for `language` matches the words of
    `query` (a string or a parsed query), unranked; search reads the newest
    CANDIDATE_LIMIT + 1."""
    parsed = parse(query) if isinstance(query, str) else query
    tsquery = _postgresql_query(parsed.tokens, language, similar)
    return queryset.filter(**{f"search_document__{vector_field(language)}": tsquery}).order_by(
        *NEWEST
    )


def _text_scores_postgresql(queryset, parsed, language=ENGLISH):
    """{pk: ts_rank_cd} of the newest CANDIDATE_LIMIT + 1 text matches (when the words match
    nothing, of the matches of the query with known words spelt alike)."""
    similar = None
    ids = _newest_ids(text_matches(queryset, parsed, language))
    if not ids:
        # Nothing matches the words as typed: look in the table of known words for words
        # spelt alike (a trigram index over distinct words, never the documents).
        similar = similar_words(parsed.tokens)
        if not similar:
            return {}
        ids = _newest_ids(text_matches(queryset, parsed, language, similar))
    # Ranked apart from the scan, so the score is computed for the candidates only.
    tsquery = _postgresql_query(parsed.tokens, language, similar)
    return dict(
        SearchDocument.objects.filter(InIds(F("commitment_id"), ids))
        .annotate(score=SearchRank(F(vector_field(language)), tsquery, cover_density=True))
        .values_list("commitment_id", "score")
    )


def similar_words(tokens):
    """{token: known words spelt alike} for the words of a query that may be typos: from the
    table of distinct indexed words (`SearchWord`), by pg_trgm word similarity through its
    trigram index on PostgreSQL, by difflib over the words of about the same length and the
    same first letter on SQLite. Tokens with no such word are left out."""
    tokens = [token for token in tokens if len(token) >= WORD_MIN_CHARS and not token.isdigit()]
    if not tokens:
        return {}
    found = {}
    if connection.vendor == "postgresql":
        queries = [
            SearchWord.objects.filter(TrigramWordSimilar(F("word"), Value(token)))
            .annotate(token=Value(token), similarity=TrigramWordSimilarity(Value(token), "word"))
            .order_by("-similarity", "word")
            .values_list("token", "word")[:SIMILAR_WORDS]
            for token in tokens
        ]
        rows = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
        for token, word in rows:
            found.setdefault(token, []).append(word)
        return {token: tuple(words) for token, words in found.items()}
    for token in tokens:
        # Typos rarely change the first letter: reading only the words starting with it (a
        # range of the unique index) keeps this to a small part of the vocabulary.
        first = token[0]
        words = SearchWord.objects.filter(
            word__gte=first, word__lt=chr(ord(first) + 1)
        ).values_list("word", flat=True)
        close = difflib.get_close_matches(
            token,
            [word for word in words if abs(len(word) - len(token)) <= 2],
            n=SIMILAR_WORDS,
            cutoff=SUGGEST_CUTOFF,
        )
        if close:
            found[token] = tuple(close)
    return found


def _text_scores_fts5(queryset, parsed, language=ENGLISH):
    """{pk: -bm25} of the newest CANDIDATE_LIMIT + 1 matches in `queryset` (when the words
    match nothing, of the matches of the query with known words spelt alike).

    FTS5 reads its matches newest-inserted first and scores only the rows it returns; each
    match is checked against `queryset` by a primary-key probe of the commitment (a
    correlated EXISTS), so the scan stops after CANDIDATE_LIMIT + 1 visible matches and the
    visible set is never built (an `IN (<queryset>)` made SQLite collect every published id,
    100,000 of them at scale, for each search, however rare the word).
    """
    scores = _fts5_scores(queryset, _fts_match_text(parsed.tokens), language)
    if scores:
        return scores
    similar = similar_words(parsed.tokens)
    if not similar:
        return {}
    return _fts5_scores(queryset, _fts_match_text(parsed.tokens, similar), language)


def _fts5_scores(queryset, match, language):
    table = fts_table(language)
    visible = (
        queryset.filter(pk=RawSQL(f"{table}.rowid", (), output_field=IntegerField()))
        .order_by()
        .values("pk")
    )
    base_sql, base_params = visible.query.sql_with_params()
    sql = (
        f"SELECT rowid, -bm25({table}, {fts_weights(language)}) FROM {table} "
        f"WHERE {table} MATCH %s AND EXISTS ({base_sql}) "
        f"ORDER BY rowid DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, *base_params, CANDIDATE_LIMIT + 1])
        return dict(cursor.fetchall())


def _symbol_match_sqlite(parsed):
    """SQLite: the condition of `_symbol_rank` as a list of ids read from the search documents
    alone: the whole symbol and the number through their indexes, part of a symbol by a scan
    of the symbol key index (narrow), never by joining every published commitment to its
    (wide) document as the ORM's join would."""
    table = SearchDocument._meta.db_table
    conditions, params = [], []
    if parsed.symbol_key:
        conditions.append("symbol_key = %s")
        params.append(parsed.symbol_key)
    if parsed.number_key:
        conditions.append("number_key = %s")
        params.append(parsed.number_key)
    if len(parsed.symbol_key) >= 3:
        # Only rowid and symbol_key are read, so SQLite scans the index, not the table.
        conditions.append(f"rowid IN (SELECT rowid FROM {table} WHERE instr(symbol_key, %s) > 0)")
        params.append(parsed.symbol_key)
    sql = f"SELECT commitment_id FROM {table} WHERE {' OR '.join(conditions)}"
    return Q(pk__in=RawSQL(sql, params))


SUBSTRING_FIELDS = (
    "title",
    "short_title",
    "symbol",
    "number",
    "summary",
    "key_quotation",
    "keywords",
    "adopting_body__name",
    "adopting_body__acronym",
)


def _search_substring(queryset, parsed, symbol_match, symbol_rank):
    every_word = Q()
    for token in parsed.tokens:
        any_field = Q()
        for variant in _variants(token):
            for field in SUBSTRING_FIELDS:
                any_field |= Q(**{f"{field}__icontains": variant})
        every_word &= any_field
    in_title = Q()
    for token in parsed.tokens:
        in_title &= Q(title__icontains=token)
    return (
        queryset.annotate(
            symbol_rank=symbol_rank,
            text_rank=Case(When(in_title, then=Value(1.0)), default=Value(0.0)),
        )
        .filter(every_word | symbol_match)
        .order_by("-symbol_rank", "-text_rank", *NEWEST)
    )


_fts5_cache = {}


@receiver(post_migrate, dispatch_uid="search_fts5_recheck")
def _forget_fts5(**kwargs):
    """A migrate run may have created the FTS5 table (or dropped it): look again."""
    _fts5_cache.clear()


def fts5_available():
    """Whether this SQLite has FTS5 and the index table exists (checked once per database)."""
    key = connection.settings_dict["NAME"]
    if key not in _fts5_cache:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
            _fts5_cache[key] = cursor.fetchone() is not None and sqlite_has_fts5(cursor)
    return _fts5_cache[key]


def sqlite_has_fts5(cursor):
    cursor.execute("PRAGMA compile_options")
    options = {row[0] for row in cursor.fetchall()}
    if "ENABLE_FTS5" in options:
        return True
    try:  # FTS5 may also be loaded as an extension
        cursor.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)")
        cursor.execute("DROP TABLE temp.fts5_probe")
    except Exception:
        return False
    return True


# --------------------------------------------------------------------------------------
# Snippets
# --------------------------------------------------------------------------------------


def _summary_in(language):
    """The summary column of `language` (django-modeltranslation's `summary_<language>`),
    falling back to the English one, as the page shows it."""
    column = f"summary_{language}"
    if language == ENGLISH or not any(f.name == column for f in Commitment._meta.fields):
        return F("summary")
    return Coalesce(NullIf(F(column), Value("")), F("summary"))


def snippets(commitments, query, language=None):
    """{commitment pk: safe HTML} — a passage of each summary (in `language`, the active one
    by default, where translated) with the matched words in <mark>.

    One query for the whole page of results; everything but the marks is HTML-escaped.
    """
    commitments = list(commitments)
    parsed = parse(query)
    language = search_language(language)
    if not commitments:
        return {}
    raw = {}
    ids = [commitment.pk for commitment in commitments]
    if parsed.tokens and connection.vendor == "postgresql":
        headline = SearchHeadline(
            _summary_in(language),
            _postgresql_query(parsed.tokens, language),
            config=LANGUAGE_CONFIGS[language],
            start_sel=START,
            stop_sel=STOP,
            max_words=35,
            min_words=15,
        )
        raw = dict(
            Commitment.objects.filter(pk__in=ids)
            .annotate(headline=headline)
            .values_list("pk", "headline")
        )
    elif parsed.tokens and connection.vendor == "sqlite" and fts5_available():
        # The rowid range bounds FTS5's walk of the matches to the page's span; the unary `+`
        # keeps SQLite from handing the list to FTS5 as rowid constraints, which would re-run
        # the MATCH once per listed row.
        # The passage of the translated summary when it has a match, else of the English one.
        table = fts_table(language)
        columns = [FTS_SUMMARY_COLUMN]
        if language != ENGLISH:
            columns.insert(0, fts_columns(language).index(f"summary_{language}"))
        passages = ", ".join(f"snippet({table}, {column}, %s, %s, '…', 30)" for column in columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, {passages} "
                f"FROM {table} WHERE {table} MATCH %s "
                f"AND rowid >= %s AND rowid <= %s "
                f"AND +rowid IN (SELECT value FROM json_each(%s))",
                [
                    *([START, STOP] * len(columns)),
                    _fts_match_text(parsed.tokens),
                    min(ids),
                    max(ids),
                    json.dumps(ids),
                ],
            )
            for pk, *texts in cursor.fetchall():
                raw[pk] = next((text for text in texts if text and START in text), texts[-1])
    result = {}
    for commitment in commitments:
        text = raw.get(commitment.pk)
        if text and START in text:
            result[commitment.pk] = _marked(text)
        else:
            result[commitment.pk] = _highlight(commitment.summary, parsed.tokens)
    return result


def _marked(text):
    return mark_safe(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))


def _highlight(text, tokens, words=40):
    """A passage highlighted in Python, when the database gave none."""
    return _mark_tokens(Truncator(text or "").words(words), tokens)


def _mark_tokens(text, tokens):
    """`text` HTML-escaped, with words starting with any of `tokens` in <mark>."""
    if not tokens:
        return escape(text)
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(token) for token in tokens) + r")\w*", re.IGNORECASE
    )
    return _marked(pattern.sub(lambda match: f"{START}{match.group(0)}{STOP}", text))


# --------------------------------------------------------------------------------------
# Vocabularies a search also looks in (the catalogue's 'also matching' panel)
# --------------------------------------------------------------------------------------


@dataclass
class Group:
    key: str
    results: list
    count: int
    capped: bool = False  # the count stands for "more than CANDIDATE_LIMIT"


VOCABULARIES = (
    ("institutions", Institution.objects.all(), ("name", "acronym", "description")),
    ("themes", Theme.objects.all(), ("name", "description")),
    ("categories", ActivityCategory.objects.all(), ("name", "scope_note")),
)


@dataclass(frozen=True)
class VocabularyTerm:
    """An institution, theme or category as the "also matching" panel needs it, in plain data:
    the panel's terms are kept per catalogue version and language, and kept records (with every
    language's columns) cost each search page more to unpickle than the rest of its matching."""

    slug: str
    label: str  # str(term) in the page's language
    url: str
    texts: tuple  # what a query's words are looked for in, upper-cased

    def get_absolute_url(self):
        return self.url

    def __str__(self):
        return self.label


def _vocabulary_term(term, fields, language=ENGLISH):
    """`term` with what its `fields` say (in English or in `language`, or its official name
    there), upper-cased for matching."""
    texts = [str(getattr(term, field) or "").upper() for field in fields]
    if language != ENGLISH:
        texts += [_in_language(term, field, language).upper() for field in fields]
        texts += [_official_name(term, language).upper(), _vocabulary_name(term, language).upper()]
    return VocabularyTerm(term.slug, str(term), term.get_absolute_url(), tuple(texts))


def _has_every_word(texts, tokens):
    """Whether each word of the query (or its other spelling) is part of one of `texts`,
    ignoring case."""
    return all(
        any(variant.upper() in text for variant in _variants(token) for text in texts)
        for token in tokens
    )


# --------------------------------------------------------------------------------------
# Keeping the index current
# --------------------------------------------------------------------------------------


def _spaced_symbol(symbol):
    return " ".join(re.findall(r"[0-9A-Za-z]+", symbol))


def _in_language(obj, field, language):
    """`obj`'s `field` in `language`: django-modeltranslation's `<field>_<language>` column
    when the model has one, else "" (the English text is indexed anyway)."""
    if obj is None:
        return ""
    return getattr(obj, f"{field}_{language}", None) or ""


def _official_name(body, language):
    """A body's name in `language`: its translated name or its sourced official name."""
    if body is None:
        return ""
    names = getattr(body, "names", None) or {}
    return " ".join(
        dict.fromkeys(
            name for name in (_in_language(body, "name", language), names.get(language)) if name
        )
    )


@functools.lru_cache(maxsize=1024)
def _interface_name(name, language):
    """A theme's or category's name as the interface translates it into `language`, when it
    does ("" otherwise)."""
    if not name:
        return ""
    with translation.override(language):
        translated = translation.gettext(name)
    return translated if translated != name else ""


def _vocabulary_name(term, language):
    return " ".join(
        dict.fromkeys(
            name
            for name in (_in_language(term, "name", language), _interface_name(term.name, language))
            if name
        )
    )


def _translated_document(commitment, language):
    """The record's own words in `language` (title, summary, context), where translated."""
    text = functools.partial(_in_language, commitment, language=language)
    themes = [_vocabulary_name(theme, language) for theme in commitment.themes.all()]
    categories = [
        _vocabulary_name(category, language) for category in commitment.activity_categories.all()
    ]
    return {
        "title": " ".join(part for part in (text("title"), text("short_title")) if part),
        "summary": " ".join(part for part in (text("summary"), text("key_quotation")) if part),
        "context": " ".join(
            part
            for part in (
                _official_name(commitment.adopting_body, language),
                *themes,
                *categories,
                text("keywords"),
            )
            if part
        ),
    }


def _document(commitment, extra=""):
    themes = [theme.name for theme in commitment.themes.all()]
    categories = [category.name for category in commitment.activity_categories.all()]
    body = commitment.adopting_body
    acronyms = [body.acronym if body else "", commitment.organisation.acronym]
    symbol = " ".join(
        part
        for part in (_spaced_symbol(commitment.symbol), symbol_key_of(commitment.symbol))
        if part
    )
    title = " ".join(part for part in (commitment.title, commitment.short_title) if part)
    context = " ".join(
        [body.name if body else "", *acronyms, *themes, *categories, commitment.keywords, extra]
    )
    document = {
        "symbol": symbol,
        "title": title,
        "number": commitment.number,
        "quotation": commitment.key_quotation,
        "summary": commitment.summary,
        "context": context,
        "simple": " ".join([symbol, title, *acronyms, commitment.keywords]),
    }
    words = [title, commitment.keywords, *themes, *categories]
    for language in TRANSLATED:
        translated = _translated_document(commitment, language)
        for column, field in zip(LANGUAGE_COLUMNS[language], translated, strict=True):
            document[column] = translated[field]
        words += [translated["title"], translated["context"]]
    document["words"] = " ".join(word for word in words if word)
    return document


def _word_set(text):
    """The distinct words of `text` the words table keeps (see `SearchWord`)."""
    return {
        word
        for word in TOKEN_RE.findall(text.lower())
        if WORD_MIN_CHARS <= len(word) <= MAX_TOKEN_CHARS and not word.isdigit()
    }


def refresh(commitment_ids=None):
    """Rebuild the search entries of these commitments (of all when None, then also drop the
    words no entry uses any more)."""
    everything = commitment_ids is None
    if everything:
        commitment_ids = Commitment.objects.order_by("pk").values_list("pk", flat=True)
    ids = sorted({int(pk) for pk in commitment_ids if pk is not None})
    # The documents hold each language's text from its own column: the English one is read
    # with English active (django-modeltranslation's `title` follows the active language).
    with translation.override(ENGLISH):
        for start in range(0, len(ids), BATCH_SIZE):
            _refresh_batch(ids[start : start + BATCH_SIZE])
    if everything:
        prune_words()


def prune_words():
    """Delete the words no search document uses any more; returns how many went.

    A word stays in `SearchWord` after the last record using it changed, until this runs (the
    daily `catalog.tasks.prune_search_words`, or a full `refresh()`): until then it can be
    offered as the spelling of a typo, and the search with it then finds nothing, as the
    typo would have. Reads every document's words once (streamed)."""
    used = set()
    for words in SearchDocument.objects.values_list("words", flat=True).iterator(2000):
        used |= _word_set(words)
    unused = [
        pk
        for pk, word in SearchWord.objects.values_list("pk", "word").iterator(2000)
        if word not in used
    ]
    for start in range(0, len(unused), BATCH_SIZE):
        SearchWord.objects.filter(pk__in=unused[start : start + BATCH_SIZE]).delete()
    return len(unused)


def _refresh_batch(ids):
    commitments = list(
        Commitment.objects.filter(pk__in=ids)
        .select_related("adopting_body", "organisation")
        .prefetch_related("themes", "activity_categories")
    )
    extra = extensions.search_document_text(ids)
    documents = {
        commitment.pk: _document(commitment, extra.get(commitment.pk, ""))
        for commitment in commitments
    }
    keys = {
        commitment.pk: (
            symbol_key_of(commitment.symbol),
            number_key_of(commitment)[:64],
            documents[commitment.pk]["words"],
        )
        for commitment in commitments
    }
    words = set()
    for document in documents.values():
        words |= _word_set(document["words"])
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)],
        ignore_conflicts=True,
        batch_size=BATCH_SIZE,
    )
    if connection.vendor == "postgresql":
        if documents:
            _write_postgresql(documents, keys)
        return
    SearchDocument.objects.bulk_create(
        [
            SearchDocument(commitment_id=pk, symbol_key=symbol, number_key=number, words=words)
            for pk, (symbol, number, words) in keys.items()
        ],
        update_conflicts=True,
        unique_fields=["commitment"],
        update_fields=["symbol_key", "number_key", "words"],
    )
    if connection.vendor == "sqlite" and fts5_available():
        _write_fts(ids, documents)


# One statement per batch writes the keys and the weighted vectors (no second UPDATE, so no
# dead row versions to vacuum after a bulk refresh). The vector of another language is the
# English vector, then the record's text in that language and its English text again, both
# under that language's configuration (so a query in that language matches either).
ENGLISH_VECTOR = """
    setweight(to_tsvector('osce_english', v.symbol || ' ' || v.title), 'A')
    || setweight(to_tsvector('osce_simple', v.simple), 'A')
    || setweight(to_tsvector('osce_english', v.number || ' ' || v.quotation), 'B')
    || setweight(to_tsvector('osce_english', v.summary), 'C')
    || setweight(to_tsvector('osce_english', v.context), 'D')"""
LANGUAGE_VECTOR = """english.vector
    || setweight(to_tsvector('{config}', v.symbol || ' ' || v.title || ' ' || v.title_{code}), 'A')
    || setweight(to_tsvector('{config}', v.number || ' ' || v.quotation), 'B')
    || setweight(to_tsvector('{config}', v.summary || ' ' || v.summary_{code}), 'C')
    || setweight(to_tsvector('{config}', v.context || ' ' || v.context_{code}), 'D')"""
VECTOR_FIELDS = (
    "symbol",
    "title",
    "simple",
    "number",
    "quotation",
    "summary",
    "context",
    *(column for columns in LANGUAGE_COLUMNS.values() for column in columns),
)
POSTGRESQL_SQL = f"""
INSERT INTO catalog_searchdocument (
    commitment_id, symbol_key, number_key, words, vector,
    {", ".join(f"vector_{code}" for code in TRANSLATED)}
)
SELECT v.id, v.symbol_key, v.number_key, v.words, english.vector,
    {
    ", ".join(
        LANGUAGE_VECTOR.format(config=LANGUAGE_CONFIGS[code], code=code) for code in TRANSLATED
    )
}
FROM (VALUES {{rows}}) AS v(id, symbol_key, number_key, words, {", ".join(VECTOR_FIELDS)})
CROSS JOIN LATERAL (SELECT {ENGLISH_VECTOR} AS vector) AS english
ON CONFLICT (commitment_id) DO UPDATE SET
    symbol_key = EXCLUDED.symbol_key,
    number_key = EXCLUDED.number_key,
    words = EXCLUDED.words,
    vector = EXCLUDED.vector,
    {", ".join(f"vector_{code} = EXCLUDED.vector_{code}" for code in TRANSLATED)}
"""


def _write_postgresql(documents, keys):
    row = "(%s::bigint, " + ", ".join(["%s::text"] * (3 + len(VECTOR_FIELDS))) + ")"
    params = []
    for pk, document in documents.items():
        params.extend([pk, *keys[pk], *(document[field] for field in VECTOR_FIELDS)])
    with connection.cursor() as cursor:
        cursor.execute(POSTGRESQL_SQL.format(rows=", ".join([row] * len(documents))), params)


def _write_fts(ids, documents):
    _forget_fts(ids)
    with connection.cursor() as cursor:
        for language in LANGUAGE_CONFIGS:
            columns = fts_columns(language)
            cursor.executemany(
                f"INSERT INTO {fts_table(language)} (rowid, {', '.join(columns)}) "
                f"VALUES (%s, {', '.join(['%s'] * len(columns))})",
                [
                    [pk, *(document[column] for column in columns)]
                    for pk, document in documents.items()
                ],
            )


def _forget_fts(ids):
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        for table in fts_tables():
            cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({placeholders})", ids)


def forget(commitment_ids):
    """Drop deleted commitments from the SQLite index (PostgreSQL rows go by cascade)."""
    ids = list(commitment_ids)
    if ids and connection.vendor == "sqlite" and fts5_available():
        _forget_fts(ids)


@receiver(connection_created, dispatch_uid="search_trigram_threshold")
def _set_trigram_threshold(sender, connection, **kwargs):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET pg_trgm.word_similarity_threshold = {WORD_SIMILARITY_THRESHOLD}")


# --------------------------------------------------------------------------------------
# Catalogue page helpers (additive: the catalogue is the one results page of the site)
# --------------------------------------------------------------------------------------


def vocabulary_groups(query, limit=8):
    """Institutions, themes and categories matching every word of `query`, as `Group`s
    (only those with matches), for the catalogue's "also matching" panel."""
    parsed = parse(query)
    language = search_language()
    if not parsed.tokens:
        return []
    # The vocabularies are small and change only with the catalogue: matched here, from one
    # cached copy, instead of three LIKE queries per search.
    vocabularies = caching.cached(
        "vocabularies",
        (language,),
        lambda: {
            key: [_vocabulary_term(term, fields, language) for term in queryset.all()]
            for key, queryset, fields in VOCABULARIES
        },
    )
    groups = []
    for key, _queryset, _fields in VOCABULARIES:
        matches = [
            term for term in vocabularies[key] if _has_every_word(term.texts, parsed.tokens)
        ][: limit + 1]
        if matches:
            groups.append(Group(key, matches[:limit], len(matches)))
    return groups


def highlight(text, query):
    """`text` HTML-escaped, with the words of `query` (as prefixes) in <mark>."""
    return _mark_tokens(text or "", parse(query).tokens)


# --------------------------------------------------------------------------------------
# "Did you mean": the nearest spelling the catalogue knows
# --------------------------------------------------------------------------------------

# Words shorter than this are left alone: "ICT" is one letter from too many other words.
SUGGEST_MIN_CHARS = 4
# difflib similarity (2 × matching letters / letters of both) a known word needs to be offered
# for an unknown one: "bucharst" and "bucharest" score 0.94, "terorism" and "terrorism" 0.94.
SUGGEST_CUTOFF = 0.8


# The spelling check's words: (catalogue version counted, {word: records}), the same in every
# language, kept until counted again; and the mark a spelling check leaves when none are kept.
VOCABULARY_KEY = "search:vocabulary"
VOCABULARY_WANTED_KEY = "search:vocabulary-wanted"
# How long a worker keeps its copy of the counted words (read from the shared cache): the words
# of a new count reach every worker within this (the count itself is a minute task's).
VOCABULARY_WORKER_SECONDS = 30


def vocabulary():
    """{word: the number of published records using it} over the words search matches typos
    against (titles, keywords, themes and categories), or None while they are being counted.

    Counting them reads every published record's words (seconds at 100,000 records, minutes
    at a million), so no visitor waits for it: the copy counted last is used, and the minute
    task `tasks.count_search_vocabulary` counts again when the catalogue has changed since.
    With a shared cache (Redis) nothing is counted in a request even when no copy is kept
    (a new or emptied cache): it gives None then and leaves a mark, and the minute task
    counts. A cache of each process's own, which no task can fill for the web processes,
    counts in the first spelling check (once, under a lock). Each worker keeps its copy of the
    shared one for `VOCABULARY_WORKER_SECONDS`. Until the next count a word of a record just
    published is not offered yet, and a word of a record just withdrawn may be (its search
    then finds what the typo would have: nothing new)."""
    local = caching.worker_cache()
    kept = local.get(VOCABULARY_KEY) if local is not None else None
    if kept is None:
        kept = cache.get(VOCABULARY_KEY)
        if local is not None and _is_vocabulary(kept):
            local.set(VOCABULARY_KEY, kept, VOCABULARY_WORKER_SECONDS)
    if _is_vocabulary(kept):
        return kept[1]
    if caching.warms_ahead():
        cache.set(VOCABULARY_WANTED_KEY, True, timeout=None)
        return None
    kept = caching.compute_once(VOCABULARY_KEY, _counted_vocabulary, timeout=None)
    return kept[1]


def count_vocabulary():
    """Count the spelling check's words if the catalogue changed since they were last counted,
    or if a spelling check found none kept. Returns whether it counted."""
    kept = cache.get(VOCABULARY_KEY)
    if _is_vocabulary(kept):
        if kept[0] == caching.catalogue_version():
            return False
    elif not cache.get(VOCABULARY_WANTED_KEY):
        return False  # nobody has asked for them since the cache was emptied
    cache.set(VOCABULARY_KEY, _counted_vocabulary(), timeout=None)
    cache.delete(VOCABULARY_WANTED_KEY)
    return True


def _is_vocabulary(value):
    return isinstance(value, tuple) and len(value) == 2


def _counted_vocabulary():
    version = caching.catalogue_version()  # read first: a write during the count counts again
    counts = {}
    published = Commitment.objects.published().values("pk")
    rows = SearchDocument.objects.filter(commitment__in=published).values_list("words", flat=True)
    for words in rows.iterator(chunk_size=2000):
        for word in set(TOKEN_RE.findall(words.lower())):
            if len(word) >= SUGGEST_MIN_CHARS and not word.isdigit():
                counts[word] = counts.get(word, 0) + 1
    return (version, counts)


def _known(token, words):
    if token in words or any(variant in words for variant in _variants(token)):
        return True
    if word_key(token) in _thesaurus_index():
        return True
    # A word being typed: the start of a known word.
    return any(word.startswith(token) for word in words)


def suggestion(query):
    """`query` with each word the catalogue does not know replaced by the nearest one it does
    ("Bucharst Plan" gives "Bucharest Plan"), "" when there is nothing to correct, or None
    while the catalogue's words are being counted (`vocabulary`)."""
    words = vocabulary()
    if words is None:
        return None
    parsed = parse(query)
    corrections = {}
    for token in parsed.tokens:
        if len(token) < SUGGEST_MIN_CHARS or token.isdigit() or _known(token, words):
            continue
        candidates = [word for word in words if abs(len(word) - len(token)) <= 2]
        close = difflib.get_close_matches(token, candidates, n=5, cutoff=SUGGEST_CUTOFF)
        if close:
            # The most similar; among equals, the most used.
            best = max(
                close,
                key=lambda word: (
                    round(difflib.SequenceMatcher(None, token, word).ratio(), 2),
                    words[word],
                ),
            )
            corrections[token] = best
    if not corrections:
        return ""

    def corrected(match):
        typed = match.group(0)
        word = corrections.get(typed.lower()[:MAX_TOKEN_CHARS])
        if word is None:
            return typed
        return word.capitalize() if typed[:1].isupper() else word

    return TOKEN_RE.sub(corrected, parsed.text)
