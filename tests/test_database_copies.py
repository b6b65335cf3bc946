"""The migrated test database every process starts from (tests/databases.py)."""

import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import databases


def test_the_test_database_has_every_migration_applied(db):
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert connection.introspection.table_names()  # a copy with tables, not an empty database


@pytest.mark.parametrize(
    "module",
    [
        "catalog.migrations.0001_initial",
        # The post_migrate receivers write into the migrated database too (permissions,
        # editorial groups).
        "tests.conftest",
    ],
    ids=["migration", "post_migrate receiver"],
)
def test_an_edited_module_is_another_copy(db, monkeypatch, module):
    key = databases.migration_key(connection)
    assert databases.migration_key(connection) == key
    edited = Path(sys.modules[module].__file__)
    read_bytes = Path.read_bytes
    monkeypatch.setattr(
        Path,
        "read_bytes",
        lambda path: read_bytes(path) + (b"\n# edited" if path == edited else b""),
    )
    assert databases.migration_key(connection) != key
