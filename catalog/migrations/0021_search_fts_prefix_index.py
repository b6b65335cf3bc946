"""SQLite: the FTS5 search table gets prefix indexes for 3- and 4-character prefixes.

The last word of a query is matched as a prefix ("terr" finds terrorism, territorial, …).
Without a prefix index FTS5 merges the entries of every word that starts with it, which for a
short prefix at 100,000 records cost more than the rest of the search; with one, a 3- or
4-character prefix is read like a single word. Longer prefixes match few words and are merged
as before. The matches are the same either way. The table is rebuilt from its own content.
PostgreSQL (and a SQLite without FTS5) is left unchanged.
"""

from django.db import migrations

TABLE = "catalog_search_fts"
COLUMNS = "symbol, title, number, quotation, summary, context"
TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"


def _rebuild(options):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [TABLE])
            if cursor.fetchone() is None:
                return  # no FTS5 in this SQLite: search falls back to substring matching
            cursor.execute(f"CREATE VIRTUAL TABLE {TABLE}_new USING fts5({COLUMNS}, {options})")
            cursor.execute(
                f"INSERT INTO {TABLE}_new (rowid, {COLUMNS}) SELECT rowid, {COLUMNS} FROM {TABLE}"
            )
            cursor.execute(f"DROP TABLE {TABLE}")
            cursor.execute(f"ALTER TABLE {TABLE}_new RENAME TO {TABLE}")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0020_publishers_unlock_logins"),
    ]

    operations = [
        migrations.RunPython(
            _rebuild(f"{TOKENIZE}, prefix = '3 4'"),
            _rebuild(TOKENIZE),
        ),
    ]
