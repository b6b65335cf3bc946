"""The published catalogue as bitsets: the facet counts of any filters in memory.

A filter combination nobody asked for before used to cost one grouped query per facet over
every matching record (five queries, each reading thousands of rows at 100,000 records). The
facet index holds, for each term of each facet (a kind, a year, an adopting body, an
organisation, a theme, a category), the set of published records that have it, as a bitset
(a Python integer whose bit `pk` is set): filtering is OR within a facet and AND across facets,
and counting an option is one `int.bit_count()`. The counts of every facet of any combination
then take well under a millisecond at 100,000 records.

The index describes one catalogue version. It is built off the request path — by the
re-warming task after a write (`warming.warm`) and by the minute schedule for a version made
without a write (a scheduled publication come due, a rebuilt search index) — stored in the
cache under that version, and read once per version by each web process. A request that finds
no index for the current version counts in the database as before (`filters._counted`), so the
index is only ever a faster way to the same numbers (tests/site/test_facet_index.py compares
them).
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


class FacetIndex:
    """{facet: {term: bitset of the published records with that term}} and every published
    record's bitset (`universe`)."""

    def __init__(self, sets, universe):
        self.sets = sets
        self.universe = universe

    @classmethod
    def build(cls):
        """The index of the published catalogue as the database holds it now: one grouped
        query per facet (each term with its records' ids)."""
        published = Commitment.objects.published().order_by()
        sets = {}
        for name, field in RECORD_FIELDS:
            sets[name] = _grouped(published.filter(**{f"{field}__isnull": False}), field, "pk")
        for name, model, field in LINKS:
            links = model.objects.filter(commitment__in=published.values("pk")).order_by()
            sets[name] = _grouped(links, field, "commitment_id")
        # Every record has a kind.
        return cls(sets, functools.reduce(operator.or_, sets["kind"].values(), 0))

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
    """Build the index and keep it under catalogue version `version` (in the cache, and in
    this process, which may have found none for it a moment ago); returns it."""
    index = FacetIndex.build()
    cache.set(_key(version), index, caching.TIMEOUT)
    _remember(version, index)
    return index


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
