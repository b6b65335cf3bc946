"""The full catalogue export costs a fixed number of queries, whatever its size: one values()
query for the records (themes and categories aggregated in SQL) and one per vocabulary."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ActivityCategoryFactory,
    CategoryAssignmentFactory,
    CommitmentFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def make_records(count):
    themes = [ThemeFactory(position=2), ThemeFactory(position=1)]
    category = ActivityCategoryFactory()
    for _ in range(count):
        record = CommitmentFactory(themes=themes)
        CategoryAssignmentFactory(commitment=record, category=category)
    return themes, category


def export(client, fmt):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/en/commitments/export.{fmt}")
        body = b"".join(response.streaming_content).decode()
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().startswith(("SELECT", "DECLARE"))
    ]
    return body, reads


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_queries_do_not_grow_with_the_number_of_records(client, fmt):
    make_records(3)
    _, small = export(client, fmt)
    CommitmentFactory.create_batch(40)
    body, large = export(client, fmt)
    assert len(large) == len(small) == 3
    record_queries = [sql for sql in large if '"catalog_commitment"' in sql.split("FROM", 1)[1]]
    assert len(record_queries) == 1
    if fmt == "csv":
        assert len(list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))) == 44
    else:
        assert len(json.loads(body)["results"]) == 43


def test_export_names_themes_in_vocabulary_order(client):
    themes, category = make_records(1)
    (row,) = json.loads(b"".join(client.get("/en/commitments/export.json").streaming_content))[
        "results"
    ]
    assert row["themes"] == [themes[1].name, themes[0].name]  # by position
    assert row["categories"] == [category.name]
