"""gunicorn trusts forwarded headers exactly as the portal does (gunicorn.conf.py): with
DJANGO_TRUSTED_PROXIES=0 a local client's forged `X-Forwarded-Proto: https` does not make its
plain HTTP request secure; behind the one documented proxy it does."""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings

from tests import resources

pytestmark = pytest.mark.deploy

ROOT = settings.BASE_DIR


def free_port():
    for port in resources.port_range():
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    resources.skip_or_fail("no free loopback port")


def get(port, path, headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": "portal.example.org", **headers})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, response.getheader("Location")


@pytest.fixture
def gunicorn(tmp_path):
    started = []

    def start(trusted_proxies):
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FORWARDED"))}
        env.update(
            DJANGO_DEBUG="off",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="portal.example.org",
            DJANGO_TRUSTED_PROXIES=str(trusted_proxies),
            DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
            PAGE_CACHE_ENABLED="off",
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "osce_portal.wsgi", "--workers", "1",
             "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        started.append(process)
        for _ in range(100):
            try:
                get(port, "/health/live", {})
                return port
            except OSError:
                time.sleep(0.1)
        pytest.fail("gunicorn did not start")

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)


def test_without_trusted_proxies_a_forged_proto_header_changes_nothing(gunicorn):
    port = gunicorn(trusted_proxies=0)
    assert get(port, "/robots.txt", {"X-Forwarded-Proto": "https"}) == (
        301,
        "https://portal.example.org/robots.txt",
    )


def test_behind_the_documented_proxy_its_proto_header_counts(gunicorn):
    port = gunicorn(trusted_proxies=1)
    assert get(port, "/robots.txt", {"X-Forwarded-Proto": "https"}) == (200, None)
    assert get(port, "/robots.txt", {}) == (301, "https://portal.example.org/robots.txt")
