"""Cache for what is derived from the published catalogue: facet counts, home figures, the
API's conditional-GET state, whole anonymous pages and API answers, records' representations.

Two kinds of keys, each keyed by what the value depends on:

- **The catalogue version**: a token every write of public data replaces (once, on commit:
  `catalog.changes` calls `catalogue_changed`), for what the whole catalogue decides (counts,
  figures, lists). A scheduled record becomes public without any write, so the version also
  remembers when the next scheduled publication comes due and is replaced at that moment:
  nothing is keyed by the clock, and nothing is recomputed while the catalogue stays the same.
- **A record's stamp** (`record_stamps`): a token per commitment, replaced when that record,
  or a record it is related to, changes, for what one record's page or API entry shows. An
  edit of record A leaves record B's page and API entry valid.

No visitor pays for a write. With a shared cache (Redis) a write's new version is first
*pending*: the re-warming task (`tasks.rewarm`, enqueued by the commit step) computes the
changed records' pages and API entries, then the home figures, facet counts and the first
catalogue and API pages under it, in every language, then makes it current; until then
visitors keep the previous version's answers — for at most `STALE_SECONDS` (2 s) after the
commit, after which the pending version is current whether it is warm or not. A changed
record that is still public gets its new stamp the same way (the previous one is served until
its pages are warm, at most `STALE_SECONDS`); a record that stopped being public gets it at
once. Values that do not depend on the language (counts, figures) are computed once for all
six languages. A value missing under the current version is computed by one
request at a time (a lock in the cache); the others wait for it rather than compute it too.
Without a shared cache (each process its own memory, which a worker cannot warm) the new
version is current at once, as before.
"""

import contextlib
import hashlib
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db.models import Q
from django.db.models.signals import post_migrate
from django.utils import timezone
from django.utils.translation import get_language

from osce_portal import cache as shared_cache

from .models import Commitment, CommitmentRelation

VERSION_KEY = "catalogue:version"  # (token, due): the current version
PENDING_KEY = "catalogue:pending"  # (token, due, since): the newest version, maybe not warm yet
EPOCH_KEY = "records:epoch"  # part of every record's stamp: replaced when all of them change
STAMP_PREFIX = "records:stamp:"
WARM_PREFIX = "records:warm:"  # the pending stamp the re-warming task has warmed
WARM_MARKER_SECONDS = 60
FRAGMENTS = "fragments"  # the cache alias of rendered fragments (settings.CACHES)
# Entries are never stale (the version changes instead); the timeout only frees memory.
TIMEOUT = 60 * 60
# How long after a write visitors may still be given the previous version's answers while
# the new one is being warmed: a publication shows within this bound.
STALE_SECONDS = 2.0
# A value computed by one request while others wait: how long the lock may be held (a
# request that died holding it frees it then), and how long a waiter waits before computing
# the value itself.
LOCK_SECONDS = 60
WAIT_SECONDS = 30
WAIT_STEP = 0.02

_local = threading.local()


def catalogue_version():
    """The current version token (replaced by any write and when a scheduled record is due);
    inside `reading()`, the one read first."""
    override = getattr(_local, "warming", None)
    if override is not None:
        return override
    scope = getattr(_local, "reading", None)
    if scope:
        return scope[0]
    version = current_version(cache.get_many([VERSION_KEY, PENDING_KEY]))
    if scope is not None:
        scope.append(version)
    return version


@contextlib.contextmanager
def reading(version=None):
    """A request that only reads (GET, HEAD: the page cache middleware) reads the catalogue
    version once: everything it computes or looks up — the thesaurus, the facets, a ranking,
    each rendered fragment — belongs to that version, and the shared cache is asked for it
    once (a search page asked ten times). `version`: the version already read with something
    else."""
    previous = getattr(_local, "reading", None)
    _local.reading = [] if version is None else [version]
    try:
        yield
    finally:
        _local.reading = previous


def current_version(found):
    """The current version from the cache's answer for VERSION_KEY and PENDING_KEY (read along
    with something else)."""
    override = getattr(_local, "warming", None)
    if override is not None:
        return override
    return _effective(found.get(VERSION_KEY), found.get(PENDING_KEY))


def _effective(state, pending, now=None):
    """The version to serve from what the cache holds: the newest (pending) one once it is warm
    (made current) or `STALE_SECONDS` old, else the previous one."""
    now = time.time() if now is None else now
    if _is_pending(pending):
        token, due, since = pending
        if not _is_state(state) or state[0] == token or now - since >= STALE_SECONDS:
            state = (token, due)
    if not _is_state(state):
        fresh = _new_state()
        cache.add(VERSION_KEY, fresh, _version_timeout())
        state = cache.get(VERSION_KEY)
        if not _is_state(state):  # a value of an older format, or a cache that keeps nothing
            cache.set(VERSION_KEY, fresh, _version_timeout())
            state = fresh
    token, due = state
    if due is not None and now >= due:
        # A scheduled record has just become public: every worker sees the same new token.
        current = cache.get_many([VERSION_KEY, PENDING_KEY])
        if current.get(VERSION_KEY) == state or (
            _is_pending(current.get(PENDING_KEY)) and current[PENDING_KEY][0] == token
        ):
            new_catalogue_version()
        current = cache.get(VERSION_KEY)
        token, _due = current if _is_state(current) else (uuid.uuid4().hex, None)
    return token


def _version_timeout():
    """None (kept until replaced) in a shared cache; in a per-process cache, the bound on how
    long another worker may keep showing what a write has changed."""
    return getattr(settings, "CATALOGUE_VERSION_TIMEOUT", None)


def _is_state(value):
    return isinstance(value, tuple) and len(value) == 2


def _is_pending(value):
    return isinstance(value, tuple) and len(value) == 3


def new_catalogue_version():
    """Everything may have changed (a migration, a rebuilt index, a bulk load, a scheduled
    publication come due, a cache back from an outage): a new current version and new stamps
    for every record."""
    token = _new_current_version()
    new_records_epoch()
    return token


def warms_ahead():
    """Whether a new version waits to be warmed: only a shared cache (Redis) can be warmed by
    a worker for the web processes."""
    return isinstance(caches["default"], RedisCache)


def catalogue_changed(commitment_ids=(), *, every_record=False):
    """The commit step of a public change: a new version (pending while `tasks.rewarm` warms
    it, when the cache is shared), and new stamps for the changed records and those related
    to them (all records: `every_record`). Returns the new token."""
    if every_record or not commitment_ids:
        new_records_epoch()
    else:
        ids = related_ids(commitment_ids)
        # A record still public keeps its previous pages until the new ones are warm (shared
        # cache); one that stopped being public is gone at once.
        public = (
            set(Commitment.objects.published().filter(pk__in=ids).values_list("pk", flat=True))
            if warms_ahead()
            else set()
        )
        touch_records(ids - public)
        touch_records(public, grace=True)
    if not warms_ahead():
        return _new_current_version()
    token, due = _new_state()
    cache.set(PENDING_KEY, (token, due, time.time()), _version_timeout())
    return token


def _new_current_version():
    token, due = _new_state()
    cache.set_many(
        {VERSION_KEY: (token, due), PENDING_KEY: (token, due, time.time())}, _version_timeout()
    )
    return token


def make_current(token):
    """The warmed pending version `token` becomes current (if no newer write replaced it)."""
    pending = cache.get(PENDING_KEY)
    if _is_pending(pending) and pending[0] == token:
        cache.set(VERSION_KEY, pending[:2], _version_timeout())
        return True
    return False


def is_pending(token):
    pending = cache.get(PENDING_KEY)
    return _is_pending(pending) and pending[0] == token


@contextlib.contextmanager
def warming(token):
    """Compute and store under version `token` (not yet current) in this thread."""
    previous = getattr(_local, "warming", None)
    _local.warming = token
    try:
        yield
    finally:
        _local.warming = previous


# Records' stamps -------------------------------------------------------------------------


def related_ids(ids):
    """`ids` and the commitments related to them in either direction (their pages and API
    entries show each other's titles and visibility)."""
    ids = set(ids)
    pairs = (
        CommitmentRelation.objects.filter(Q(source_id__in=ids) | Q(target_id__in=ids))
        .order_by()
        .values_list("source_id", "target_id")
    )
    return ids.union(*pairs)


def new_records_epoch():
    cache.set(EPOCH_KEY, uuid.uuid4().hex[:12], _version_timeout())


def records_epoch():
    """The token replaced whenever every record changes (part of every record's stamp)."""
    return cache.get(EPOCH_KEY) or _made(EPOCH_KEY)


def touch_records(ids, *, grace=False):
    """New stamps for these records: what was cached for them is not read again. With
    `grace`, the new stamp is pending — (previous, new, since) — and the previous one is still
    served until the re-warming task has warmed the record's pages (`settle_records`) or for
    `STALE_SECONDS` after the first write whose stamp is not served yet."""
    if not ids:
        return
    keys = {pk: f"{STAMP_PREFIX}{pk}" for pk in ids}
    found = cache.get_many(list(keys.values())) if grace else {}
    values = {pk: found.get(key) for pk, key in keys.items()}
    markers = _warm_markers(values)
    now = time.time()
    entries = {}
    for pk, key in keys.items():
        new, current = uuid.uuid4().hex[:12], values[pk]
        if _is_pending_stamp(current):
            previous, pending, since = current
            if _stamp(pk, current, now, markers.get(pk)) == pending:  # already served
                previous, since = pending, now
            entries[key] = (previous, new, since)
        elif isinstance(current, str):
            entries[key] = (current, new, now)
        else:
            entries[key] = new
    cache.set_many(entries, _version_timeout())


def _is_pending_stamp(value):
    return isinstance(value, tuple) and len(value) == 3


@contextlib.contextmanager
def warming_records(ids):
    """Read these records' pending stamps as theirs (the re-warming task, in this thread)."""
    previous = getattr(_local, "warming_records", frozenset())
    _local.warming_records = previous | frozenset(ids)
    try:
        yield
    finally:
        _local.warming_records = previous


def settle_records(ids):
    """Say that these records' pending stamps are warm, so they are served from now on. A
    marker beside the stamp, never the stamp itself: a newer write that replaced the stamp
    meanwhile keeps its own pending one (its task marks that)."""
    found = cache.get_many([f"{STAMP_PREFIX}{pk}" for pk in ids])
    markers = {
        f"{WARM_PREFIX}{key.removeprefix(STAMP_PREFIX)}": value[1]
        for key, value in found.items()
        if _is_pending_stamp(value)
    }
    if markers:
        # Needed only while the stamp is pending: after STALE_SECONDS it is served anyway.
        cache.set_many(markers, WARM_MARKER_SECONDS)


def _warm_markers(values):
    """{id: the pending stamp its task has warmed} for the pending ones among `values`
    ({id: stamp entry}): a second read of the cache, only right after a write."""
    pending = [pk for pk, value in values.items() if _is_pending_stamp(value)]
    if not pending:
        return {}
    found = cache.get_many([f"{WARM_PREFIX}{pk}" for pk in pending])
    return {pk: found.get(f"{WARM_PREFIX}{pk}") for pk in pending}


def _stamp(pk, value, now, marker=None):
    """The stamp to serve from a record's stamp entry (None: no entry)."""
    if not _is_pending_stamp(value):
        return value
    previous, new, since = value
    if (
        marker == new
        or now - since >= STALE_SECONDS
        or pk in getattr(_local, "warming_records", ())
    ):
        return new
    return previous


def record_stamps(ids, found=None):
    """{id: stamp} for these commitments, read (or made) before what they stamp is loaded, so
    a change committed after this point gives the record a new stamp. `found`: the cache's
    answer for `stamp_keys(ids)` when already read with something else."""
    keys = stamp_keys(ids)
    if found is None:
        found = cache.get_many(keys)
    epoch = found.get(EPOCH_KEY) or _made(EPOCH_KEY)
    values = {pk: found.get(f"{STAMP_PREFIX}{pk}") for pk in ids}
    markers = _warm_markers(values)
    now = time.time()
    stamps = {}
    for pk in ids:
        stamp = _stamp(pk, values[pk], now, markers.get(pk)) or _made(f"{STAMP_PREFIX}{pk}")
        stamps[pk] = f"{epoch}.{stamp}"
    return stamps


def stamp_keys(ids):
    return [EPOCH_KEY, *(f"{STAMP_PREFIX}{pk}" for pk in ids)]


def _made(key):
    """A new token for a missing key (`add`: a concurrent replacement wins)."""
    cache.add(key, uuid.uuid4().hex[:12], _version_timeout())
    return cache.get(key) or uuid.uuid4().hex[:12]


def cached_records(name, parts, keys, load, timeout=TIMEOUT):
    """{id: value} for commitments, each kept under its own stamp, the active language and
    `parts`, in one read of the shared cache. `keys`: {id: when the record was last saved}
    (a save that bypassed the services is noticed too); `load(missing_ids)` gives {id: value}
    for those not kept (or kept for an older state)."""
    ids = list(keys)
    prefix = f"record:{name}:{_digest((get_language(), parts))}:"
    names = {pk: f"{prefix}{pk}" for pk in ids}
    found = cache.get_many([*stamp_keys(ids), *names.values()])
    stamps = record_stamps(ids, found)
    values = {}
    for pk, key in names.items():
        entry = found.get(key)
        if isinstance(entry, tuple) and entry[:2] == (stamps[pk], keys[pk]):
            values[pk] = entry[2]
    missing = [pk for pk in ids if pk not in values]
    if missing:
        loaded = load(missing)
        cache.set_many(
            {names[pk]: (stamps[pk], keys[pk], value) for pk, value in loaded.items()}, timeout
        )
        values.update(loaded)
    return values


def stamp_of(slug):
    """(id, stamp) of the commitment at `slug`, or None: read before the record is loaded, so
    a write meanwhile makes what is kept under it stale, never the reverse."""
    pk = Commitment.objects.filter(slug=slug).values_list("pk", flat=True).first()
    return None if pk is None else (pk, record_stamps([pk])[pk])


def cached_record(name, slug, parts, compute, timeout=TIMEOUT):
    """`compute()` for the commitment at `slug`, kept under that record's stamp, the active
    language and `parts`. `compute()` returns (record id, value); it may raise (Http404:
    nothing kept). Returns (stamp or None, value)."""
    key = f"record:{name}:{_digest((get_language(), parts, slug))}"
    # The worker's copy first (its stamp is checked all the same): a record's page data is
    # tens of kilobytes to fetch from the shared cache.
    local = worker_cache()
    stamps = {}
    for kept in (local, cache) if local is not None else (cache,):
        entry = kept.get(key)
        if isinstance(entry, tuple) and len(entry) == 3:
            pk, stamp, value = entry
            if pk not in stamps:
                stamps.update(record_stamps([pk]))
            if stamps[pk] == stamp:
                if kept is not local and local is not None:
                    local.set(key, entry, timeout)
                return stamp, value
    current = stamp_of(slug)
    if current is None:  # no such record: compute() says what (a 404)
        return None, compute()[1]
    pk, stamp = current
    found_pk, value = compute()
    if found_pk == pk:
        cache.set(key, (pk, stamp, value), timeout)
        if local is not None:
            local.set(key, (pk, stamp, value), timeout)
        return stamp, value
    return None, value


def step_if_due(now=None):
    """Move the version on when the scheduled publication it remembers has come due (the
    due-publication task; a request reading the version does the same). Returns whether it
    moved."""
    found = cache.get_many([VERSION_KEY, PENDING_KEY])
    dues = [
        value[1]
        for value in found.values()
        if (_is_state(value) or _is_pending(value)) and value[1] is not None
    ]
    if not dues or min(dues) > (now or time.time()):
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


def fragment(name, parts, render, *, shared=False):
    """`render()` (HTML), kept in this worker's fragment cache for this catalogue version,
    language and `parts`. (Every fragment of a page belongs to the same catalogue version:
    the request's, read once — `reading()`.) `shared`: also kept in the shared cache, so that
    what one worker rendered the others reuse for one round trip each — for a page's few large
    fragments (its rows, its facets), not for each of its rows."""
    if FRAGMENTS not in settings.CACHES:  # a configuration without it renders every time
        return render()
    key = f"fragment:{name}:{catalogue_version()}:{_digest((get_language(), parts))}"
    fragments = caches[FRAGMENTS]
    html = fragments.get(key)
    if html is None:
        kept = cache if shared and warms_ahead() else None
        html = kept.get(key) if kept is not None else None
        if html is None:
            html = render()
            if kept is not None:
                kept.set(key, html, TIMEOUT)
        fragments.set(key, html, TIMEOUT)
    return html


def worker_cache():
    """The worker's own memory (the fragments' cache) for copies of what it read from the
    shared cache; None without a shared cache (the default cache is the worker's memory then)
    or without a fragment cache."""
    if FRAGMENTS in settings.CACHES and warms_ahead():
        return caches[FRAGMENTS]
    return None


def cached(name, parts, compute, timeout=TIMEOUT, *, per_language=True):
    """`compute()`, cached for this catalogue version, the active language and `parts` (e.g.
    the filters), in the shared cache and in the worker's memory. Computed by one request at a
    time: the others wait for its value.
    `per_language=False`: a value the language does not change (a count, ids, model instances
    whose translated fields are read when shown), computed once for every language."""
    language = get_language() if per_language else None
    key = f"catalogue:{name}:{catalogue_version()}:{_digest((language, parts))}"
    # A value under a version never changes: the worker keeps a copy beside its fragments, so
    # a shared cache's round trip is paid once per worker and version.
    local = worker_cache()
    value = local.get(key) if local is not None else None
    if value is not None:
        return value
    value = cache.get(key)
    if value is None:
        value = compute_once(key, compute, timeout)
    if local is not None:
        local.set(key, value, timeout)
    return value


def compute_once(key, compute, timeout=TIMEOUT):
    """`compute()` stored at `key`, unless another request (or the re-warming task) holds
    the lock of `key` (in the cache, so across processes and servers with Redis): then its
    value, once it is there. A waiter gives up after `WAIT_SECONDS` and computes it itself;
    a lock left by a process that died expires after `LOCK_SECONDS`."""
    lock = f"lock:{key}"
    if not cache.add(lock, 1, LOCK_SECONDS):
        if shared_cache.is_degraded():  # the cache answers nothing: no one holds anything
            return compute()
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(WAIT_STEP)
            value = cache.get(key)
            if value is not None:
                return value
            if cache.add(lock, 1, LOCK_SECONDS):  # its holder failed or the lock expired
                break
        else:
            return compute()
    try:
        value = cache.get(key)  # stored by a holder that finished between our read and now
        if value is not None:
            return value
        value = compute()
        cache.set(key, value, timeout)
    finally:
        cache.delete(lock)
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
