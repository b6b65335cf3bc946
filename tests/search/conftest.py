import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings
from django_tasks_db.models import DBTaskResult
from reversion.models import Revision

from catalog import search
from catalog.models import (
    ActivityCategory,
    Commitment,
    Institution,
    Organisation,
    SearchWord,
    StatusChange,
    Theme,
)
from tests.snapshots import put_load_seed
from tests.task_backends import IMMEDIATE_TASKS


def empty_catalogue():
    """Delete what loading the seed wrote — the catalogue's rows, their history and the tasks
    the load enqueued — and nothing else (not users, groups or content types, as flush would)."""
    Commitment.objects.all().delete()  # cascades to relations, sources, evidence, search rows
    StatusChange.objects.all().delete()
    Revision.objects.all().delete()  # cascades to versions
    LogEntry.objects.all().delete()
    DBTaskResult.objects.all().delete()
    while Institution.objects.exists():  # leaves first: a parent is protected
        Institution.objects.filter(children__isnull=True).delete()
    for model in (Organisation, Theme, ActivityCategory):
        model.objects.all().delete()
    SearchWord.objects.all().delete()  # the index's vocabulary: not cascaded from a record


@pytest.fixture(scope="package")
def catalogue(django_db_setup, django_db_blocker):
    """The real seed catalogue, loaded once for the search tests (loading takes seconds).

    Each test still runs in its own transaction on top of it; the catalogue is removed when
    the package's tests are done so other tests start from an empty database.
    """
    # Outside any test, so the suite's immediate task backend is set here too: what the load
    # enqueues runs now instead of waiting, committed, in the database for the next test.
    with django_db_blocker.unblock(), override_settings(TASKS=IMMEDIATE_TASKS):
        put_load_seed()
        yield
        empty_catalogue()
        if connection.vendor == "sqlite" and search.fts5_available():
            with connection.cursor() as cursor:
                for table in search.fts_tables():
                    cursor.execute(f"DELETE FROM {table}")


@pytest.fixture
def seeded(catalogue, db):
    """The seed catalogue inside the test's transaction."""


@pytest.fixture
def postgresql(db):
    """Skips the test unless it runs on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture(scope="module")
def synthetic_rows(django_db_setup, django_db_blocker, request):
    """3,000 synthetic commitments on PostgreSQL, committed so that ANALYZE sees them as in
    production (removed after the module)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    request.getfixturevalue("catalogue")  # after the skip: no seed load for a skipped module
    with django_db_blocker.unblock():
        call_command("seed_synthetic", count=3000, verbosity=0)
        yield
        call_command("seed_synthetic", delete=True, verbosity=0)


@pytest.fixture
def synthetic(synthetic_rows, seeded):
    """The seed catalogue and the synthetic rows, inside the test's transaction."""
