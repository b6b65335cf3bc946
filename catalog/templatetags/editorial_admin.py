"""The editor's desk on the admin index: one query per panel (count and first rows together)."""

import datetime

from django import template
from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery, Window
from django.urls import reverse
from django.utils import timezone

from catalog.models import ActivityCategory, Commitment, PendingChange, StatusChange, Theme
from catalog.translation import (
    OTHER_LANGUAGES,
    language_field,
    missing_q,
    outdated_q,
    translated_fields,
    translation_state,
)

register = template.Library()

PANEL_SIZE = 10
LANGUAGE_NAMES = dict(settings.LANGUAGES)
STALE_AFTER = datetime.timedelta(days=365)
Status = Commitment.Status
State = PendingChange.State


def _panel(queryset):
    """(rows, total) in one query: every row carries the total as a window count."""
    rows = list(queryset.annotate(panel_total=Window(Count("pk")))[:PANEL_SIZE])
    return {"rows": rows, "count": rows[0].panel_total if rows else 0}


def desk_panels(user, now=None):
    now = now or timezone.now()
    submitter = StatusChange.objects.filter(
        commitment=OuterRef("pk"), to_status=Status.IN_REVIEW
    ).order_by("-changed_at", "-pk")
    commitments = Commitment.objects.order_by()
    changes = PendingChange.objects.select_related("commitment").defer("data").order_by()
    return {
        "my_drafts": _panel(
            commitments.filter(
                Q(created_by=user) | Q(updated_by=user), status=Status.DRAFT
            ).order_by("-updated_at")
        ),
        "my_changes": _panel(
            changes.filter(Q(created_by=user) | Q(updated_by=user))
            .exclude(state=State.SCHEDULED)
            .order_by("-updated_at")
        ),
        "awaiting_review": _panel(
            commitments.filter(status=Status.IN_REVIEW)
            .annotate(
                submitted_by_name=Subquery(submitter.values("changed_by__username")[:1]),
                submitted_at=Subquery(submitter.values("changed_at")[:1]),
            )
            .order_by("submitted_at", "pk")
        ),
        "changes_awaiting_review": _panel(
            changes.filter(state=State.SUBMITTED)
            .select_related("submitted_by")
            .order_by("submitted_at")
        ),
        "scheduled": _panel(
            commitments.filter(status=Status.PUBLISHED, publish_at__gt=now).order_by("publish_at")
        ),
        "scheduled_changes": _panel(changes.filter(state=State.SCHEDULED).order_by("approve_at")),
        "rejected": _panel(
            changes.filter(state=State.REJECTED)
            .select_related("reviewed_by")
            .order_by("-reviewed_at")
        ),
        "not_reviewed": _panel(
            commitments.published(now=now)
            .filter(
                Q(last_reviewed_on__isnull=True)
                | Q(last_reviewed_on__lt=(now - STALE_AFTER).date())
            )
            .order_by("last_reviewed_on", "title")
        ),
    }


def translation_panels(now=None):
    """Translations missing or out of date: per language, how many published records lack
    their title's or summary's translation (one query); the records and the vocabulary terms
    whose translation is older than their English (one query each); the terms of our
    vocabulary still missing a translation (one query each: a few dozen rows)."""
    published = Commitment.objects.published(now=now).order_by()
    missing = published.aggregate(
        **{code: Count("pk", filter=missing_q(Commitment, code)) for code in OTHER_LANGUAGES}
    )
    vocabulary = []
    for model in (Theme, ActivityCategory):
        for term in model.objects.order_by("position", "pk"):
            states = {
                code: [
                    name
                    for name in translated_fields(model)
                    if translation_state(term, name, code) != "current"
                    and getattr(term, language_field(name))
                ]
                for code in OTHER_LANGUAGES
            }
            gaps = {code: names for code, names in states.items() if names}
            if gaps:
                url = reverse(f"admin:catalog_{model._meta.model_name}_change", args=[term.pk])
                vocabulary.append({"term": term, "url": url, "gaps": gaps})
    return {
        "missing": [(code, LANGUAGE_NAMES[code], missing[code]) for code in OTHER_LANGUAGES],
        "outdated": _panel(
            Commitment.objects.filter(outdated_q())
            .only("pk", "symbol", "title", "translation_sources")
            .order_by("-updated_at")
        ),
        "vocabulary": vocabulary,
    }


@register.simple_tag
def translations_desk():
    return translation_panels()


@register.simple_tag(takes_context=True)
def editorial_desk(context):
    user = context["request"].user
    if not user.has_perm("catalog.view_commitment"):
        return None
    return desk_panels(user)
