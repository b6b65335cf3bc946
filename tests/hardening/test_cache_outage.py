"""A Redis outage degrades the site instead of failing it: with the cache unreachable every
public page, the API and the exports answer from the database (and show what the database
holds), the health check says "degraded", the e-mail-sending forms refuse politely (their rate
limit fails closed); when Redis is back the cache is used again.

The Redis here is a real server the test starts on a loopback port of its own and stops."""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import cache
from redis.backoff import NoBackoff
from redis.retry import Retry

from catalog.models import Commitment
from catalog.pagecache import HEADER
from osce_portal import cache as degrading
from tests.factories import (
    ActivityCategoryFactory,
    CategoryAssignmentFactory,
    CommitmentFactory,
    ThemeFactory,
)
from tests.resources import skip_or_fail, worker_index
from tests.writes import correct

pytestmark = pytest.mark.django_db

PORTS = range(6390, 6400)
RETRY_AFTER = 0.3


def free_port():
    preferred = PORTS.start + worker_index() % len(PORTS)
    for port in [preferred, *PORTS]:
        with socket.socket() as probe:
            # As redis-server binds: a port whose last connections wait in TIME_WAIT is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    skip_or_fail("No free port in 6390-6399 for a Redis server of the test's own")


class RedisServer:
    def __init__(self, port, folder):
        self.port, self.folder, self.process = port, folder, None

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        skip_or_fail(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path, settings):
    if not shutil.which("redis-server"):
        skip_or_fail("redis-server is not installed")
    server = RedisServer(free_port(), tmp_path)
    server.start()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "osce_portal.cache.DegradingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
            "KEY_PREFIX": "outage-test",
            "RETRY_AFTER": RETRY_AFTER,
            # As in settings.py with REDIS_URL set.
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "retry": Retry(NoBackoff(), 0),
            },
        },
    }
    settings.REDIS_URL = f"redis://127.0.0.1:{server.port}/0"
    degrading._down_until.clear()  # noqa: SLF001 - a process-wide circuit, fresh per test
    yield server
    server.stop()
    degrading._down_until.clear()  # noqa: SLF001


@pytest.fixture
def catalogue(db):
    theme = ThemeFactory(name="Outage theme", slug="outage-theme")
    category = ActivityCategoryFactory(slug="outage-category")
    records = [
        CommitmentFactory(title=f"Outage decision {n}", slug=f"outage-{n}", themes=[theme])
        for n in range(3)
    ]
    for record in records:
        CategoryAssignmentFactory(commitment=record, category=category)
    return {"theme": theme, "category": category, "records": records}


def public_addresses(catalogue):
    record = catalogue["records"][0]
    body = record.adopting_body
    return [
        "/en/",
        "/en/commitments/",
        "/en/commitments/?theme=outage-theme",
        "/en/commitments/?search=outage",
        record.get_absolute_url(),
        f"{record.get_absolute_url()}changes/",
        "/en/themes/",
        catalogue["theme"].get_absolute_url(),
        "/en/categories/",
        catalogue["category"].get_absolute_url(),
        "/en/institutions/",
        body.get_absolute_url(),
        body.organisation.get_absolute_url(),
        "/en/timeline/",
        "/en/matrix/",
        "/en/about/",
        f"/en/compare/?r={record.slug}",
        "/sitemap.xml",
        "/sitemap-commitments.xml",
        "/robots.txt",
        "/en/commitments/feed.atom",
        "/en/commitments/export.csv",
        "/en/commitments/export.json",
        "/api/v1/",
        "/api/v1/commitments/",
        f"/api/v1/commitments/{record.slug}/",
        "/api/v1/commitments/?format=csv",
        "/api/v1/themes/",
        "/api/v1/categories/",
        "/api/v1/institutions/",
        "/api/v1/organisations/",
    ]


def fetch(client, address):
    response = client.get(address)
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    return response.status_code, body


def statuses(client, addresses):
    return {address: fetch(client, address)[0] for address in addresses}


def test_a_redis_outage_costs_speed_never_an_error(client, redis_server, catalogue):
    addresses = public_addresses(catalogue)
    all_ok = dict.fromkeys(addresses, 200)
    assert statuses(client, addresses) == all_ok
    assert client.get("/en/")[HEADER] == "hit"

    redis_server.stop()

    assert statuses(client, addresses) == all_ok
    assert statuses(client, addresses) == all_ok  # past the first failure, too
    assert cache.get("anything") is None


def test_during_an_outage_pages_show_what_the_database_holds(client, redis_server, catalogue):
    record = catalogue["records"][0]
    assert "Outage decision 0" in fetch(client, "/en/commitments/")[1]
    redis_server.stop()

    correct(record, title="Corrected while the cache was down")

    for address in ("/en/commitments/", record.get_absolute_url(), "/api/v1/commitments/"):
        status, body = fetch(client, address)
        assert status == 200
        assert "Corrected while the cache was down" in body
        assert "Outage decision 0" not in body
    assert "Corrected while the cache was down" in fetch(client, "/en/commitments/export.csv")[1]


def test_the_health_check_reports_the_degradation(client, redis_server, catalogue):
    assert client.get("/health/ready").json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok"},
    }
    redis_server.stop()
    response = client.get("/health/ready")
    assert (response.status_code, response.json()) == (
        200,
        {
            "status": "degraded",
            "checks": {"database": "ok", "migrations": "ok", "cache": "degraded"},
        },
    )


def test_forms_that_send_mail_refuse_while_nothing_can_be_counted(client, redis_server, catalogue):
    redis_server.stop()
    record = catalogue["records"][0]
    response = client.post(
        f"{record.get_absolute_url()}suggest/",
        {"message": "A correction.", "email": "reader@example.org"},
    )
    assert response.status_code == 429
    assert "Suggestions cannot be accepted at the moment." in response.content.decode()
    response = client.post("/en/alerts/", {"email": "reader@example.org", "query": "kind=decision"})
    assert response.status_code == 429
    assert "Sign-ups cannot be accepted at the moment." in response.content.decode()


def test_when_redis_returns_the_cache_is_used_again(client, redis_server, catalogue):
    redis_server.stop()
    assert fetch(client, "/en/commitments/")[0] == 200
    redis_server.start()
    time.sleep(RETRY_AFTER + 0.1)

    first, second = client.get("/en/commitments/"), client.get("/en/commitments/")
    assert (first.status_code, first[HEADER], second[HEADER]) == (200, "miss", "hit")
    assert client.get("/health/ready").json()["status"] == "ok"
    assert not degrading.is_degraded()


def test_a_write_during_the_outage_is_not_hidden_by_pages_cached_before_it(
    client, redis_server, catalogue
):
    """A Redis that comes back with its data (a partition) must not serve the older pages."""
    record = catalogue["records"][0]
    assert client.get(record.get_absolute_url())[HEADER] == "miss"
    assert client.get(record.get_absolute_url())[HEADER] == "hit"
    # The partition: this process cannot reach Redis (which keeps its data) for a while.
    degrading._down_until[cache._circuit] = time.monotonic() + RETRY_AFTER  # noqa: SLF001

    correct(record, title="Corrected during the partition")
    time.sleep(RETRY_AFTER + 0.1)

    status, body = fetch(client, record.get_absolute_url())
    assert status == 200
    assert "Corrected during the partition" in body
    assert Commitment.objects.get(pk=record.pk).title == "Corrected during the partition"


def test_one_redis_client_serves_every_operation_and_survives_a_restart(redis_server, monkeypatch):
    """Django builds a redis-py client per operation (more CPU than a local round trip, several
    times per page); the portal's cache keeps one per connection pool. Counted with the real
    constructor wrapped: after the first operation, none builds another — not even across a
    restart of Redis, where the kept client reconnects through its pool."""
    built = []
    real_init = redis.Redis.__init__

    def counting_init(self, *args, **kwargs):
        if "connection_pool" in kwargs:  # the cache's (the test's own probe names a port)
            built.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting_init)
    cache.set("first", 1)
    assert len(built) == 1

    for n in range(5):
        cache.set(f"key-{n}", n)
        assert cache.get(f"key-{n}") == n
        assert cache.add(f"key-{n}", "other") is False
    assert cache.get_many(["key-0", "key-4", "missing"]) == {"key-0": 0, "key-4": 4}
    cache.delete_many(["key-0", "key-1"])
    assert cache.get("key-0") is None
    assert len(built) == 1

    redis_server.stop()
    assert cache.get("key-2") is None  # unreachable: answered as an empty cache
    redis_server.start()
    time.sleep(RETRY_AFTER + 0.05)  # the circuit's pause (a real wait: it reads the clock)
    cache.set("after", "restart")
    assert cache.get("after") == "restart"
    assert len(built) == 1
