"""The same alert sign-up sent twice at the same moment makes one subscription and one
confirmation message: the database allows one subscription per address (in any case) and
filters, and the request that loses the race is told what the other one did."""

import threading

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction

from participation import services
from participation.models import Subscription

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_subscription_for_an_address_and_filters():
    Subscription.objects.create(email="Reader@Example.org", query="theme=youth", nonce="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(email="reader@example.org", query="theme=youth", nonce="b")
    # Other filters, or another address, are other subscriptions.
    Subscription.objects.create(email="reader@example.org", query="theme=cyber", nonce="c")
    Subscription.objects.create(email="other@example.org", query="theme=youth", nonce="d")
    assert Subscription.objects.count() == 3


PAIRS = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
def test_simultaneous_sign_ups_make_one_subscription_and_one_message():
    for pair in range(PAIRS):
        email = f"reader{pair}@example.org"
        barrier = threading.Barrier(2)
        sent = [None, None]

        def sign_up(index, email=email, barrier=barrier, sent=sent):
            try:
                barrier.wait()
                sent[index] = services.subscribe(
                    email=email if index == 0 else email.upper(), query="theme=youth"
                )
            finally:
                connection.close()

        threads = [threading.Thread(target=sign_up, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert Subscription.objects.filter(email__iexact=email).count() == 1
        assert sorted(sent) == [False, True]
    assert len(mail.outbox) == PAIRS
