"""Search inside official texts: paragraph vectors (PostgreSQL, GIN-indexed; each text's own
language configuration) or an FTS5 table (SQLite, rowid = paragraph id)."""

import django.contrib.postgres.search
from django.db import migrations

POSTGRESQL_FORWARD = ["CREATE INDEX paragraph_vector_gin ON texts_paragraph USING gin (vector)"]
POSTGRESQL_BACKWARD = ["DROP INDEX IF EXISTS paragraph_vector_gin"]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE texts_paragraph_fts USING fts5(content, "
    "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '3 4')"
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS texts_paragraph_fts"]


def _run(statements):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor == "postgresql":
            chosen = statements["postgresql"]
        elif connection.vendor == "sqlite":
            from catalog import search

            with connection.cursor() as cursor:
                if not search.sqlite_has_fts5(cursor):
                    return  # paragraphs are then matched by substring
            chosen = statements["sqlite"]
        else:
            return
        for statement in chosen:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("texts", "0002_editorial_permissions")]

    operations = [
        migrations.AddField(
            model_name="paragraph",
            name="vector",
            field=django.contrib.postgres.search.SearchVectorField(
                blank=True, editable=False, null=True
            ),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
