"""The suggestions queue on the editor's desk: counts by status and the newest new ones."""

from django import template
from django.db.models import Count, Q

from participation import services
from participation.models import Suggestion

register = template.Library()

PANEL_SIZE = 10


@register.simple_tag(takes_context=True)
def suggestion_queue(context):
    if not services.can_handle(context["request"].user):
        return None
    counts = Suggestion.objects.order_by().aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Suggestion.Status.values}
    )
    rows = list(
        Suggestion.objects.filter(status=Suggestion.Status.NEW)
        .select_related("commitment")
        .only("pk", "created_at", "problem", "commitment__title", "commitment__slug")[:PANEL_SIZE]
    )
    return {"counts": counts, "rows": rows}
