from .services import apply_due_changes


class DueChangesMiddleware:
    """Applies approvals scheduled for a moment that has passed, before the request is
    answered — so scheduled corrections go live with no cron job, like `publish_at`. Costs one
    cache read per request (and one query when the cache does not know the next due time)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        apply_due_changes()
        return self.get_response(request)
