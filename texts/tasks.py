"""Background work of the texts app: extraction runs here, never in a request.

Until the project's task framework is in place, a queued text waits in the database
(`Text.Extraction.QUEUED`) and `manage.py extract_texts` (a worker loop or a cron job)
extracts it; `enqueue_extraction` is the one place that hands a text to the background.
"""

from .models import Text


def enqueue_extraction(text_id):
    """Hand `text_id` to the background (it is already marked queued in the database)."""
    return text_id


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
