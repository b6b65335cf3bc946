"""Django's Redis cache, answering as an empty cache while Redis is unreachable.

Django's `RedisCache` raises on a connection error, so a Redis outage would turn every page
that reads the cache into a 500. `DegradingRedisCache` catches Redis's errors instead: a read
finds nothing, a write keeps nothing, `incr` finds no key. Every public page, the API and the
exports are then computed from the database (slower, still correct: nothing is served from a
cache that cannot be read).

After a failure the process stops asking Redis for `RETRY_AFTER` seconds (a circuit breaker:
an unreachable host would otherwise cost a connection timeout per operation), then tries
again. Short socket timeouts (settings.py) bound what the first failing operation costs.

While Redis was unreachable, writes could not move the catalogue version on (caching.py), so
a Redis that comes back with its data (a network partition, a restart that kept its dump)
would serve pages of an older catalogue: every function in `on_reconnect` runs once when the
cache answers again (catalog.caching registers one that replaces the version).

`is_degraded()` tells the health check and the rate limits that the cache is not answering.
"""

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Called (no arguments) once when a cache answers again after an outage.
on_reconnect = []

# Per process and location: Django builds one cache object per thread, the outage is shared.
_down_until = {}
_lock = threading.Lock()


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one redis-py client per connection pool.

    Django builds a new `redis.Redis` for every operation; building one (its response
    callbacks, its retry and connection settings) costs more CPU than the round trip to a
    local Redis, several times per page. A `redis.Redis` is safe to share between threads (it
    takes a connection from its pool per command), and the pools are already kept here.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class DegradingRedisCache(RedisCache):
    RETRY_AFTER = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._retry_after = float(params.get("RETRY_AFTER", self.RETRY_AFTER))
        self._circuit = str(server)

    # --- the circuit ----------------------------------------------------------------------

    def is_degraded(self):
        return self._circuit in _down_until

    def _guarded(self, operation, fallback, *args, **kwargs):
        down_until = _down_until.get(self._circuit)
        if down_until is not None:
            if time.monotonic() < down_until:
                return fallback()
            # Half open: one probe, and the reconnection steps before anything is read.
            try:
                self._cache.get_client(None, write=True).ping()
            except RedisError as error:
                return self._failed(error, fallback)
            with _lock:
                recovered = _down_until.pop(self._circuit, None) is not None
            if recovered:
                logger.warning("Cache reachable again")
                for callback in on_reconnect:
                    callback()
        try:
            return operation(*args, **kwargs)
        except RedisError as error:
            return self._failed(error, fallback)

    def _failed(self, error, fallback):
        with _lock:
            first = self._circuit not in _down_until
            _down_until[self._circuit] = time.monotonic() + self._retry_after
        if first:
            logger.warning(
                "Cache unreachable (%s): answering from the database, retrying every %s s",
                type(error).__name__,
                self._retry_after,
            )
        return fallback()

    # --- Django's cache API ---------------------------------------------------------------

    def add(self, key, value, timeout=..., version=None):
        timeout = self.default_timeout if timeout is ... else timeout
        return self._guarded(super().add, lambda: False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(super().get, lambda: default, key, default, version)

    def set(self, key, value, timeout=..., version=None):
        timeout = self.default_timeout if timeout is ... else timeout
        return self._guarded(super().set, lambda: None, key, value, timeout, version)

    def touch(self, key, timeout=..., version=None):
        timeout = self.default_timeout if timeout is ... else timeout
        return self._guarded(super().touch, lambda: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(super().delete, lambda: False, key, version)

    def get_many(self, keys, version=None):
        return self._guarded(super().get_many, dict, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(super().has_key, lambda: False, key, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found.")

        return self._guarded(super().incr, missing, key, delta, version)

    def set_many(self, data, timeout=..., version=None):
        timeout = self.default_timeout if timeout is ... else timeout
        return self._guarded(super().set_many, lambda: list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guarded(super().delete_many, lambda: None, keys, version)

    def clear(self):
        return self._guarded(super().clear, lambda: False)


def is_degraded(alias="default"):
    """Whether the cache `alias` is a Redis cache that is not answering."""
    backend = caches[alias]
    return bool(getattr(backend, "is_degraded", lambda: False)())
