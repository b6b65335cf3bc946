"""Test databases migrated once, then copied: the migrations run for a new set of migration files
only, not in every test process of every run (about 5.5 s of CPU per process on SQLite, 7 s on
PostgreSQL, against a fraction of a second for a copy).

The first process that needs a test database whose migrated copy is not cached builds it as
pytest-django always has (Django's `setup_databases`: a new database, every migration) and then
keeps a copy of it; the others — other xdist workers of the run, later runs — wait for it (a
file lock), then start from the copy:

- SQLite (the suite's in-memory database): the migrated database is saved to
  `<TEST_CACHE>/test-databases/<key>.sqlite3` (tests/resources.py: a temporary folder) with
  SQLite's online backup API, and copied back into each process's in-memory database the same
  way;
- PostgreSQL: the migrated database becomes a template, `test_<name>_template_<key>`, and each
  worker's `test_<name>_gw<n>` is made with `CREATE DATABASE … TEMPLATE` (a file-level copy).

Django's `setup_databases` then runs on the copy as on a kept database (`keepdb`): `migrate`
applies nothing, but its checks and `post_migrate` receivers (permissions, content types, the
editorial groups, the search code's and the cache's receivers) run in every process as before.

The key is a hash of everything the migrated database is made from: every migration file of
every installed app (Django's own and third-party ones included), the models of apps without
migrations, the source of every `post_migrate` receiver's module, Django's version, the database
engine's version and the settings that shape the schema. A changed, added or removed migration
is a new key, so a stale copy is never used; `--create-db` builds the copy again once per run.
"""

import fcntl
import hashlib
import json
import os
import sqlite3
import sys
import time
import weakref
from contextlib import contextmanager
from pathlib import Path

import django
from django.conf import settings
from django.db import connections

from tests import resources

FORMAT = "1"  # bump when what is cached, or how, changes
CACHE_DIR = resources.TEST_CACHE / "test-databases"
UNUSED_FOR = 7 * 24 * 3600  # cached SQLite copies not used for this long are removed


def migration_key(connection):
    """A hash of what a migrated test database of this connection is made from."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader
    from django.db.models.signals import post_migrate

    loader = MigrationLoader(None, ignore_no_migrations=True)
    modules = {migration.__module__ for migration in loader.disk_migrations.values()}
    for app in apps.get_app_configs():
        if app.label in loader.unmigrated_apps and app.models_module is not None:
            modules.add(app.models_module.__name__)  # `migrate --run-syncdb` creates these
    for _key, receiver, *_ in post_migrate.receivers:
        if isinstance(receiver, weakref.ReferenceType):
            receiver = receiver()
        if receiver is not None and getattr(receiver, "__module__", None):
            modules.add(receiver.__module__)

    digest = hashlib.sha256()
    described = {
        "format": FORMAT,
        "django": django.__version__,
        "engine": connection.settings_dict["ENGINE"],
        "options": repr(sorted(connection.settings_dict.get("OPTIONS", {}).items())),
        "server": server_version(connection),
        "installed_apps": list(settings.INSTALLED_APPS),
        "migration_modules": repr(sorted(getattr(settings, "MIGRATION_MODULES", {}).items())),
        "languages": [code for code, _name in settings.LANGUAGES],
    }
    digest.update(json.dumps(described, sort_keys=True).encode())
    for name in sorted(modules):
        digest.update(name.encode() + b"\0")
        path = getattr(sys.modules.get(name), "__file__", None)
        digest.update(Path(path).read_bytes() if path else b"<no file>")
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def server_version(connection):
    if connection.vendor == "sqlite":
        return sqlite3.sqlite_version
    with connection._nodb_cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return cursor.fetchone()[0]


@contextmanager
def locked(name):
    """One process at a time, across the xdist workers and the runs on this machine."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class Template:
    """The migrated copy of one database alias's test database."""

    def __init__(self, alias, run_id):
        self.connection = connections[alias]
        self.run_id = run_id
        self.vendor = self.connection.vendor
        self.key = migration_key(self.connection)
        self.name = f"{self.vendor}-{alias}-{self.key}"
        # PostgreSQL: named after the database the settings name (before setup_databases
        # points the connection at its test database), within PostgreSQL's 63 characters.
        self._template_prefix = f"test_{self.connection.settings_dict['NAME']}"[:37] + "_template_"
        self._template_database = f"{self._template_prefix}{self.key}"

    @classmethod
    def supported(cls, alias):
        connection = connections[alias]
        if connection.vendor == "postgresql":
            return True
        return connection.vendor == "sqlite" and connection.creation.is_in_memory_db(
            connection.creation._get_test_db_name()
        )

    # --- Which copy, built by which run ----------------------------------------------------

    @property
    def _built_by(self):
        return CACHE_DIR / f"{self.name}.run"

    def built_in_this_run(self):
        try:
            return self._built_by.read_text() == self.run_id
        except OSError:
            return False

    def _mark_built(self):
        self._built_by.write_text(self.run_id)

    # --- SQLite ------------------------------------------------------------------------------

    @property
    def _sqlite_file(self):
        return CACHE_DIR / f"{self.name}.sqlite3"

    # --- PostgreSQL --------------------------------------------------------------------------

    def _databases(self, cursor):
        cursor.execute("SELECT datname FROM pg_database")
        return {row[0] for row in cursor.fetchall()}

    # --- What setup_databases needs ------------------------------------------------------------

    def exists(self):
        if self.vendor == "sqlite":
            return self._sqlite_file.exists()
        with self.connection._nodb_cursor() as cursor:
            return self._template_database in self._databases(cursor)

    def test_database_exists(self):
        if self.vendor == "sqlite":
            return False  # in memory: every process starts with an empty one
        with self.connection._nodb_cursor() as cursor:
            return self.connection.creation._get_test_db_name() in self._databases(cursor)

    def restore(self, reuse):
        """Give this process's test database the migrated copy. With `reuse` (--reuse-db),
        a PostgreSQL test database that exists already is kept as it is."""
        creation = self.connection.creation
        test_name = creation._get_test_db_name()
        if self.vendor == "sqlite":
            source = sqlite3.connect(f"file:{self._sqlite_file}?mode=ro", uri=True)
            # The in-memory database lives as long as a connection to it is open: this one
            # stays open for the whole process, as Django's own does.
            self._memory = sqlite3.connect(test_name, uri=True, check_same_thread=False)
            source.backup(self._memory)
            source.close()
            os.utime(self._sqlite_file)
            return
        quote = self.connection.ops.quote_name
        with self.connection._nodb_cursor() as cursor:
            if test_name in self._databases(cursor):
                if reuse:
                    return
                cursor.execute(f"DROP DATABASE {quote(test_name)}")
            cursor.execute(
                f"CREATE DATABASE {quote(test_name)} TEMPLATE {quote(self._template_database)}"
            )

    def save(self):
        """Keep a copy of this process's freshly migrated test database."""
        connection = self.connection
        if self.vendor == "sqlite":
            connection.ensure_connection()
            partial = self._sqlite_file.with_suffix(f".{os.getpid()}.partial")
            copy = sqlite3.connect(partial)
            connection.connection.backup(copy)
            copy.close()
            os.replace(partial, self._sqlite_file)
            self._forget_unused_sqlite_copies()
        else:
            quote = connection.ops.quote_name
            test_name = connection.settings_dict["NAME"]
            connection.close()  # a template is copied only while nobody is connected to it
            with connection._nodb_cursor() as cursor:
                for name in self._databases(cursor):
                    if name.startswith(self._template_prefix):  # an older or a rebuilt one
                        cursor.execute(f"DROP DATABASE {quote(name)}")
                cursor.execute(
                    f"CREATE DATABASE {quote(self._template_database)} TEMPLATE {quote(test_name)}"
                )
        self._mark_built()

    def _forget_unused_sqlite_copies(self):
        for path in CACHE_DIR.glob("sqlite-*.sqlite3"):
            try:
                if path != self._sqlite_file and time.time() - path.stat().st_mtime > UNUSED_FOR:
                    path.unlink()
                    path.with_suffix(".run").unlink(missing_ok=True)
            except OSError:
                pass


def setup_databases(
    setup, aliases, *, run_id, reuse=False, rebuild=False, use_migrations=True, **options
):
    """Django's `setup_databases` (`setup`), from the migrated copies when they are cached,
    building and caching them otherwise. `reuse`: --reuse-db; `rebuild`: --create-db."""
    aliases = sorted(aliases)
    if not (use_migrations and aliases and all(Template.supported(a) for a in aliases)):
        return setup(aliases=aliases, keepdb=reuse and not rebuild, **options)
    templates = [Template(alias, run_id) for alias in aliases]
    with locked("-".join(t.name for t in templates)):
        if all(t.exists() and (t.built_in_this_run() or not rebuild) for t in templates):
            for template in templates:
                template.restore(reuse=reuse and not rebuild)
            return setup(aliases=aliases, keepdb=True, **options)
        # A database kept by an earlier --reuse-db run holds what its tests left: it is used
        # as it is, but only a freshly migrated database is worth copying.
        fresh = not (reuse and not rebuild and any(t.test_database_exists() for t in templates))
        config = setup(aliases=aliases, keepdb=reuse and not rebuild, **options)
        if fresh:
            for template in templates:
                template.save()
        return config
