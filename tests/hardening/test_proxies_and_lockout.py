"""Client addresses behind the configured proxies: the API throttle and the login lockout
count the right client, and a forged X-Forwarded-For changes nothing."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User

from catalog.api.throttling import AnonymousClientThrottle
from tests import resources

LIST_URL = "/api/v1/commitments/"
LOGIN_URL = "/admin/login/"
LOCKED = "Too many failed login attempts."


@pytest.fixture(autouse=True)
def rate(settings):
    settings.API_ANON_THROTTLE_RATE = "2/minute"


# --- API throttle -------------------------------------------------------------------------


def test_forged_forwarded_for_does_not_reset_the_limit(client, db):
    statuses = [
        client.get(
            LIST_URL, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 429, 429, 429]


def test_behind_one_proxy_the_address_the_proxy_saw_is_counted(client, db, settings):
    settings.TRUSTED_PROXIES = 1
    proxy = "10.0.0.2"

    def get(forwarded):
        return client.get(LIST_URL, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded).status_code

    # The proxy appends the real client; what the client wrote before it is not trusted.
    assert get("198.51.100.7") == 200
    assert get("1.1.1.1, 198.51.100.7") == 200
    assert get("2.2.2.2, 198.51.100.7") == 429
    # Another client behind the same proxy has its own count.
    assert get("198.51.100.8") == 200


def test_with_redis_every_worker_shares_the_count(client, db, monkeypatch):
    # Two Redis cache clients of their own, as two gunicorn workers hold.
    first_worker = resources.redis_cache()
    second_worker = resources.redis_cache(first_worker.key_prefix)
    try:
        monkeypatch.setattr(AnonymousClientThrottle, "cache", first_worker)
        assert client.get(LIST_URL).status_code == 200
        assert client.get(LIST_URL).status_code == 200
        # The next request lands on another worker with its own connection: still limited.
        monkeypatch.setattr(AnonymousClientThrottle, "cache", second_worker)
        assert client.get(LIST_URL).status_code == 429
    finally:
        first_worker.clear()


# --- Login lockout ------------------------------------------------------------------------


@pytest.fixture
def editor(db):
    user = User.objects.create_user("editor", password="correct horse battery", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def login(client, username, password, address="192.0.2.10", **extra):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **extra,
    )


def fail_five_times(client, username, address="192.0.2.10", **extra):
    for _ in range(5):
        response = login(client, username, "wrong", address, **extra)
        assert response.status_code in (200, 429)


def test_five_failures_lock_the_username_from_that_address(client, editor):
    fail_five_times(client, "editor")
    response = login(client, "editor", "correct horse battery")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The same username from another address is not locked.
    assert login(client, "editor", "correct horse battery", "192.0.2.11").status_code == 302


def test_the_lockout_does_not_tell_whether_the_user_exists(client, editor):
    fail_five_times(client, "editor")
    fail_five_times(client, "nobody-by-this-name")
    existing = login(client, "editor", "wrong")
    missing = login(client, "nobody-by-this-name", "wrong")
    assert existing.status_code == missing.status_code == 429
    assert existing.content == missing.content


def test_forged_forwarded_for_does_not_escape_the_lockout(client, editor):
    for n in range(5):
        login(client, "editor", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = login(client, "editor", "correct horse battery", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert response.status_code == 429


def test_behind_a_proxy_the_lockout_counts_the_real_client(client, editor, settings):
    settings.TRUSTED_PROXIES = 1
    fail_five_times(client, "editor", "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
    locked = login(
        client, "editor", "correct horse battery", "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert locked.status_code == 429
    other = login(
        client, "editor", "correct horse battery", "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert other.status_code == 302


def test_a_publisher_unlocks_a_login_from_the_admin(client, editor):
    fail_five_times(client, "editor")
    assert login(client, "editor", "correct horse battery").status_code == 429

    publisher = User.objects.create_user("publisher", password="another long secret", is_staff=True)
    publisher.groups.add(Group.objects.get(name="Publisher"))
    client.force_login(publisher)
    changelist = client.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200
    assert "editor" in changelist.content.decode()
    attempt = AccessAttempt.objects.get(username="editor")
    delete_url = f"/admin/axes/accessattempt/{attempt.pk}/delete/"
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    client.logout()

    assert login(client, "editor", "correct horse battery").status_code == 302


def test_editors_cannot_unlock_logins(client, editor):
    client.force_login(editor)
    assert client.get("/admin/axes/accessattempt/").status_code == 403
