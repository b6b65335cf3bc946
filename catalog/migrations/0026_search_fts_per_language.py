"""SQLite: one FTS5 table per language instead of language columns in the English table.

FTS5's bm25 measures a row by the tokens of all its columns, so translations stored beside the
English columns changed the ranking of English queries (a record with long translations
ranked lower). The English table (`catalog_search_fts`) goes back to its six English columns;
each other language has its own (`catalog_search_fts_fr`, …): the six English columns and the
language's title, summary and context, filled by `manage.py rebuild_search_index` (a new
database is filled as records are loaded). PostgreSQL (and a SQLite without FTS5) is left
unchanged.
"""

from django.db import migrations

TABLE = "catalog_search_fts"
LANGUAGES = ("fr", "de", "it", "ru", "es")
ENGLISH_COLUMNS = "symbol, title, number, quotation, summary, context"
OPTIONS = "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '3 4'"


def _language_columns(code):
    return f"title_{code}, summary_{code}, context_{code}"


def _rebuild(table, columns, cursor):
    cursor.execute(f"CREATE VIRTUAL TABLE {table}_new USING fts5({columns}, {OPTIONS})")
    cursor.execute(
        f"INSERT INTO {table}_new (rowid, {ENGLISH_COLUMNS}) "
        f"SELECT rowid, {ENGLISH_COLUMNS} FROM {TABLE}"
    )


def _has_fts(cursor):
    cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [TABLE])
    return cursor.fetchone() is not None


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if not _has_fts(cursor):
            return  # no FTS5 in this SQLite: search falls back to substring matching
        for code in LANGUAGES:
            cursor.execute(
                f"CREATE VIRTUAL TABLE {TABLE}_{code} USING fts5("
                f"{ENGLISH_COLUMNS}, {_language_columns(code)}, {OPTIONS})"
            )
        _rebuild(TABLE, ENGLISH_COLUMNS, cursor)
        cursor.execute(f"DROP TABLE {TABLE}")
        cursor.execute(f"ALTER TABLE {TABLE}_new RENAME TO {TABLE}")


def backward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if not _has_fts(cursor):
            return
        for code in LANGUAGES:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}_{code}")
        columns = ", ".join([ENGLISH_COLUMNS, *map(_language_columns, LANGUAGES)])
        _rebuild(TABLE, columns, cursor)
        cursor.execute(f"DROP TABLE {TABLE}")
        cursor.execute(f"ALTER TABLE {TABLE}_new RENAME TO {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0025_translated_content"),
    ]

    operations = [migrations.RunPython(forward, backward)]
