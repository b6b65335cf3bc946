"""What each test process may use on a shared machine, and nothing else.

The suite runs in several processes at once (pytest-xdist: `gw0`, `gw1`, …; a plain run is
`gw0`). Every resource outside the process is derived here from the worker's index, so two
workers never share one, and from the variables a developer sets for their own copy
(`OSCE_TEST_REDIS_URL`, `TEST_SMTP_PORT`), so two developers on one machine never share one:

- Redis: only the database `OSCE_TEST_REDIS_URL` names (never `REDIS_URL`), each worker under
  key prefixes of its own (`redis_cache()`); clearing one clears only its own keys.
- SMTP: `smtp_port()` = `TEST_SMTP_PORT` (default 22025) + 100 × worker index.
- Loopback ports for servers a test starts (nginx, gunicorn): `port_range()`, a slice of
  20400–20499 of its own per worker.
- PostgreSQL: pytest-django names each worker's test database (`test_<name>_gw0`, …); a
  scratch database a test creates carries the worker in its name (`scratch_database_name()`).
- Files: pytest's temporary folders only (`tmp_path`, `tmp_path_factory`); settings that name
  folders (media, static files, backups) point there for the whole run (tests/conftest.py).
  What a run keeps for the next ones — the migrated test databases (tests/databases.py),
  Hypothesis's Unicode tables (tests/conftest.py) and, under `make test`, bytecode — goes to
  `TEST_CACHE`, a temporary folder of this checkout's own (`OSCE_TEST_CACHE_DIR`, default
  `$TMPDIR/osce-portal-tests-<hash of the checkout's path>`), never into the project.
"""

import contextlib
import hashlib
import importlib.util
import os
import tempfile
import uuid
from pathlib import Path

import pytest
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.test import override_settings

TEST_REDIS_URL = os.environ.get("OSCE_TEST_REDIS_URL") or "redis://127.0.0.1:6379/10"
DEPLOY_PORTS = range(20400, 20500)
PROJECT = Path(__file__).resolve().parent.parent


def default_test_cache(project=PROJECT):
    """The Makefile computes the same folder (OSCE_TEST_CACHE_DIR) for its bytecode cache."""
    digest = hashlib.sha256(str(project).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir(), f"osce-portal-tests-{digest}")


TEST_CACHE = Path(os.environ.get("OSCE_TEST_CACHE_DIR") or default_test_cache())


def worker_id():
    return os.environ.get("PYTEST_XDIST_WORKER", "gw0")


def worker_index():
    name = worker_id()
    return int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else 0


def tools_required():
    """In CI a missing tool or service fails the tests that need it instead of skipping them."""
    return any(
        os.environ.get(name) for name in ("OSCE_REQUIRE_TOOLS", "OSCE_REQUIRE_DEPLOY_TESTS", "CI")
    )


def skip_or_fail(message):
    if tools_required():
        pytest.fail(message)
    pytest.skip(message)


def smtp_port():
    return int(os.environ.get("TEST_SMTP_PORT") or 22025) + 100 * worker_index()


def port_range(workers=5):
    """This worker's share of the deployment tests' loopback ports."""
    size = len(DEPLOY_PORTS) // workers
    start = DEPLOY_PORTS.start + (worker_index() % workers) * size
    return range(start, start + size)


def scratch_database_name(name, purpose):
    return f"{name}_{purpose}_{worker_id()}"


class ScopedRedisCache(RedisCache):
    """Django's Redis cache whose clear() deletes only its own keys.

    RedisCache.clear() empties the whole database (FLUSHDB); workers share the test database,
    so each clears only what it wrote under its own prefix.
    """

    def clear(self):
        client = self._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])


def redis_cache_settings(prefix=None):
    """A CACHES["default"] entry on the test Redis under a prefix of its own."""
    return {
        "BACKEND": "tests.resources.ScopedRedisCache",
        "LOCATION": TEST_REDIS_URL,
        "KEY_PREFIX": prefix or f"osce-test-{worker_id()}-{uuid.uuid4().hex[:12]}",
    }


def redis_cache(prefix=None):
    """A Redis cache client of its own (as a separate gunicorn worker holds), or a skip."""
    options = redis_cache_settings(prefix)
    cache = ScopedRedisCache(options["LOCATION"], {"KEY_PREFIX": options["KEY_PREFIX"]})
    try:
        cache.get("ping")
    except Exception:
        skip_or_fail(f"Redis is not reachable at {TEST_REDIS_URL} (OSCE_TEST_REDIS_URL)")
    return cache


SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def load_script(name):
    """A script of scripts/ (`bench`, `bench_mix`, …) loaded as a module, for its functions."""
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def built_once(django_db_blocker):
    """Data for a module's or a class's tests, built once (as Django's `setUpTestData`): written
    inside a transaction outside any test, with the suite's immediate task backend, and rolled
    back when the block ends; each test runs in its own nested transaction inside it. A
    request made while building leaves its language active: reset it before the tests."""
    from tests.task_backends import IMMEDIATE_TASKS

    with (
        django_db_blocker.unblock(),
        override_settings(TASKS=IMMEDIATE_TASKS),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)
