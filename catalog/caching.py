"""Cache for what is derived from the whole published catalogue (facet counts, home figures,
the API's conditional-GET state, whole anonymous pages).

Everything is cached under a catalogue version token that every write of public data replaces
(once, on commit: `catalog.changes` calls `new_catalogue_version`), so a change shows at once.
A scheduled record becomes public without any write, so the version also remembers when the
next scheduled publication comes due and is replaced at that moment: nothing is keyed by the
clock, and nothing is recomputed while the catalogue stays the same.
"""

import hashlib
import time
import uuid

from django.conf import settings
from django.core.cache import cache, caches
from django.db.models.signals import post_migrate
from django.utils import timezone
from django.utils.translation import get_language

from osce_portal import cache as shared_cache

from .models import Commitment

VERSION_KEY = "catalogue:version"
FRAGMENTS = "fragments"  # the cache alias of rendered fragments (settings.CACHES)
# Entries are never stale (the version changes instead); the timeout only frees memory.
TIMEOUT = 60 * 60


def catalogue_version():
    """The current version token (replaced by any write and when a scheduled record is due)."""
    state = cache.get(VERSION_KEY)
    if not _is_state(state):
        fresh = _new_state()
        cache.add(VERSION_KEY, fresh, _version_timeout())
        state = cache.get(VERSION_KEY)
        if not _is_state(state):  # a value of an older format, or a cache that keeps nothing
            cache.set(VERSION_KEY, fresh, _version_timeout())
            state = fresh
    token, due = state
    if due is not None and time.time() >= due:
        # A scheduled record has just become public: every worker sees the same new token.
        replacement = _new_state()
        if cache.get(VERSION_KEY) == state:
            cache.set(VERSION_KEY, replacement, _version_timeout())
        current = cache.get(VERSION_KEY)
        token, _due = current if _is_state(current) else replacement
    return token


def _version_timeout():
    """None (kept until replaced) in a shared cache; in a per-process cache, the bound on how
    long another worker may keep showing what a write has changed."""
    return getattr(settings, "CATALOGUE_VERSION_TIMEOUT", None)


def _is_state(value):
    return isinstance(value, tuple) and len(value) == 2


def new_catalogue_version():
    cache.set(VERSION_KEY, _new_state(), _version_timeout())


def step_if_due(now=None):
    """Move the version on when the scheduled publication it remembers has come due (the
    due-publication task; a request reading the version does the same). Returns whether it
    moved."""
    state = cache.get(VERSION_KEY)
    if not _is_state(state):
        return False
    _token, due = state
    if due is None or due > (now or time.time()):
        return False
    new_catalogue_version()
    return True


def _new_state():
    """(token, timestamp of the next scheduled publication or None)."""
    return uuid.uuid4().hex, next_publication_due()


def next_publication_due():
    """When the next scheduled record turns public (one index lookup), as a timestamp."""
    due = (
        Commitment.objects.filter(status=Commitment.Status.PUBLISHED, publish_at__gt=timezone.now())
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    return due.timestamp() if due else None


def _digest(parts):
    """A short, stable name for plain values (filters, a query, a record's key)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def request_version(request):
    """The catalogue version, read once per request, so every fragment of a page belongs to
    the same catalogue (and a page of twenty rows costs one read of the shared cache)."""
    if request is None:
        return catalogue_version()
    version = getattr(request, "_catalogue_version", None)
    if version is None:
        version = request._catalogue_version = catalogue_version()
    return version


def fragment(name, parts, render, request=None):
    """`render()` (HTML), kept in this worker's fragment cache for this catalogue version,
    language and `parts`."""
    if FRAGMENTS not in settings.CACHES:  # a configuration without it renders every time
        return render()
    key = f"fragment:{name}:{request_version(request)}:{_digest((get_language(), parts))}"
    fragments = caches[FRAGMENTS]
    html = fragments.get(key)
    if html is None:
        html = render()
        fragments.set(key, html, TIMEOUT)
    return html


def cached_many(name, parts, keys, load, timeout=TIMEOUT):
    """{key: value} for `keys` (plain values, e.g. (id, updated_at) pairs), each cached for
    this catalogue version and `parts` in one read of the shared cache; `load(missing_keys)`
    gives {key: value} for those not cached."""
    prefix = f"catalogue:{name}:{catalogue_version()}:{_digest(parts)}:"
    names = {f"{prefix}{_digest(key)}": key for key in keys}
    found = cache.get_many(list(names))
    values = {names[name]: value for name, value in found.items()}
    missing = [key for key in keys if key not in values]
    if missing:
        loaded = load(missing)
        by_key = {key: name for name, key in names.items()}
        cache.set_many({by_key[key]: value for key, value in loaded.items()}, timeout)
        values.update(loaded)
    return values


def cached(name, parts, compute, timeout=TIMEOUT):
    """`compute()`, cached for this catalogue version and `parts` (e.g. the filters)."""
    key = f"catalogue:{name}:{catalogue_version()}:{_digest(parts)}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def _migrated(sender, **kwargs):
    # Every deploy runs migrate: a new version, so no value cached by an older release (whose
    # format may differ) is ever read by this one.
    if sender.name == "catalog":
        new_catalogue_version()


post_migrate.connect(_migrated, dispatch_uid="cache-after-migrate")

# Writes made while the cache was unreachable could not move the version on: a cache that
# comes back with its data gets a new one, so nothing cached before the outage is served.
if new_catalogue_version not in shared_cache.on_reconnect:
    shared_cache.on_reconnect.append(new_catalogue_version)
