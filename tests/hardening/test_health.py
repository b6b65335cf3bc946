"""Health endpoints for load balancers: JSON, no secrets, never throttled or cached."""

import pytest
from django.db import connection

from osce_portal import health
from tests.sitemap import whole_sitemap


def test_live_answers_without_touching_the_database(client):
    # No `db` fixture: any database access in the view would raise here.
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_ready_checks_database_and_migrations(client, db):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}
    assert "no-store" in response["Cache-Control"]


def test_ready_checks_the_cache_when_redis_is_configured(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/10"  # the locmem cache stands in; it answers
    assert client.get("/health/ready").json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "cache": "ok",
    }


def test_ready_fails_with_503_when_migrations_are_missing(client, db, monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(health.MigrationExecutor, "migration_plan", lambda self, targets: ["x"])
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "checks": {"database": "ok", "migrations": "failing"},
    }


def test_ready_fails_with_503_when_the_database_is_unreachable(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused to secret-host:5432")

    monkeypatch.setattr(health, "_database", broken)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "failing"
    assert b"secret-host" not in response.content


def test_health_is_not_throttled(client, db, settings):
    settings.API_ANON_THROTTLE_RATE = "1/minute"
    assert {client.get("/health/ready").status_code for _ in range(5)} == {200}
    assert {client.get("/health/live").status_code for _ in range(5)} == {200}


def test_health_is_not_in_the_sitemap(client, seed):
    sitemap = whole_sitemap(client)
    assert "/commitments/" in sitemap
    assert "/health" not in sitemap


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_health_only_reads(client, db, method):
    assert getattr(client, method)("/health/ready").status_code == 405


def test_health_answers_plain_http_even_when_https_is_enforced(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").status_code == 200
