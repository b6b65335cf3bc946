"""The seed catalogue, loaded once per test process and put back in milliseconds.

Browser tests need the seed committed (the live server reads it through its own connection), so
they are transactional tests, and pytest-django empties every table after each of them: every
browser test used to run `load_seed` again (about 2.5 s of CPU each). `SeedSnapshot.load()`
runs the real `load_seed` the first time in a process and keeps a copy of the whole database as
it left it; the next times it puts that copy back instead:

- SQLite (the suite's in-memory database): SQLite's online backup API copies the database into
  a second in-memory database and back, search table (FTS5) and `sqlite_sequence` included;
- PostgreSQL: every table but `django_migrations` is copied into a schema of its own and back
  (emptied with TRUNCATE, refilled with INSERT … SELECT; foreign keys are checked at commit,
  sequences moved past the restored ids).

Either way the database afterwards is the one `load_seed` left, row for row (content types and
permissions included, so Django's content-type cache is cleared). The copy is taken only from a
database that held nothing but what a flush leaves (no commitment, no user), so it never carries
what an earlier test wrote.
"""

import sqlite3

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction

SCHEMA = "tests_seed_snapshot"


class SeedSnapshot:
    def __init__(self):
        self._sqlite = None  # sqlite3 connection holding the copy
        self._tables = None  # PostgreSQL: the tables copied into SCHEMA

    def load(self):
        """Give the (transactional) test database the seed catalogue, as `load_seed` would."""
        if self._restore():
            ContentType.objects.clear_cache()
            return
        clean = self._is_clean()
        call_command("load_seed", verbosity=0)
        if clean:
            self._take()

    @staticmethod
    def _is_clean():
        from django.contrib.auth import get_user_model

        from catalog.models import Commitment

        return not Commitment.objects.exists() and not get_user_model().objects.exists()

    def _take(self):
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            connection.ensure_connection()
            copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(copy)
            self._sqlite = copy
        elif connection.vendor == "postgresql":
            tables = [t for t in connection.introspection.table_names() if t != "django_migrations"]
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
                cursor.execute(f'CREATE SCHEMA "{SCHEMA}"')
                for table in tables:
                    cursor.execute(f'CREATE TABLE "{SCHEMA}"."{table}" AS TABLE "{table}"')
            self._tables = tables

    def _restore(self):
        if self._sqlite is not None:
            connection.ensure_connection()
            self._sqlite.backup(connection.connection)
            return True
        if self._tables is not None:
            quoted = ", ".join(f'"{table}"' for table in self._tables)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                cursor.execute(f"TRUNCATE {quoted} CASCADE")
                for table in self._tables:
                    cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{SCHEMA}"."{table}"')
                for table in self._tables:
                    for sequence in connection.introspection.get_sequences(cursor, table):
                        column = sequence["column"]
                        cursor.execute(
                            "SELECT setval(pg_get_serial_sequence(%s, %s), "
                            f'GREATEST((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)',
                            [f'"{table}"', column],
                        )
            return True
        return False

    def drop(self):
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        if self._tables is not None:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
            self._tables = None


class SeedRows:
    """The rows a load of the seed adds (`CapturedLoad`: the `seed` fixture's loaddata plus the
    search index, or `load_seed`), captured once per process and inserted again inside each
    test's own transaction: what the test sees
    is what loading them would have written, row for row, in a few milliseconds instead of a
    second of loaddata and indexing.

    The rows are read and written verbatim (SQLite: every column of every table, the full-text
    tables with their rowids; PostgreSQL: COPY's text format), and sequences are moved past
    them as loaddata moves them. When the load writes into a table that already held rows (it
    should not: the seed starts from an empty catalogue), nothing is captured and each test
    loads the seed itself. The rows name content types by id (`load_seed`'s revisions), and a
    flush (after a transactional test) makes the content types again under new ids: the rows
    are then stale (`current()`), and neither inserted nor kept.
    """

    def __init__(self, dumps):
        self.dumps = dumps  # [(table, columns, rows)] (SQLite) or [(table, None, bytes)] (PG)
        self.content_types = _content_types()

    def current(self):
        """Whether the content types the rows may name are still those of the capture."""
        return _content_types() == self.content_types

    @classmethod
    def capture(cls, load):
        with transaction.atomic():
            before = _row_counts()
            load()
            after = _row_counts()
            changed = [table for table, count in after.items() if count != before.get(table)]
            dumps = None
            if not any(before.get(table) for table in changed):
                dumps = [_dump(table) for table in changed]
            transaction.set_rollback(True)
        return cls(dumps) if dumps is not None else None

    def insert(self):
        """Insert the captured rows; False (nothing done) when one of their tables already
        holds rows in this test (a fixture built records first, a search word is shared) or
        the rows are stale."""
        if not self.current():
            return False
        with connection.cursor() as cursor:
            for table, _columns, _rows in self.dumps:
                cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')
                if cursor.fetchone() is not None:
                    return False
            for table, columns, rows in self.dumps:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
                        copy.write(rows)
                    for sequence in connection.introspection.get_sequences(cursor, table):
                        column = sequence["column"]
                        cursor.execute(
                            "SELECT setval(pg_get_serial_sequence(%s, %s), "
                            f'COALESCE(MAX("{column}"), 1), MAX("{column}") IS NOT NULL) '
                            f'FROM "{table}"',
                            [f'"{table}"', column],
                        )
                elif rows:
                    names = ", ".join(f'"{column}"' for column in columns)
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        return True


def _content_types():
    return list(ContentType.objects.order_by("pk").values_list("pk", "app_label", "model"))


def _tables():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA main.table_list")
            return sorted(
                name
                for _schema, name, kind, *_rest in cursor.fetchall()
                if kind in ("table", "virtual")
                and not name.startswith("sqlite_")
                and name != "django_migrations"
            )
        return sorted(
            name
            for name in connection.introspection.table_names(cursor)
            if name != "django_migrations"
        )


def _row_counts():
    counts = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def _dump(table):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
                return table, None, b"".join(bytes(block) for block in copy)
        cursor.execute(f'PRAGMA table_xinfo("{table}")')
        columns = [row[1] for row in cursor.fetchall() if row[6] == 0]  # not hidden/generated
        if _is_virtual(cursor, table):  # a full-text table: its rowid is the commitment's id
            columns = ["rowid", *columns]
        names = ", ".join(f'"{column}"' for column in columns)
        cursor.execute(f'SELECT {names} FROM "{table}"')
        return table, columns, cursor.fetchall()


def _is_virtual(cursor, table):
    cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [table])
    sql = cursor.fetchone()[0] or ""
    return sql.upper().startswith("CREATE VIRTUAL TABLE")


class CapturedLoad:
    """A load of the seed (`load`) replayed from its rows: the first time it runs in this process
    on a database holding no commitment, and again whenever the rows went stale (a flush made
    the content types anew), its rows are captured (`SeedRows`, in a savepoint rolled back at
    once); every time, they are inserted verbatim into the current transaction (or committed,
    outside one) — or `load` runs again when they cannot be (not captured, stale, or a table
    already holds rows)."""

    def __init__(self, load):
        self._load = load
        self._rows = None  # SeedRows; False when they could not be captured

    def put(self):
        from catalog.models import Commitment

        stale = self._rows is None or (self._rows and not self._rows.current())
        if stale and not Commitment.objects.exists():
            self._rows = SeedRows.capture(self._load) or False
        with transaction.atomic():
            inserted = bool(self._rows) and self._rows.insert()
        if not inserted:
            self._load()


# The database as `load_seed` leaves it, its initial revisions and search index included (its
# on-commit step — a new catalogue version, the re-warming task — works on the cache, which
# every test starts without): for the search package, the browse module and the
# complete-history tests.
put_load_seed = CapturedLoad(lambda: call_command("load_seed", verbosity=0)).put
