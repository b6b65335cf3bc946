"""Background work of the catalogue, on Django's Tasks API.

On Django 5.2 the API comes from the django-tasks backport; on Django 6 the import below becomes
`from django.tasks import task` and nothing else changes. Tasks are enqueued by the change set's
commit step (`catalog/changes.py`), by the periodic schedule (`settings.TASK_SCHEDULE`, kept by
`manage.py run_scheduler`) and by management commands; a worker runs them (`manage.py db_worker`
with the database backend, RQ workers in production; see docs/operations.md).

The task that applies scheduled approvals lives beside its service
(`catalog.editorial.services.apply_due_approvals`).
"""

from django_tasks import task

from . import caching, facetindex, search
from .models import Commitment


@task()
def publish_due():
    """A scheduled publication has come due: move the public state on (once; nothing when
    nothing came due since the version was made). Returns whether it moved."""
    return caching.step_if_due()


@task()
def rewarm(commitment_ids, version=None):
    """After a write of public data (enqueued on commit with the ids it changed and its new
    catalogue version): compute what the next visitors would otherwise compute — the home
    figures, the facet counts and the first catalogue and API pages in every language under
    the new version, which then becomes current, then the changed records' pages — so no
    visitor pays for the write. Returns how many pages were warmed."""
    from . import warming  # it builds requests through the whole site

    ids = list(commitment_ids)
    if version is None or not caching.warms_ahead():
        return 0
    return warming.warm(version, ids)


@task()
def index_facets():
    """Every minute: build the facet index (`catalog.facetindex`) of the version being served
    when it has none — a version made without a write (a scheduled publication come due, a
    rebuilt search index, a migration), whose first filtered pages are otherwise counted in
    the database. Returns whether it built one."""
    return facetindex.ensure_current()


@task()
def rebuild_search_index():
    """Rebuild every commitment's search entry, then renew the public state (cached searches
    were built on the old entries). Returns how many commitments were indexed."""
    search.refresh()
    caching.new_catalogue_version()
    return Commitment.objects.count()


@task()
def count_search_vocabulary():
    """Every minute: count the spelling check's words again when the catalogue has changed
    since they were last counted, or when a spelling check found none kept (an emptied cache)
    (`search.vocabulary`), so no visitor's search waits for it. Returns whether it counted."""
    return search.count_vocabulary()


@task()
def prune_search_words():
    """Daily: drop the words of the typo table (`SearchWord`) no search entry uses any more.
    Returns how many went."""
    return search.prune_words()
