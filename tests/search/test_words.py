"""Typo matching reads a table of distinct indexed words (`SearchWord`), never the search
documents, and the table follows every write (issue 17, item 3)."""

import pytest
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.db import connection
from django.db.models import F, Value
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from catalog import search
from catalog.editorial import services
from catalog.models import Commitment, SearchWord
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db


def first(query):
    result = search.search_commitments(Commitment.objects.for_listing(), query).first()
    return result.slug if result else None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Bucharst", {"mc-9-dec-1"}),
        ("Bucharst plan of action", {"mc-9-dec-1"}),
        ("pasenger information", {"mc-dec-6-16"}),
        ("kidnaping", {"basel-2014-kidnapping-for-ransom-declaration"}),
    ],
)
def test_a_typo_still_finds_its_records(seeded, query, expected):
    assert first(query) in expected


def test_a_typo_in_a_russian_official_name_is_matched_in_russian(seeded):
    with translation.override("ru"):
        assert first("Совет минисров") is not None


def test_an_unmatched_long_word_reads_the_words_table_not_the_documents(seeded):
    with CaptureQueriesContext(connection) as queries:
        assert first("determinationalisms") is None
    statements = [query["sql"] for query in queries.captured_queries]
    assert any(SearchWord._meta.db_table in sql for sql in statements)
    # The documents are read once, by the text match itself (an index lookup on both
    # databases); no similarity is ever computed over them.
    on_documents = [
        sql for sql in statements if "catalog_searchdocument" in sql or search.FTS_TABLE in sql
    ]
    assert len(on_documents) == 1
    assert not any("similarity" in sql.lower() or "%>" in sql for sql in on_documents)


def test_the_words_lookup_uses_the_trigram_index_on_postgresql(seeded, postgresql):
    queryset = SearchWord.objects.filter(
        TrigramWordSimilar(F("word"), Value("determinationalisms"))
    )
    with connection.cursor() as cursor:
        # The seed's table is small enough for a sequential scan; what matters is that the
        # trigram index serves the lookup when the table is large.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = queryset.explain()
    assert "search_word_trgm" in plan
    assert "catalog_searchdocument" not in plan


def test_a_write_adds_its_new_words(publisher):
    commitment = CommitmentFactory(slug="dams", title="Decision on hydroelectric dams")
    assert SearchWord.objects.filter(word="hydroelectric").exists()
    services.save_commitment(
        user=publisher,
        commitment=commitment,
        correction=True,
        comment="Fix.",
        fields={"title": "Decision on seaports"},
    )
    assert SearchWord.objects.filter(word="seaports").exists()
    assert first("seaprts") == "dams"


def test_pruning_drops_only_the_words_no_document_uses(publisher):
    commitment = CommitmentFactory(slug="dams", title="Decision on hydroelectric dams")
    services.save_commitment(
        user=publisher,
        commitment=commitment,
        correction=True,
        comment="Fix.",
        fields={"title": "Decision on seaports"},
    )
    # Until pruned, the old word may be offered for a typo: the search then finds nothing.
    assert first("hydroelectrik") is None
    assert search.prune_words() >= 1
    assert not SearchWord.objects.filter(word="hydroelectric").exists()
    assert SearchWord.objects.filter(word="seaports").exists()
