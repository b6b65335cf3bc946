"""The commitments' API answers for the seed catalogue stay what they were, field for field.

`tests/api/data/seed_answers.<database>.json` holds the SHA-256 of every answer below (the
list in every format and every seed record's detail in every JSON format, with every list in a
fixed order: PostgreSQL orders ties as it likes), taken
when the API
still rendered commitments through a hand-written twin of its serializer (which a test
compared with the serializer for every seed record); one file per database, as the two order
ties and relations differently. The serializer is now the only
description of a commitment: its answers must be the twin's.

A deliberate change of the representation regenerates the file:
`OSCE_REGENERATE_SEED_ANSWERS=1 .venv/bin/pytest tests/api/test_seed_answers.py`, on SQLite and
on PostgreSQL.
"""

import hashlib
import json
import os
from pathlib import Path

import pytest
from django.db import connection

from catalog.models import Commitment

LIST_URL = "/api/v1/commitments/"
# (query, headers): JSON by default and by parameter (links keep ?format=json), indented JSON,
# CSV (lists only).
LIST_FORMATS = [
    ({}, {}),
    ({"format": "json"}, {}),
    ({}, {"Accept": "application/json; indent=4"}),
    ({"format": "csv"}, {}),
    ({}, {"Accept": "text/csv"}),
]
DETAIL_FORMATS = [fmt for fmt in LIST_FORMATS if "csv" not in str(fmt)]


def seed_requests():
    slugs = list(Commitment.objects.published().order_by("slug").values_list("slug", flat=True))
    # (CSV on SQLite only: a cell of a PostgreSQL CSV row may list tied relations in any order.)
    formats = LIST_FORMATS if connection.vendor == "sqlite" else DETAIL_FORMATS
    requests = [(LIST_URL, {**query, "page_size": 100}, headers) for query, headers in formats]
    requests += [
        (f"{LIST_URL}{slug}/", query, headers)
        for slug in slugs
        for query, headers in DETAIL_FORMATS
    ]
    return requests


def comparable(response):
    """The body, with every list in a fixed order: PostgreSQL gives rows that tie in an order
    (records in the list, relations in a record) in no fixed order."""
    if "csv" in response["Content-Type"]:
        header, *rows = response.content.decode().splitlines(keepends=True)
        return (header + "".join(sorted(rows))).encode()
    return json.dumps(_sorted(response.json()), ensure_ascii=False).encode()


def _sorted(value):
    if isinstance(value, dict):
        return {key: _sorted(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((_sorted(item) for item in value), key=json.dumps)
    return value


def name(url, query, headers):
    return f"{url}?{sorted(query.items())} {sorted(headers.items())}"


@pytest.fixture
def answer(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    settings.API_ANON_THROTTLE_RATE = ""

    def body(url, query, headers):
        response = client.get(url, query, headers=headers)
        assert response.status_code == 200, (url, query, headers)
        return hashlib.sha256(comparable(response)).hexdigest()

    return body


def test_every_seed_answer_is_field_for_field_what_it_was(seed, answer):
    snapshot = Path(__file__).parent / "data" / f"seed_answers.{connection.vendor}.json"
    found = {name(*request): answer(*request) for request in seed_requests()}
    if os.environ.get("OSCE_REGENERATE_SEED_ANSWERS"):
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    expected = json.loads(snapshot.read_text())

    assert len(found) > 100
    assert sorted(found) == sorted(expected)
    assert sorted(key for key in found if found[key] != expected[key]) == []
