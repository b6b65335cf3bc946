from django.core.management import call_command
from django.db import connection

from catalog import search
from catalog.models import Commitment, SearchDocument


def test_seed_synthetic_creates_marked_published_commitments(seeded):
    call_command("seed_synthetic", count=30, verbosity=0)
    synthetic = Commitment.objects.filter(slug__startswith="synthetic-")
    assert synthetic.count() == 30
    assert all(commitment.title.startswith("[Synthetic] ") for commitment in synthetic)
    assert synthetic.published().count() == 30
    assert all(commitment.themes.exists() for commitment in synthetic)


def test_synthetic_commitments_are_searchable(seeded):
    call_command("seed_synthetic", count=30, verbosity=0)
    symbol = Commitment.objects.get(slug="synthetic-7").symbol
    first = search.search_commitments(Commitment.objects.for_listing(), symbol.lower()).first()
    assert first.slug == "synthetic-7"


def test_seed_synthetic_delete_removes_only_synthetic_commitments(seeded):
    real = Commitment.objects.count()
    call_command("seed_synthetic", count=30, verbosity=0)
    call_command("seed_synthetic", delete=True, verbosity=0)
    assert Commitment.objects.count() == real
    assert not search.search_commitments(Commitment.objects.all(), "synthetic").exists()


def test_seed_synthetic_delete_leaves_no_search_rows_behind(seeded):
    """Stale full-text rows would still count in every ranking (BM25 weighs the whole table)."""

    def search_rows():
        if connection.vendor == "sqlite" and search.fts5_available():
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE}")
                return cursor.fetchone()[0]
        return SearchDocument.objects.count()

    before = search_rows()
    call_command("seed_synthetic", count=30, verbosity=0)
    assert search_rows() == before + 30
    call_command("seed_synthetic", delete=True, verbosity=0)
    assert search_rows() == before == Commitment.objects.count()
