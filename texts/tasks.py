"""Background work of the texts app, on Django's Tasks API: extraction runs here, never in a
request.

A text handed to the background is marked queued in the database (`Text.Extraction.QUEUED`)
and `extract_text` is enqueued for it when the write commits (through the change set,
`catalog/changes.py`). The database stays the truth: `extract_queued`, on the periodic schedule
(`settings.TASK_SCHEDULE`), extracts any queued text whose task was lost (a worker killed, a
backend emptied, a restored backup), and `manage.py extract_texts` does the same by hand.
"""

from django_tasks import task

from catalog import changes

from .models import Text


def enqueue_extraction(text_id):
    """Hand `text_id` (already marked queued) to the background once the write commits."""
    changes.record(follow_up=(extract_text, (text_id,), {}))


@task()
def extract_text(text_id):
    """Extract one queued text; returns its extraction state (None when it is gone or no
    longer queued)."""
    from .services import run_extraction

    return run_extraction(text_id)


@task()
def extract_queued():
    """Extract every text still queued (the schedule's sweep); returns how many."""
    return run_queued()


def run_queued(limit=None):
    """Extract every queued text (oldest first); returns how many were processed."""
    from .services import run_extraction

    ids = Text.objects.filter(extraction=Text.Extraction.QUEUED).order_by("updated_at", "pk")
    ids = list(
        ids.values_list("pk", flat=True)[:limit] if limit else ids.values_list("pk", flat=True)
    )
    for text_id in ids:
        run_extraction(text_id)
    return len(ids)
