"""E-mail alerts on a saved filter: double opt-in, signed links, digests, one-click unsubscribe."""

import datetime
import re

import pytest
from django.core import signing
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog import caching
from catalog.models import Commitment
from participation import alerts
from participation.models import Subscription
from tests.factories import CommitmentFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def youth(db):
    return ThemeFactory(slug="youth", name="Youth")


def link(body, kind):
    return re.search(rf"http://127\.0\.0\.1:8000(/en/alerts/{kind}/[^/\s]+/)", body).group(1)


def subscribe(client, smtp, query="theme=youth", email="reader@example.org"):
    response = client.post("/en/alerts/", {"email": email, "query": query})
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    return link(smtp.body(), "confirm")


def test_catalogue_links_to_alerts_with_its_filters(client, youth):
    html = client.get("/en/commitments/?theme=youth").content.decode()
    assert 'href="/en/alerts/?theme=youth"' in html
    page = client.get("/en/alerts/?theme=youth").content.decode()
    assert "Theme: Youth" in page and "csrfmiddlewaretoken" in page


def test_double_opt_in_digest_and_one_click_unsubscribe(client, smtp, youth):
    confirm = subscribe(client, smtp)
    (message,) = smtp.messages
    assert message.envelope_to == ["reader@example.org"]
    assert message["Subject"] == "Confirm your OSCE Portal alert"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None
    # Nothing is sent before confirmation.
    CommitmentFactory(themes=[youth])
    assert alerts.send_digests() == 0
    response = client.post(confirm)
    assert response.status_code == 200 and "Your alert is confirmed" in response.content.decode()
    # A replayed confirmation link is refused.
    assert client.post(confirm).status_code == 400
    assert client.get(confirm).status_code == 400

    subscription.refresh_from_db()
    start = subscription.confirmed_at
    CommitmentFactory(
        title="A youth decision", symbol="MC.DEC/9/26", symbol_status="verified", themes=[youth]
    )
    CommitmentFactory(title="Not about youth")
    CommitmentFactory(title="A youth draft", themes=[youth], draft=True)
    call_command("send_alerts", stdout=open("/dev/null", "w"))
    assert len(smtp.messages) == 2
    digest = smtp.messages[-1]
    body = smtp.body()
    assert digest["Subject"] == "OSCE Portal: new and changed records"
    assert "New:\n- MC.DEC/9/26 — A youth decision" in body
    assert "Not about youth" not in body and "A youth draft" not in body
    unsubscribe = link(body, "unsubscribe")
    assert str(digest["List-Unsubscribe"]).strip() == f"<http://127.0.0.1:8000{unsubscribe}>"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Subscription.objects.get().last_sent_at > start
    # Run twice: nothing is sent twice.
    call_command("send_alerts", stdout=open("/dev/null", "w"))
    assert len(smtp.messages) == 2
    # A change is in the next digest, under "Changed".
    record = Commitment.objects.get(title="A youth decision")
    record.summary = "Changed summary."
    record.save()
    alerts.send_digests()
    assert len(smtp.messages) == 3
    assert "Changed:\n- MC.DEC/9/26 — A youth decision" in smtp.body()
    # One-click unsubscribe: a POST without a CSRF token, as mail clients send it.
    from django.test import Client

    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert one_click.status_code == 200
    assert Subscription.objects.count() == 0
    # Replayed: already unsubscribed.
    assert client.post(unsubscribe).status_code == 404


def test_forged_tokens_are_refused(client, youth):
    subscription = Subscription.objects.create(email="a@example.org", query="", nonce="n" * 32)
    forged = signing.dumps({"s": subscription.pk, "n": "n" * 32}, salt="wrong-salt")
    assert client.get(f"/en/alerts/confirm/{forged}/").status_code == 400
    assert client.get("/en/alerts/confirm/garbage/").status_code == 400
    wrong_nonce = signing.dumps({"s": subscription.pk, "n": "x"}, salt=alerts.UNSUBSCRIBE_SALT)
    assert client.post(f"/en/alerts/unsubscribe/{wrong_nonce}/").status_code == 404
    # A confirmation token is no unsubscribe token.
    confirm = alerts.token(subscription, alerts.CONFIRM_SALT)
    assert client.post(f"/en/alerts/unsubscribe/{confirm}/").status_code == 404
    assert Subscription.objects.get().confirmed_at is None


def test_expired_confirmation_is_refused(client, youth, settings):
    subscription = Subscription.objects.create(email="a@example.org", query="", nonce="n" * 32)
    token = alerts.token(subscription, alerts.CONFIRM_SALT)
    from unittest import mock

    later = timezone.now().timestamp() + alerts.CONFIRM_MAX_AGE + 10
    with mock.patch("time.time", return_value=later):
        assert client.get(f"/en/alerts/confirm/{token}/").status_code == 400


@pytest.mark.parametrize(
    "data, status",
    [
        ({"email": "not-an-address", "query": "theme=youth"}, 400),
        ({"email": "", "query": "theme=youth"}, 400),
        ({"email": "a@example.org", "query": "theme=no-such-theme"}, 400),
        ({"email": "a@example.org", "query": "year_from=abc"}, 400),
        ({"email": "a@example.org", "query": "x" * 2001}, 400),
    ],
)
def test_bad_input_stores_and_sends_nothing(client, smtp, youth, data, status):
    assert client.post("/en/alerts/", data).status_code == status
    assert Subscription.objects.count() == 0
    assert smtp.messages == []


def test_an_invalid_filter_in_the_address_is_a_400(client, db):
    assert client.get("/en/alerts/?kind=foo").status_code == 400


def test_a_filter_that_no_longer_validates_sends_nothing(smtp, youth):
    Subscription.objects.create(
        email="a@example.org", query="theme=youth", nonce="n", confirmed_at=timezone.now()
    )
    youth.delete()
    CommitmentFactory()
    assert alerts.send_digests() == 0
    assert smtp.messages == []


def test_pages_never_show_another_subscribers_address(client, smtp, youth):
    subscribe(client, smtp, email="first@example.org")
    response = client.post("/en/alerts/", {"email": "second@example.org", "query": "theme=youth"})
    assert b"first@example.org" not in response.content
    assert smtp.messages[-1].envelope_to == ["second@example.org"]
    assert "first@example.org" not in smtp.messages[-1].as_string()


def test_digest_never_lists_unpublished_records(smtp, youth):
    Subscription.objects.create(
        email="a@example.org",
        query="theme=youth",
        nonce="n",
        confirmed_at=timezone.now() - datetime.timedelta(hours=1),
    )
    for trait in ("draft", "in_review", "archived", "scheduled"):
        CommitmentFactory(title=f"Hidden {trait}", themes=[youth], **{trait: True})
    assert alerts.send_digests() == 0


def test_alerts_page_query_count(client, youth):
    # The catalogue version exists (the writes that made the catalogue set it on commit).
    caching.catalogue_version()
    with CaptureQueriesContext(connection) as context:
        assert client.get("/en/alerts/?theme=youth").status_code == 200
    assert len([q for q in context.captured_queries if "SAVEPOINT" not in q["sql"]]) == 1


# --- confirmation by a deliberate act; one subscription per address and filters ---------


def test_opening_the_confirmation_link_changes_nothing(client, smtp, youth):
    confirm = subscribe(client, smtp)
    for _ in range(3):
        assert client.head(confirm).status_code == 200
        page = client.get(confirm)
        assert page.status_code == 200
    html = page.content.decode()
    assert f'<form method="post" action="{confirm}">' in html
    assert "csrfmiddlewaretoken" in html
    assert '<button type="submit" class="button">Confirm the alert</button>' in html
    assert "Theme: Youth" in html
    assert Subscription.objects.get().confirmed_at is None

    assert "Your alert is confirmed" in client.post(confirm).content.decode()
    assert Subscription.objects.get().confirmed_at is not None


def test_the_confirmation_button_needs_the_pages_csrf_token(smtp, youth):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    response = browser.get("/en/alerts/?theme=youth")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    browser.post(
        "/en/alerts/",
        {"email": "r@example.org", "query": "theme=youth", "csrfmiddlewaretoken": token.group(1)},
    )
    confirm = link(smtp.body(), "confirm")
    assert browser.post(confirm).status_code == 403
    page = browser.get(confirm).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(confirm, {"csrfmiddlewaretoken": token}).status_code == 200
    assert Subscription.objects.get().confirmed_at is not None


def test_a_repeated_sign_up_stores_one_subscription_and_one_confirmation_per_window(
    client, smtp, youth
):
    import time_machine

    from participation.services import CONFIRMATION_WINDOW

    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for email in ("reader@example.org", "Reader@Example.org", "reader@example.org"):
            response = client.post("/en/alerts/", {"email": email, "query": "theme=youth"})
            assert "Check your inbox" in response.content.decode()
        assert (Subscription.objects.count(), len(smtp.messages)) == (1, 1)

        traveller.move_to(start + CONFIRMATION_WINDOW + datetime.timedelta(seconds=1))
        for _ in range(3):
            response = client.post(
                "/en/alerts/", {"email": "reader@example.org", "query": "theme=youth"}
            )
            assert "Check your inbox" in response.content.decode()
        assert (Subscription.objects.count(), len(smtp.messages)) == (1, 2)

        # Once confirmed, signing up again sends nothing and stores nothing.
        assert client.post(link(smtp.body(), "confirm")).status_code == 200
        traveller.move_to(start + 3 * CONFIRMATION_WINDOW)
        client.post("/en/alerts/", {"email": "reader@example.org", "query": "theme=youth"})
        assert (Subscription.objects.count(), len(smtp.messages)) == (1, 2)


def test_the_same_filters_in_another_order_are_the_same_subscription(client, smtp, youth):
    client.post(
        "/en/alerts/", {"email": "reader@example.org", "query": "theme=youth&kind=decision"}
    )
    client.post(
        "/en/alerts/", {"email": "reader@example.org", "query": "kind=decision&theme=youth"}
    )
    client.post("/en/alerts/", {"email": "reader@example.org", "query": "theme=youth"})
    assert sorted(Subscription.objects.values_list("query", flat=True)) == [
        "kind=decision&theme=youth",
        "theme=youth",
    ]
    assert len(smtp.messages) == 2


def test_send_alerts_goes_on_past_an_address_the_server_refuses(smtp, youth):
    import io

    since = timezone.now() - datetime.timedelta(hours=1)
    subscriptions = [
        Subscription.objects.create(
            email=email, query="theme=youth", nonce=email[:5], confirmed_at=since
        )
        for email in ("first@example.org", "gone@example.org", "third@example.org")
    ]
    CommitmentFactory(title="A youth decision", themes=[youth])
    smtp.refused.add("gone@example.org")
    out, err = io.StringIO(), io.StringIO()

    call_command("send_alerts", stdout=out, stderr=err)

    assert sorted(m.envelope_to[0] for m in smtp.messages) == [
        "first@example.org",
        "third@example.org",
    ]
    assert out.getvalue() == "Sent 2 digest(s).\n"
    assert err.getvalue() == (
        f"1 could not be sent (subscriptions #{subscriptions[1].pk}); "
        "they are tried again on the next run.\n"
    )
    subscriptions[1].refresh_from_db()
    assert subscriptions[1].last_sent_at is None

    smtp.refused.clear()
    call_command("send_alerts", stdout=out, stderr=err)
    assert [m.envelope_to[0] for m in smtp.messages][-1] == "gone@example.org"
    assert len(smtp.messages) == 3


def test_a_sign_up_in_russian_gets_its_confirmation_in_russian(client, smtp, youth):
    response = client.post("/ru/alerts/", {"email": "reader@example.org", "query": "theme=youth"})
    assert "Проверьте почту" in response.content.decode()
    (message,) = smtp.messages
    assert str(message["Subject"]).strip() == "Подтвердите подписку на уведомления Портала ОБСЕ"
    body = smtp.body()
    assert "Подтвердите в течение 7 дней, открыв ссылку:" in body
    confirm = re.search(r"http://127\.0\.0\.1:8000(/ru/alerts/confirm/[^/\s]+/)", body).group(1)
    page = client.get(confirm).content.decode()
    assert '<html lang="ru">' in page
    assert "Подтвердить подписку" in page


def test_the_digest_is_in_the_language_of_the_sign_up(client, smtp, youth):
    client.post("/ru/alerts/", {"email": "reader@example.org", "query": "theme=youth"})
    confirm = re.search(r"http://127\.0\.0\.1:8000(/ru/alerts/confirm/[^/\s]+/)", smtp.body())
    client.post(confirm.group(1))
    assert Subscription.objects.get().language == "ru"
    CommitmentFactory(title="A youth decision", slug="youth-decision", themes=[youth])
    call_command("send_alerts", stdout=open("/dev/null", "w"))
    digest = smtp.messages[-1]
    body = smtp.body()
    assert str(digest["Subject"]).strip() == "Портал ОБСЕ: новые и изменённые записи"
    assert (
        "Новые:\n- A youth decision\n  http://127.0.0.1:8000/ru/commitments/youth-decision/" in body
    )
    assert "http://127.0.0.1:8000/ru/alerts/unsubscribe/" in body
