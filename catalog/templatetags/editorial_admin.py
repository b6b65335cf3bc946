from django import template
from django.utils import timezone

from catalog.models import Commitment

register = template.Library()

PANEL_SIZE = 10


@register.simple_tag(takes_context=True)
def editorial_queue(context):
    """What awaits review and what is scheduled, for the admin index panel."""
    user = context["request"].user
    if not user.has_perm("catalog.view_commitment"):
        return None
    in_review = Commitment.objects.filter(status=Commitment.Status.IN_REVIEW).order_by("updated_at")
    scheduled = Commitment.objects.filter(
        status=Commitment.Status.PUBLISHED, publish_at__gt=timezone.now()
    ).order_by("publish_at")
    return {
        "in_review": list(in_review.select_related("updated_by")[:PANEL_SIZE]),
        "in_review_count": in_review.count(),
        "scheduled": list(scheduled[:PANEL_SIZE]),
        "scheduled_count": scheduled.count(),
    }
