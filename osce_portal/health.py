"""Health checks for load balancers and orchestrators: small JSON answers, never cached,
never throttled, no secrets (no versions, hosts or error texts).

- `/health/live`: the process answers (touches neither the database nor the cache).
- `/health/ready`: the database answers, every migration is applied, and the cache answers
  when a shared one (Redis) is configured. 200 when all hold; 503 naming what failed when the
  database or the migrations fail. A cache that does not answer is a degradation, not a
  failure (the site answers from the database, osce_portal/cache.py): 200 with
  `"status": "degraded"` and `"cache": "degraded"`, so a load balancer keeps sending traffic
  while monitoring sees the outage.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

_migrations_applied = False  # once true in a process, it stays true


def _database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def _migrations():
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_applied


def _cache():
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key) == "1"
    cache.delete(key)
    return found


def _run(name, check):
    try:
        return "ok" if check() else "failing"
    except Exception:  # report, never raise: the answer must stay a small JSON
        logger.exception("Health check %s failed", name)
        return "failing"


# Not wrapped in ATOMIC_REQUESTS' transaction: liveness must not even open a connection.
@transaction.non_atomic_requests
@never_cache
@require_safe
def live(request):
    return JsonResponse({"status": "ok"})


@transaction.non_atomic_requests
@never_cache
@require_safe
def ready(request):
    checks = {"database": _run("database", _database)}
    database_up = checks["database"] == "ok"
    checks["migrations"] = _run("migrations", _migrations) if database_up else "failing"
    serving = all(state == "ok" for state in checks.values())
    if settings.REDIS_URL:
        checks["cache"] = "ok" if _run("cache", _cache) == "ok" else "degraded"
    status = "failing" if not serving else "ok" if checks.get("cache", "ok") == "ok" else "degraded"
    return JsonResponse({"status": status, "checks": checks}, status=200 if serving else 503)
