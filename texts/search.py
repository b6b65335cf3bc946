"""Search inside official texts and provisions: the meeting point of `catalog` and `texts`.

Paragraphs are indexed with their text's own language: on PostgreSQL a vector per paragraph
stemmed with that language's configuration (english, french, german, italian, russian,
spanish) plus an unstemmed `simple` part, GIN-indexed; on SQLite an FTS5 table
(`texts_paragraph_fts`, rowid = paragraph id, Porter stemming). Only paragraphs of public
texts (`Text.objects.public()`) are ever matched for the public.

`catalog.search` asks this module, through `catalog.extensions`, for records whose public
paragraphs match (ranked after the records whose own words match, so symbols and the
catalogue's relevance stay first) and for the hits to show under a result: "operative
paragraph 5, French text", the matched words marked, a link to the anchor.
"""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from catalog import caching, extensions
from catalog import search as catalog_search

from .models import SEARCH_CONFIGS, Paragraph, Text

FTS_TABLE = "texts_paragraph_fts"
# Paragraph hits shown under one search result.
HITS_PER_RECORD = 3
# A record found only through its texts ranks after every record whose own words match.
TEXT_ONLY_SCORE = 1e-6
# Up to this many records with a public text, their ids are kept per catalogue version, so a
# page of results without any asks nothing; beyond, every page asks.
KEPT_TEXT_RECORDS = 5000


def refresh_records(commitment_ids):
    """Rebuild the search entries of these records (their own words and provisions)."""
    catalog_search.refresh(commitment_ids)


# --- the paragraph index -------------------------------------------------------------


def _fts_available():
    """Whether SQLite searches paragraphs with FTS5: the migration makes their table exactly
    when it makes the catalogue's (this SQLite has FTS5), so the catalogue's check says."""
    return connection.vendor == "sqlite" and catalog_search.fts5_available()


def index_text(text):
    """(Re)index the paragraphs of one text."""
    ids = list(text.paragraphs.values_list("pk", flat=True))
    if connection.vendor == "postgresql":
        config = SEARCH_CONFIGS.get(text.language, "simple")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE texts_paragraph SET vector = "
                "setweight(to_tsvector(%s::regconfig, content), 'A') "
                "|| setweight(to_tsvector('simple', content), 'B') WHERE text_id = %s",
                [config, text.pk],
            )
        return
    if _fts_available():
        with connection.cursor() as cursor:
            forget_paragraphs_of(text.pk, cursor=cursor)
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, content) VALUES (%s, %s)",
                list(text.paragraphs.values_list("pk", "content")),
            )
    return ids


def forget_paragraphs_of(text_id, cursor=None):
    if not _fts_available():
        return
    sql = (
        f"DELETE FROM {FTS_TABLE} WHERE rowid IN "
        f"(SELECT id FROM texts_paragraph WHERE text_id = %s)"
    )
    if cursor is not None:
        cursor.execute(sql, [text_id])
    else:
        with connection.cursor() as own:
            own.execute(sql, [text_id])


# --- matching -------------------------------------------------------------------------


def _postgresql_condition(tokens):
    text = catalog_search._tsquery_text(tokens)
    condition = Q(vector=SearchQuery(text, search_type="raw", config="simple"))
    for language, config in SEARCH_CONFIGS.items():
        condition |= Q(
            text__language=language, vector=SearchQuery(text, search_type="raw", config=config)
        )
    return condition


def paragraphs_matching(queryset, query):
    """The paragraphs of `queryset` containing the words of `query` (each language stemmed
    with its own rules); an empty result for a query with no words."""
    parsed = catalog_search.parse(query)
    if not parsed.tokens:
        return queryset.none()
    if connection.vendor == "postgresql":
        return queryset.filter(_postgresql_condition(parsed.tokens))
    if _fts_available():
        match = catalog_search._fts_match_text(parsed.tokens)
        return queryset.filter(
            pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
        )
    condition = Q()
    for token in parsed.tokens:
        condition &= Q(content__icontains=token)
    return queryset.filter(condition)


def public_paragraphs():
    return Paragraph.objects.filter(text__in=Text.objects.public())


def record_scores(queryset, parsed):
    """{commitment id: score} of the records of `queryset` whose public paragraphs match: a
    small score, so they follow every record whose own words match."""
    if not parsed.tokens:
        return {}
    matches = paragraphs_matching(
        public_paragraphs().filter(text__commitment__in=queryset.order_by().values("pk")),
        parsed.text,
    )
    ids = (
        matches.order_by("-text__commitment__year", "-text__commitment_id")
        .values_list("text__commitment_id", flat=True)
        .distinct()[: catalog_search.CANDIDATE_LIMIT + 1]
    )
    return dict.fromkeys(ids, TEXT_ONLY_SCORE)


extensions.search_parts.append(record_scores)


# --- hits shown under a result ----------------------------------------------------------


def where(paragraph):
    """ "operative paragraph 5, French text" """
    return _("%(paragraph)s, %(language)s text") % {
        "paragraph": paragraph.label,
        "language": paragraph.text.get_language_display(),
    }


def records_with_texts():
    """The ids of the records with a public text (a frozenset), read once per catalogue
    version (a text going live or away is a change of the catalogue); None when there are more
    than KEPT_TEXT_RECORDS. A page of results whose records have none asks no query for their
    hits (its building alone took 4 ms)."""

    def read():
        ids = frozenset(
            Text.objects.public()
            .order_by()
            .values_list("commitment_id", flat=True)
            .distinct()[: KEPT_TEXT_RECORDS + 1]
        )
        return ids if len(ids) <= KEPT_TEXT_RECORDS else "too many"

    kept = caching.cached("records-with-texts", (), read, per_language=False)
    return kept if isinstance(kept, frozenset) else None


def hits(records, query):
    """{commitment pk: [hit]} for a page of results: the public paragraphs matching `query`,
    a few per record, each with where it is, its passage with the words marked (everything
    else escaped) and its address. At most one query for the page: none when no record of it
    has a public text (`records_with_texts`)."""
    parsed = catalog_search.parse(query)
    if not parsed.tokens:
        return {}
    with_texts = records_with_texts()
    records = [record for record in records if with_texts is None or record.pk in with_texts]
    if not records:
        return {}
    by_id = {record.pk: record for record in records}
    matches = paragraphs_matching(
        public_paragraphs().filter(text__commitment_id__in=list(by_id)), parsed.text
    ).select_related("text")
    if connection.vendor == "postgresql":
        tsquery = SearchQuery(catalog_search._tsquery_text(parsed.tokens), search_type="raw")
        matches = matches.annotate(
            rank=SearchRank(F("vector"), tsquery),
            passage=SearchHeadline(
                "content",
                SearchQuery(
                    catalog_search._tsquery_text(parsed.tokens),
                    search_type="raw",
                    config="simple",
                ),
                config="simple",
                start_sel=catalog_search.START,
                stop_sel=catalog_search.STOP,
                max_words=30,
                min_words=12,
            ),
        ).order_by("text__commitment_id", "-rank", "text__language", "position")
    else:
        matches = matches.order_by("text__commitment_id", "text__language", "position")
    result = {}
    for paragraph in matches[: HITS_PER_RECORD * len(records) * 4]:
        found = result.setdefault(paragraph.text.commitment_id, [])
        if len(found) >= HITS_PER_RECORD:
            continue
        paragraph.text.commitment = by_id[paragraph.text.commitment_id]
        passage = getattr(paragraph, "passage", "")
        if passage and catalog_search.START in passage:
            marked = catalog_search._marked(passage)
        else:
            marked = _marked_words(paragraph.content, parsed.tokens)
        found.append(
            {
                "where": where(paragraph),
                "language": paragraph.text.language,
                "url": paragraph.get_absolute_url(),
                "passage": marked,
            }
        )
    return result


def _marked_words(content, tokens):
    """A passage around the first matched word, with every word starting with a query word
    (or sharing its stem's first letters) marked."""
    lowered = content.lower()
    stems = [token[: max(4, len(token) - 2)] for token in tokens]
    first = min((lowered.find(stem) for stem in stems if stem in lowered), default=0)
    start = max(0, first - 120)
    passage = ("…" if start else "") + content[start : start + 320]
    if start + 320 < len(content):
        passage += "…"
    return catalog_search._mark_tokens(passage, stems)


extensions.search_hit_parts.append(hits)
