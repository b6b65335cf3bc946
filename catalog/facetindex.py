"""The published catalogue as bitsets: the facet counts of any filters in memory.

A filter combination nobody asked for before used to cost one grouped query per facet over
every matching record (five queries, each reading thousands of rows at 100,000 records). The
facet index holds, for each term of each facet (a kind, a year, an adopting body, an
organisation, a theme, a category), the set of published records that have it, as a bitset
(a Python integer whose bit `pk` is set): filtering is OR within a facet and AND across facets,
and counting an option is one `int.bit_count()`. The counts of every facet of any combination
then take well under a millisecond at 100,000 records.

The index describes one catalogue version. It is made off the request path — by the
re-warming task after a write (`warming.warm`) and by the minute schedule for a version made
without a write (a scheduled publication come due, a rebuilt search index) — stored in the
cache under that version, and read once per version by each web process. A request that finds
no index for the current version counts in the database as before (`filters._counted`), so the
index is only ever a faster way to the same numbers (tests/site/test_facet_index.py compares
them).

A write's index is not built again from every record: each public change notes the records it
changed in a journal kept in the cache (`note_change`, from the change set's commit step), and
the next index is the newest one with those records read again (`update`: a few milliseconds,
against 0.7 s for a build at 100,000 records), so the re-warming task has it before it renders
the pages, whose counts and figures then come from it. The whole index is built again when
that is not safe: a change of every record (a new records epoch: a scheduled publication come
due, a deletion, a migration), a journal entry missing (an evicted or emptied cache), many
changes, or an index whose last build is `REBUILD_SECONDS` old (a bound on any drift).
"""

import collections
import functools
import itertools
import operator
import threading
import time

from django.core.cache import cache
from django.db.models import Aggregate, TextField

from . import caching
from .models import CategoryAssignment, Commitment

# A request that found no index for the current version asks the cache again after this long
# (the re-warming task may be building it).
MISS_SECONDS = 1.0
# The journal of changed records (`note_change`): the number of the newest entry, and each entry.
JOURNAL_KEY = "catalogue:facet-index:journal"
LATEST_KEY = "catalogue:facet-index:latest"  # the version of the newest index stored
# An index is updated from the newest one only for fewer changes and changed records than these,
# and only while its last whole build is younger than REBUILD_SECONDS.
MAX_CHANGES = 500
MAX_CHANGED = 2000
REBUILD_SECONDS = 10 * 60

# The facets whose terms are related records, each with its lookup from Commitment: the one
# mapping between the catalogue's facets (catalog/filters.py) and what
# `models.published_counts(lookup)` counts.
LOOKUPS = {
    "theme": "themes",
    "category": "activity_categories",
    "organisation": "organisation",
    "body": "adopting_body",
}
_FACET_OF_LOOKUP = {lookup: facet for facet, lookup in LOOKUPS.items()}

# The dimensions a record is indexed by: (facet name, the field holding its term).
RECORD_FIELDS = (
    ("kind", "kind"),
    ("year", "year"),
    ("body", "adopting_body_id"),
    ("organisation", "organisation_id"),
)
LINKS = (
    ("theme", Commitment.themes.through, "theme_id"),
    ("category", CategoryAssignment, "category_id"),
)

_memo = {}  # {version: FacetIndex or (None, when it was missed)}
_lock = threading.Lock()


# A byte per id, 0 or 1, as the digits of a binary number.
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def bitset(ids):
    """The integer whose bits `ids` are set (a loop in C: a byte per id set to 1, read as a
    binary number, highest id first)."""
    ids = list(ids)
    if not ids:
        return 0
    flags = bytearray(max(ids) + 1)
    collections.deque(map(flags.__setitem__, ids, itertools.repeat(1)), maxlen=0)
    return int(flags[::-1].translate(_DIGITS), 2)


class Ids(Aggregate):
    """The ids of a group as one text, comma-separated: a few rows of text instead of a row
    per record (at 100,000 records a build took four times the CPU reading a row per id)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s::text, ',')",
            **extra_context,
        )


def _grouped(queryset, term, pk):
    """{term: bitset of the ids} of the (term, id) pairs of `queryset`."""
    rows = queryset.order_by().values_list(term).annotate(ids=Ids(pk))
    return {value: bitset(map(int, ids.split(","))) for value, ids in rows}


def _links(model, published):
    """The rows of link table `model` of the records of `published`."""
    return model.objects.filter(commitment__in=published.values("pk")).order_by()


class FacetIndex:
    """{facet: {term: bitset of the published records with that term}} and every published
    record's bitset (`universe`); `position`, the journal entry whose changes it holds (None:
    unknown, it cannot be updated), `epoch`, the records epoch it was read in, and `built`, when
    its records were last all read."""

    # An index kept by an earlier release (without these) is never updated, only replaced.
    position = epoch = None
    built = 0.0

    def __init__(self, sets, universe, *, position=None, epoch=None, built=None):
        self.sets = sets
        self.universe = universe
        self.position = position
        self.epoch = epoch
        self.built = time.time() if built is None else built

    @classmethod
    def build(cls):
        """The index of the published catalogue as the database holds it now: one grouped
        query per facet (each term with its records' ids)."""
        position, epoch = _journal_position(), caching.records_epoch()  # before the reads
        published = Commitment.objects.published().order_by()
        sets = {}
        for name, field in RECORD_FIELDS:
            sets[name] = _grouped(published.filter(**{f"{field}__isnull": False}), field, "pk")
        for name, model, field in LINKS:
            sets[name] = _grouped(_links(model, published), field, "commitment_id")
        # Every record has a kind.
        universe = functools.reduce(operator.or_, sets["kind"].values(), 0)
        return cls(sets, universe, position=position, epoch=epoch)

    def updated(self, ids, position):
        """A new index: this one with the records `ids` read again (in one query for their
        fields and one per link table), holding the journal up to `position`. Records that
        are no longer public (or no longer exist) leave every set."""
        ids = sorted(ids)
        keep = ~bitset(ids)
        sets = {
            name: {term: bits & keep for term, bits in terms.items()}
            for name, terms in self.sets.items()
        }
        published = Commitment.objects.published().filter(pk__in=ids).order_by()
        rows = list(published.values_list("pk", *(field for _name, field in RECORD_FIELDS)))
        for pk, *terms in rows:
            bit = 1 << pk
            for (name, _field), term in zip(RECORD_FIELDS, terms, strict=True):
                if term is not None:
                    sets[name][term] = sets[name].get(term, 0) | bit
        for name, model, field in LINKS:
            for pk, term in _links(model, published).values_list("commitment_id", field):
                sets[name][term] = sets[name].get(term, 0) | (1 << pk)
        # A term none of the records has any more is left out, as a build leaves it out.
        sets = {
            name: {term: bits for term, bits in terms.items() if bits}
            for name, terms in sets.items()
        }
        universe = (self.universe & keep) | bitset(pk for pk, *_terms in rows)
        return FacetIndex(sets, universe, position=position, epoch=self.epoch, built=self.built)

    def totals(self, lookup):
        """`models.published_counts(lookup)`: {term id: number of published records}."""
        return {
            term: bits.bit_count() for term, bits in self.sets[_FACET_OF_LOOKUP[lookup]].items()
        }

    def figures(self):
        """`models.published_figures()`."""
        years = self.sets["year"]
        return {
            "commitments": self.universe.bit_count(),
            "bodies": len(self.sets["body"]),
            "first_year": min(years, default=None),
            "last_year": max(years, default=None),
        }

    def union(self, facet, terms):
        """The records with any of `terms` of `facet`."""
        bits = 0
        found = self.sets[facet]
        for term in terms:
            bits |= found.get(term, 0)
        return bits

    def years(self, first=None, last=None):
        """The records adopted from year `first` to year `last` (either open)."""
        return self.union(
            "year",
            [
                year
                for year in self.sets["year"]
                if (first is None or year >= first) and (last is None or year <= last)
            ],
        )

    def counts(self, facet, within):
        """{term: number of the records in `within` with it}, terms with none left out."""
        counted = {}
        for term, bits in self.sets[facet].items():
            n = (bits & within).bit_count()
            if n:
                counted[term] = n
        return counted


def _key(version):
    return f"catalogue:facet-index:{version}"


def current():
    """The index of the catalogue version being served, or None when it is not built (yet)."""
    version = caching.catalogue_version()
    found = _memo.get(version)
    if isinstance(found, FacetIndex):
        return found
    if found is not None and time.monotonic() - found[1] < MISS_SECONDS:
        return None
    index = cache.get(_key(version))
    if not isinstance(index, FacetIndex):
        index = None
    _remember(version, index)
    return index


def _remember(version, index):
    with _lock:
        # One version at a time is kept (the newest read): a few megabytes at 1,000,000 records.
        _memo.clear()
        _memo[version] = index if index is not None else (None, time.monotonic())


def store(version):
    """Make the index of catalogue version `version` — updated from the newest index when it
    can be (`update`), else built (`rebuild`) — and keep it; returns it."""
    return update(version) or rebuild(version)


def rebuild(version):
    """Build the index of `version` from every record and keep it (in the cache, and in this
    process, which may have found none for it a moment ago); returns it."""
    return _keep(version, FacetIndex.build())


def update(version):
    """The index of `version` made from the newest index and the records the journal says
    changed since, kept as `store` keeps it; None (nothing kept) when it has to be built
    (see the module's docstring)."""
    position, epoch = _journal_position(), caching.records_epoch()  # before the reads
    base = _newest()
    if (
        base is None
        or position is None
        or base.position is None
        or base.position > position
        or position - base.position > MAX_CHANGES
        or base.epoch != epoch
        or time.time() - base.built > REBUILD_SECONDS
    ):
        return None
    keys = [_entry_key(number) for number in range(base.position + 1, position + 1)]
    entries = cache.get_many(keys) if keys else {}
    ids = set()
    for key in keys:
        entry = entries.get(key)
        if not isinstance(entry, list):
            return None  # gone from the cache: what changed then is not known
        ids.update(entry)
    if len(ids) > MAX_CHANGED:
        return None
    return _keep(version, base.updated(ids, position))


def _keep(version, index):
    cache.set(_key(version), index, caching.TIMEOUT)
    cache.set(LATEST_KEY, version, caching.TIMEOUT)
    _remember(version, index)
    return index


def _newest():
    """The newest index kept (this process's own when it made it: not read again)."""
    version = cache.get(LATEST_KEY)
    if version is None:
        return None
    found = _memo.get(version)
    if isinstance(found, FacetIndex):
        return found
    index = cache.get(_key(version))
    return index if isinstance(index, FacetIndex) else None


def note_change(ids):
    """Journal the records a public change may have changed (on commit, before its
    re-warming task is enqueued): the next index reads them again. Only with a shared cache,
    where indexes are kept."""
    if not caching.warms_ahead():
        return
    cache.add(JOURNAL_KEY, 0, None)
    try:
        number = cache.incr(JOURNAL_KEY)
    except ValueError:  # the cache is not answering: the next index is built whole
        return
    cache.set(_entry_key(number), sorted({int(pk) for pk in ids}), caching.TIMEOUT)


def _journal_position():
    """The number of the newest journal entry (0 for a new journal); None when the cache does
    not answer."""
    cache.add(JOURNAL_KEY, 0, None)
    number = cache.get(JOURNAL_KEY)
    return number if isinstance(number, int) else None


def _entry_key(number):
    return f"{JOURNAL_KEY}:{number}"


def ensure_current():
    """Build the current version's index unless it is there already, in a shared cache.
    Returns whether it built one."""
    if not caching.warms_ahead():
        return False  # a cache of this process alone: the web processes would not see it
    version = caching.catalogue_version()
    if cache.has_key(_key(version)):  # not read: a megabyte at 100,000 records
        return False
    store(version)
    return True
