"""The migrated test database every process starts from (tests/databases.py)."""

import sys
from pathlib import Path

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import databases


def test_the_test_database_has_every_migration_applied(db):
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert connection.introspection.table_names()  # a copy with tables, not an empty database


def test_an_edited_migration_is_another_copy(db, monkeypatch):
    key = databases.migration_key(connection)
    assert databases.migration_key(connection) == key
    edited = Path(sys.modules["catalog.migrations.0001_initial"].__file__)
    read_bytes = Path.read_bytes
    monkeypatch.setattr(
        Path,
        "read_bytes",
        lambda path: read_bytes(path) + (b"\n# edited" if path == edited else b""),
    )
    assert databases.migration_key(connection) != key


def test_an_edited_post_migrate_receiver_is_another_copy(db, monkeypatch):
    """The receivers write into the migrated database too (permissions, editorial groups)."""
    key = databases.migration_key(connection)
    edited = Path(sys.modules["tests.conftest"].__file__)
    read_bytes = Path.read_bytes
    monkeypatch.setattr(
        Path,
        "read_bytes",
        lambda path: read_bytes(path) + (b"\n# edited" if path == edited else b""),
    )
    assert databases.migration_key(connection) != key
