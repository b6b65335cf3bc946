"""Running the tests leaves a developer's data alone.

A copy of the project gets what a developer's checkout has: a `.env` naming the site's Redis
database and other values no test expects, a `db.sqlite3` with data in it, and `REDIS_URL` in
the shell as well. The tests that use Redis, the cache, mail, subprocesses and the settings then
run in it, against a Redis server of this test's own (the developer's database 0, the tests'
database 1 as OSCE_TEST_REDIS_URL). Afterwards the developer's Redis database, `db.sqlite3` and
`.env` are byte for byte what they were, and the run wrote no file into the project.
"""

import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time

import pytest
from django.conf import settings

from tests import resources

pytestmark = pytest.mark.slow

COPIED_WITHOUT = shutil.ignore_patterns(
    ".git", ".venv", ".cache", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache",
    ".hypothesis", ".env", "db.sqlite3", "staticfiles", "backups", "media", "test-results",
)  # fmt: skip

PROBE = """
import os

from django.conf import settings


def test_the_settings_come_from_the_environment_only():
    assert settings.TIME_ZONE == "Europe/Vienna"
    assert settings.REDIS_URL == ""
    assert "REDIS_URL" not in os.environ
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
"""

# Tests that clear the cache, use Redis, send mail, migrate, or start manage.py in a subprocess.
INNER_TESTS = [
    "tests/test_probe_isolation.py",
    "tests/hardening/test_cache_freshness.py",
    "tests/participation/test_suggestions.py::test_rate_limit_per_address_in_redis",
    "tests/participation/test_suggestions.py::test_in_redis_a_count_expires_with_its_window",
    "tests/participation/test_alerts.py::test_double_opt_in_digest_and_one_click_unsubscribe",
    "tests/site/test_caching.py::test_a_migrate_run_starts_a_new_catalogue_version",
    "tests/test_settings.py::test_production_warns_when_rate_limits_would_be_counted_per_worker",
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_server(tmp_path):
    binary = shutil.which("redis-server")
    if not binary:
        resources.skip_or_fail("needs redis-server (scripts/install-test-tools)")
    import redis

    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        client = redis.Redis(port=port, db=0, socket_timeout=5)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def redis_contents(port, db):
    import redis

    client = redis.Redis(port=port, db=db)
    return {key: (client.type(key), client.dump(key)) for key in client.scan_iter()}


def project_files(root):
    return {
        path.relative_to(root): path.stat().st_mtime_ns
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_a_test_run_leaves_the_developers_redis_database_and_sqlite_file_untouched(
    tmp_path, redis_server
):
    import redis

    project = tmp_path / "project"
    shutil.copytree(settings.BASE_DIR, project, ignore=COPIED_WITHOUT)
    (project / "tests" / "test_probe_isolation.py").write_text(PROBE)

    developer_redis = f"redis://127.0.0.1:{redis_server}/0"
    site_cache = redis.Redis(port=redis_server, db=0)
    site_cache.set(":1:osce_portal:catalogue-version", "developer's version")
    site_cache.set(":1:osce_portal:page:/", "a cached page")
    site_cache.hset("unrelated", mapping={"kept": "yes"})
    with sqlite3.connect(project / "db.sqlite3") as database:
        database.execute("CREATE TABLE developer (note TEXT)")
        database.execute("INSERT INTO developer VALUES ('my local data')")
    database.close()
    (project / ".env").write_text(
        "DJANGO_DEBUG=on\n"
        f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}\n"
        f"REDIS_URL={developer_redis}\n"
        "DJANGO_TIME_ZONE=Pacific/Kiritimati\n"
        f"DATABASE_URL=sqlite:///{project / 'db.sqlite3'}\n"
    )
    redis_before = redis_contents(redis_server, 0)
    sqlite_before = (project / "db.sqlite3").read_bytes()
    env_before = (project / ".env").read_bytes()
    files_before = project_files(project)

    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "REDIS_URL", "DATABASE_URL"))
    }
    environment.update(
        OSCE_TEST_REDIS_URL=f"redis://127.0.0.1:{redis_server}/1",
        TEST_SMTP_PORT=str(resources.smtp_port() + 50),
        OSCE_REQUIRE_TOOLS="1",  # Redis must answer: no test may be skipped
        # What runs keep for the next ones (the migrated test databases, Hypothesis's tables)
        # is this run's temporary folder: the inner run starts from the migrated copy as each
        # worker does, and nothing of it lands in the project (checked below, .cache included).
        OSCE_TEST_CACHE_DIR=str(resources.TEST_CACHE),
    )

    # REDIS_URL names the developer's database in .env and in the shell.
    environment["REDIS_URL"] = developer_redis
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *INNER_TESTS],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert "passed" in summary and "skipped" not in summary, summary

    assert redis_contents(redis_server, 0) == redis_before
    assert (project / "db.sqlite3").read_bytes() == sqlite_before
    assert (project / ".env").read_bytes() == env_before
    assert project_files(project) == files_before
