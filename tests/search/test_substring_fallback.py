"""Without FTS5 in the SQLite library, search falls back to substring matching."""

import pytest
from django.db import connection

from catalog import search
from catalog.models import Commitment
from tests.factories import CommitmentFactory


@pytest.fixture
def without_fts5(db, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("the fallback exists for SQLite builds without FTS5")
    # FTS5 is compiled into this SQLite; pretend it is not, as on a minimal build.
    monkeypatch.setattr(search, "fts5_available", lambda: False)


def found(query):
    results = search.search_commitments(Commitment.objects.for_listing(), query)
    return [commitment.slug for commitment in results]


def test_fts5_is_detected_at_run_time(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert search.fts5_available() is True


def test_fallback_finds_every_word_anywhere(without_fts5):
    CommitmentFactory(slug="match", title="Decision on glaciers", summary="Melting ice.")
    CommitmentFactory(slug="other", title="Decision on glaciers", summary="Rivers.")
    assert found("glaciers ice") == ["match"]


def test_fallback_ranks_title_matches_first(without_fts5):
    CommitmentFactory(slug="in-summary", title="Decision on rivers", summary="About glaciers.")
    CommitmentFactory(slug="in-title", title="Decision on glaciers", summary="About rivers.")
    assert found("glaciers") == ["in-title", "in-summary"]


def test_fallback_still_finds_symbols_first(without_fts5):
    CommitmentFactory(slug="symbol", symbol="PC.DEC/1039", symbol_status="derived", number="1039")
    CommitmentFactory(slug="mention", summary="Builds on Decision No. 1039.")
    assert found("pc dec 1039")[0] == "symbol"


def test_fallback_snippet_highlights_in_python(without_fts5):
    commitment = CommitmentFactory(summary="Melting <b>glaciers</b> and ice.")
    snippet = search.snippets([commitment], "glaciers")[commitment.pk]
    assert snippet == "Melting &lt;b&gt;<mark>glaciers</mark>&lt;/b&gt; and ice."


@pytest.mark.parametrize("query", ["%", "_", "'", '"', "\\", "🙂", "x" * 10_000])
def test_fallback_answers_odd_queries(without_fts5, query):
    CommitmentFactory(title="Decision on 100% of glaciers_and_ice")
    assert isinstance(found(query), list)
