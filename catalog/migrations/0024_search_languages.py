"""Search in every language of the site, and a table of distinct words for typo matching.

PostgreSQL: the `unaccent` extension and one text-search configuration per language
(`osce_english`, `osce_french`, …, `osce_simple`): a copy of the built-in one whose word
mappings run `unaccent` before the stemmer (the configuration PostgreSQL's documentation gives
for accent-insensitive search), so "ministeriel" finds "ministériel" and "елка" "ёлка". A
vector per language beside the English one, each with a GIN index; until
`manage.py rebuild_search_index` fills them they hold the English vector. The trigram index
on the documents' words goes: typos are matched against `SearchWord` and its own trigram index.

SQLite: the FTS5 table gains three columns per language (title, summary, context), rebuilt
from its own content (the new columns are filled by `rebuild_search_index`).
"""

import django.contrib.postgres.search
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

LANGUAGES = {
    "fr": "french",
    "de": "german",
    "it": "italian",
    "ru": "russian",
    "es": "spanish",
}
CONFIGURATIONS = {
    "english": "english_stem",
    **{name: f"{name}_stem" for name in LANGUAGES.values()},
}

POSTGRESQL_FORWARD = [
    *(
        statement
        for name, stemmer in {**CONFIGURATIONS, "simple": "simple"}.items()
        for statement in (
            f"CREATE TEXT SEARCH CONFIGURATION osce_{name} (COPY = pg_catalog.{name})",
            f"ALTER TEXT SEARCH CONFIGURATION osce_{name} "
            f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {stemmer}",
        )
    ),
    *(
        f"CREATE INDEX search_vector_{code}_gin ON catalog_searchdocument USING gin (vector_{code})"
        for code in LANGUAGES
    ),
    "UPDATE catalog_searchdocument SET "
    + ", ".join(f"vector_{code} = vector" for code in LANGUAGES),
    "DROP INDEX IF EXISTS search_words_trgm",
    "CREATE INDEX search_word_trgm ON catalog_searchword USING gin (word gin_trgm_ops)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS search_word_trgm",
    "CREATE INDEX search_words_trgm ON catalog_searchdocument USING gin (words gin_trgm_ops)",
    *(f"DROP INDEX IF EXISTS search_vector_{code}_gin" for code in LANGUAGES),
    *(
        f"DROP TEXT SEARCH CONFIGURATION IF EXISTS osce_{name}"
        for name in [*CONFIGURATIONS, "simple"]
    ),
]

FTS_TABLE = "catalog_search_fts"
ENGLISH_COLUMNS = "symbol, title, number, quotation, summary, context"
LANGUAGE_COLUMNS = ", ".join(
    f"{column}_{code}" for code in LANGUAGES for column in ("title", "summary", "context")
)
FTS_OPTIONS = "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '3 4'"


def _rebuild_fts(columns):
    def run(connection):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
            if cursor.fetchone() is None:
                return  # no FTS5 in this SQLite: search falls back to substring matching
            cursor.execute(
                f"CREATE VIRTUAL TABLE {FTS_TABLE}_new USING fts5({columns}, {FTS_OPTIONS})"
            )
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}_new (rowid, {ENGLISH_COLUMNS}) "
                f"SELECT rowid, {ENGLISH_COLUMNS} FROM {FTS_TABLE}"
            )
            cursor.execute(f"DROP TABLE {FTS_TABLE}")
            cursor.execute(f"ALTER TABLE {FTS_TABLE}_new RENAME TO {FTS_TABLE}")

    return run


def _run(postgresql, sqlite):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor == "postgresql":
            for statement in postgresql:
                schema_editor.execute(statement)
        elif connection.vendor == "sqlite":
            sqlite(connection)

    return run


forward = _run(POSTGRESQL_FORWARD, _rebuild_fts(f"{ENGLISH_COLUMNS}, {LANGUAGE_COLUMNS}"))
backward = _run(POSTGRESQL_BACKWARD, _rebuild_fts(ENGLISH_COLUMNS))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0023_thesaurus_terms"),
    ]

    operations = [
        # A no-op on SQLite (Django's extension operations run on PostgreSQL only). pg_trgm,
        # which the words' trigram index needs, was created by 0004.
        UnaccentExtension(),
        migrations.AlterField(
            model_name="searchdocument",
            name="words",
            field=models.TextField(
                blank=True,
                help_text=(
                    "Title, keywords, names of themes, categories and body, in every language."
                ),
            ),
        ),
        *(
            migrations.AddField(
                model_name="searchdocument",
                name=f"vector_{code}",
                field=django.contrib.postgres.search.SearchVectorField(blank=True, null=True),
            )
            for code in LANGUAGES
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=40, unique=True)),
            ],
            options={
                "verbose_name": "search word",
                "verbose_name_plural": "search words",
            },
        ),
        migrations.RunPython(forward, backward),
    ]
