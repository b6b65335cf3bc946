"""Two people saving the same record at the same moment: one is saved, the other is told
someone saved first; neither edit silently replaces the other, whatever the record's status.

Real concurrency: each save runs in a thread of its own, with its own session and its own
database connection, released together by a barrier. Row locks make the point, so this runs on
PostgreSQL (SQLite has no row locks; its test database is one shared in-memory file)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import make_staff
from tests.editorial.conftest import change_url, load_form
from tests.factories import CommitmentFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: run on PostgreSQL"),
]

PAIRS = 5


def save_together(clients, forms, record):
    """Post both forms at the same moment; the two responses."""
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def save(index):
        try:
            barrier.wait()
            responses[index] = clients[index].post(change_url(record), forms[index])
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


@pytest.mark.parametrize(
    ("status", "group"),
    [("draft", "Editor"), ("in_review", "Editor"), ("archived", "Publisher")],
)
def test_concurrent_saves_lose_no_edit(django_user_model, status, group):
    people = [make_staff(django_user_model, name, group) for name in ("anna", "bruno")]
    outcomes, lost = [], 0
    for pair in range(PAIRS):
        record = CommitmentFactory(**{status: True}, title=f"Pair {pair} before")
        clients = []
        for person in people:
            client = Client()
            client.force_login(person)
            clients.append(client)
        forms = [load_form(client, record) for client in clients]
        for index, form in enumerate(forms):
            form["title"] = f"Pair {pair} by {people[index].username}"

        responses = save_together(clients, forms, record)

        record.refresh_from_db()
        saved = [i for i, response in enumerate(responses) if response.status_code == 302]
        refused = [
            i
            for i, response in enumerate(responses)
            if response.status_code == 200 and "after you opened it" in response.content.decode()
        ]
        outcomes.append((len(saved), len(refused)))
        lost += sum(1 for i in saved if record.title != forms[i]["title"])
        assert record.status == status

    assert lost == 0
    assert outcomes == [(1, 1)] * PAIRS
