import logging

from django.urls import reverse

from .services import apply_due_changes

logger = logging.getLogger(__name__)


class DueChangesMiddleware:
    """Applies approvals scheduled for a moment that has passed before the request is
    answered, so scheduled corrections go live with no cron job, like `publish_at`.

    A public request costs one cache read; an admin request also asks the database when the
    cache does not know the next due time.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        try:
            apply_due_changes(ask_database=request.path.startswith(self.admin_prefix))
        except Exception:  # never let a failed scheduled approval break a page; retried later
            logger.exception("Applying scheduled changes failed")
        return self.get_response(request)
