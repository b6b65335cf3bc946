"""Cache for aggregates over the whole published catalogue (facet counts, home figures).

Each such aggregate scans every published record: tens of milliseconds apiece at 100,000
records, several per page. They are cached under a catalogue version token that every write to
the catalogue replaces (the receivers below: cache invalidation, not domain flow), so a change
shows at once. The key also carries the current minute, because a scheduled record becomes
public without any write: its arrival reaches the counts within a minute.
"""

import hashlib
import time
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import (
    ActivityCategory,
    CategoryAssignment,
    Commitment,
    CommitmentRelation,
    Institution,
    Organisation,
    Theme,
)

VERSION_KEY = "catalogue:version"
TIMEOUT = 10 * 60


def catalogue_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def new_catalogue_version():
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def cached(name, parts, compute):
    """`compute()`, cached for this catalogue version, minute and `parts` (e.g. the filters)."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"catalogue:{name}:{catalogue_version()}:{int(time.time() // 60)}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def _catalogue_changed(**kwargs):
    # Now, for this request and tests; again on commit, in case another request filled the
    # cache from the old data between the write and its commit.
    new_catalogue_version()
    transaction.on_commit(new_catalogue_version)


for _model in (
    Commitment,
    CategoryAssignment,
    CommitmentRelation,
    Institution,
    Organisation,
    Theme,
    ActivityCategory,
):
    post_save.connect(_catalogue_changed, sender=_model, dispatch_uid=f"cache-save-{_model}")
    post_delete.connect(_catalogue_changed, sender=_model, dispatch_uid=f"cache-del-{_model}")
m2m_changed.connect(
    _catalogue_changed, sender=Commitment.themes.through, dispatch_uid="cache-themes"
)
