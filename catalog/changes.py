"""The one place that follows a change to the catalogue.

Every service that writes public data (commitments and their rows, reference data) runs in
`changes.atomic()` and says what it changed with `changes.record()`. When the outermost such
block ends, its change set is followed in one step:

- the search index is rebuilt for exactly the commitments it names (and entries of deleted
  ones dropped), inside the same transaction, so the index never disagrees with committed data;
- on commit, the public state moves on once, and only when public data changed (a draft edit
  leaves every public cache entry valid): the changed records are noted in the facet index's
  journal (the next index reads them again, catalog/facetindex.py), then a new catalogue
  version (pending until the re-warming task has warmed it, see catalog/caching.py) and new
  stamps for the changed records and those related to them;
- on commit, the follow-up tasks are enqueued: those the write asked for, the re-warming task
  after a public change (`tasks.rewarm`: the home figures, facet counts, first catalogue and
  API pages in every language, and the changed records' pages), and the due-publication task
  (`tasks.publish_due`) for the moment a record it scheduled turns public.

Nested blocks merge into the outermost one (a bulk action of fifty records is one step), and a
block left by an exception forgets what it recorded, as its transaction does. Code that rolls
a savepoint back without raising (`transaction.savepoint_rollback`) must not run inside a
block: a change recorded there would outlive it. Nothing here is a signal receiver: a write
that bypasses the services (raw SQL, `QuerySet.update`, `loaddata`) must rebuild the index
and renew the version itself (`manage.py rebuild_search_index`, `load_seed` does).
"""

import contextlib
import threading
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from . import caching, facetindex, search, tasks
from .models import Commitment

_local = threading.local()

# Other kinds of indexed records (an app that depends on catalog, e.g. paragraphs of texts):
# kind -> function(ids) that rebuilds their entries. An app registers its own in its
# AppConfig.ready() (catalog never imports it) and records `changes.record(indexed={kind: ids})`.
_INDEXES = {}


def register_index(kind, refresh):
    """Let the change set rebuild the search entries of another kind of record."""
    _INDEXES[kind] = refresh


@dataclass
class ChangeSet:
    """What one transaction changed."""

    reindex: set = field(default_factory=set)  # commitment ids whose search entry is rebuilt
    deleted: set = field(default_factory=set)  # commitment ids whose search entry is dropped
    public: bool = False  # did anything the public can see change?
    # (task, args, kwargs, run_after) enqueued on commit
    follow_ups: list = field(default_factory=list)
    indexed: dict = field(default_factory=dict)  # kind -> ids of another registered index

    def merge(self, other):
        self.reindex |= other.reindex
        self.deleted |= other.deleted
        for kind, ids in other.indexed.items():
            self.indexed.setdefault(kind, set()).update(ids)
        self.public = self.public or other.public
        for follow_up in other.follow_ups:
            if follow_up not in self.follow_ups:
                self.follow_ups.append(follow_up)

    def __bool__(self):
        return bool(self.reindex or self.deleted or self.public or self.follow_ups or self.indexed)


def _frames():
    frames = getattr(_local, "frames", None)
    if frames is None:
        frames = _local.frames = []
    return frames


@contextlib.contextmanager
def atomic():
    """A transaction whose recorded changes are followed when the outermost block ends."""
    frames = _frames()
    frame = ChangeSet()
    frames.append(frame)
    try:
        with transaction.atomic():
            yield frame
            if len(frames) == 1 and frame:
                _update_index(frame)
    finally:
        frames.pop()
    if frames:
        frames[-1].merge(frame)
    elif frame:
        transaction.on_commit(lambda: _after_commit(frame))


def record(
    *, commitments=(), deleted=(), public=False, follow_up=None, run_after=None, indexed=None
):
    """Note what the current write changed.

    `commitments`: ids of commitments whose searchable content may have changed (edited,
    created, or carrying a renamed name); `deleted`: ids of deleted commitments; `public`: True
    when anything a visitor can see changed (a published record, reference data), False for
    drafts, records in review and pending changes; `follow_up`: a task, or (task, args, kwargs),
    to enqueue once the transaction commits — for `run_after` (a moment) when given and the
    backend can wait; otherwise the schedule's sweep runs it; `indexed`: {kind: ids} of records
    of another registered index (`register_index`) to rebuild.
    """
    part = ChangeSet(
        reindex={int(pk) for pk in commitments if pk is not None},
        deleted={int(pk) for pk in deleted if pk is not None},
        public=bool(public),
        indexed={kind: set(ids) for kind, ids in (indexed or {}).items()},
    )
    if follow_up is not None:
        task, args, kwargs = follow_up if isinstance(follow_up, tuple) else (follow_up, (), {})
        part.follow_ups.append((task, tuple(args), dict(kwargs), run_after))
    frames = _frames()
    if frames:
        frames[-1].merge(part)
        return
    # Outside any block (a one-off write): follow it on its own.
    with atomic() as frame:
        frame.merge(part)


def is_public_status(*statuses):
    """A change to a record in one of these statuses (before or after) is public: published
    records show on the site now or at their scheduled time (which the version remembers)."""
    return any(status == Commitment.Status.PUBLISHED for status in statuses)


def _update_index(changes):
    search.forget(sorted(changes.deleted))
    ids = sorted(changes.reindex - changes.deleted)
    if ids:
        search.refresh(ids)
    for kind, kind_ids in changes.indexed.items():
        _INDEXES[kind](sorted(kind_ids))


def _after_commit(changes):
    follow_ups = list(changes.follow_ups)
    if changes.public:
        changed = sorted(changes.reindex | changes.deleted)
        # Before the re-warming task is enqueued: its facet index reads these records again.
        facetindex.note_change(changed)
        # A deletion took the record's relations with it: every record gets a new stamp.
        version = caching.catalogue_changed(changed, every_record=bool(changes.deleted))
        ids = sorted(changes.reindex - changes.deleted)
        follow_ups.append((tasks.rewarm, (ids,), {"version": version}, None))
        # A record scheduled for later turns public at its moment: step the state then.
        for moment in _publications_due(changes.reindex):
            follow_ups.append((tasks.publish_due, (), {}, moment))
    for task, args, kwargs, run_after in follow_ups:
        if run_after is not None:
            if not task.get_backend().supports_defer:
                continue  # this backend cannot wait: the schedule's minute sweep runs it
            task = task.using(run_after=run_after)
        task.enqueue(*args, **kwargs)


def _publications_due(ids):
    return sorted(
        set(
            Commitment.objects.filter(
                pk__in=ids, status=Commitment.Status.PUBLISHED, publish_at__gt=timezone.now()
            ).values_list("publish_at", flat=True)
        )
    )
