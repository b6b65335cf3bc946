"""Editorial writes with several steps: workflow transitions, their log and history.

Every write here runs in one transaction and one django-reversion revision (user and reason
recorded), and validates the record with `full_clean()` before saving it. The admin (form,
list actions) and the importer call these rules instead of re-implementing them, so a crafted
request meets the same refusal as the user interface.
"""

from dataclasses import dataclass

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Commitment, CommitmentRelation, StatusChange

PUBLISH_PERMISSION = "catalog.publish_commitment"
Status = Commitment.Status

# Statuses an editor may leave a record in; the others are a publisher's decision.
EDITOR_STATUSES = frozenset({Status.DRAFT, Status.IN_REVIEW})


@dataclass(frozen=True)
class Transition:
    label: str
    needs_publisher: bool
    needs_comment: bool


# Allowed moves between statuses. A publisher may publish a draft directly: they are the
# reviewers, and the step is still logged (draft → published) with its author.
TRANSITIONS = {
    (Status.DRAFT, Status.IN_REVIEW): Transition(gettext_lazy("Submit for review"), False, False),
    (Status.IN_REVIEW, Status.PUBLISHED): Transition(gettext_lazy("Publish"), True, False),
    (Status.DRAFT, Status.PUBLISHED): Transition(gettext_lazy("Publish"), True, False),
    (Status.IN_REVIEW, Status.DRAFT): Transition(gettext_lazy("Send back to draft"), True, True),
    (Status.PUBLISHED, Status.DRAFT): Transition(gettext_lazy("Unpublish"), True, True),
    (Status.PUBLISHED, Status.ARCHIVED): Transition(gettext_lazy("Archive"), True, False),
    (Status.ARCHIVED, Status.DRAFT): Transition(gettext_lazy("Back to draft"), True, True),
}
INITIAL_STATUSES = {
    Status.DRAFT: False,  # status: needs publisher
    Status.IN_REVIEW: False,
    Status.PUBLISHED: True,
}


def is_publisher(user):
    return user.has_perm(PUBLISH_PERMISSION)


def can_edit(user, commitment):
    """Editors work on drafts and records in review; what is public or archived is locked
    for them until a publisher sends it back to draft."""
    if not user.has_perm("catalog.change_commitment"):
        return False
    return commitment is None or commitment.status in EDITOR_STATUSES or is_publisher(user)


def status_label(status):
    return Status(status).label if status in Status.values else status


def same_moment(first, second):
    # Forms drop microseconds; compare to the second.
    if first is None or second is None:
        return first is second
    return first.replace(microsecond=0) == second.replace(microsecond=0)


def check_change(user, *, old_status, new_status, old_publish_at, new_publish_at, comment=""):
    """Refuse a status or schedule change the user may not make. `old_status` is None for a
    new record. Raises ValidationError keyed by field, in plain words."""
    publisher = is_publisher(user)
    if old_status is None:
        if new_status not in INITIAL_STATUSES:
            raise ValidationError(
                {"status": _("A new record starts as a draft, in review or published.")}
            )
        if INITIAL_STATUSES[new_status] and not publisher:
            raise ValidationError(
                {"status": _("Only publishers can publish. Save it as a draft or in review.")}
            )
    elif new_status != old_status:
        rule = TRANSITIONS.get((old_status, new_status))
        if rule is None:
            raise ValidationError(
                {
                    "status": _("A record cannot go from “%(old)s” to “%(new)s”.")
                    % {"old": status_label(old_status), "new": status_label(new_status)}
                }
            )
        if rule.needs_publisher and not publisher:
            raise ValidationError(
                {
                    "status": _(
                        "Only publishers can publish, unpublish, archive or send a record back "
                        "to draft (“%(old)s” → “%(new)s”)."
                    )
                    % {"old": status_label(old_status), "new": status_label(new_status)}
                }
            )
        if rule.needs_comment and not (comment or "").strip():
            raise ValidationError(
                {
                    "transition_comment": _(
                        "Say why the record goes back to draft, so its editor knows what to fix."
                    )
                }
            )
    if not same_moment(old_publish_at, new_publish_at) and not publisher:
        raise ValidationError(
            {"publish_at": _("Only publishers can schedule or reschedule publication.")}
        )


def record_status_change(commitment, *, from_status, user, comment=""):
    return StatusChange.objects.create(
        commitment=commitment,
        from_status=from_status or "",
        to_status=commitment.status,
        publish_at=commitment.publish_at if commitment.status == Status.PUBLISHED else None,
        comment=(comment or "").strip(),
        changed_by=user,
    )


def describe_change(from_status, commitment, comment=""):
    """The reason stored with the revision."""
    if from_status == commitment.status:
        text = _("Comment")
    elif from_status is None:
        text = _("Created as %(status)s") % {"status": status_label(commitment.status)}
    else:
        text = _("%(old)s → %(new)s") % {
            "old": status_label(from_status),
            "new": status_label(commitment.status),
        }
    if commitment.is_scheduled:
        text += _(" (scheduled for %(when)s)") % {"when": commitment.publish_at.isoformat()}
    return f"{text}: {comment.strip()}" if comment and comment.strip() else text


_KEEP = object()


def transition(commitment, to_status, *, user, comment="", publish_at=_KEEP):
    """Move one commitment to another status (optionally setting its schedule)."""
    with transaction.atomic(), reversion.create_revision():
        current = Commitment.objects.select_for_update().get(pk=commitment.pk)
        old_status, old_publish_at = current.status, current.publish_at
        new_publish_at = old_publish_at if publish_at is _KEEP else publish_at
        if not can_edit(user, current):
            raise ValidationError(
                _("“%(record)s” is %(status)s; only publishers can change it.")
                % {"record": current, "status": status_label(current.status)}
            )
        check_change(
            user,
            old_status=old_status,
            new_status=to_status,
            old_publish_at=old_publish_at,
            new_publish_at=new_publish_at,
            comment=comment,
        )
        if old_status == to_status and same_moment(old_publish_at, new_publish_at):
            raise ValidationError(
                _("“%(record)s” is already %(status)s.")
                % {"record": current, "status": status_label(to_status)}
            )
        current.status = to_status
        current.publish_at = new_publish_at
        current.updated_by = user
        current.full_clean()
        current.save()
        record_status_change(current, from_status=old_status, user=user, comment=comment)
        reversion.set_user(user)
        reversion.set_comment(describe_change(old_status, current, comment))
    return current


def transition_many(commitments, to_status, *, user, comment=""):
    """All or nothing: when one record cannot make the move, none moves.

    Returns the moved commitments; raises ValidationError listing every refusal.
    """
    refusals, moved = [], []
    with transaction.atomic():
        for commitment in commitments:
            try:
                with transaction.atomic():
                    moved.append(transition(commitment, to_status, user=user, comment=comment))
            except ValidationError as error:
                refusals.append(f"“{commitment}”: {' '.join(error.messages)}")
        if refusals:
            raise ValidationError(refusals)  # leaving the block rolls back every move
    return moved


def unpublished_links(commitment):
    """Records this commitment links to that the public cannot see (yet).

    The public page leaves such links out; the publisher is told so they can publish the
    other records too.
    """
    hidden_targets = CommitmentRelation.objects.filter(source=commitment).exclude(
        target__in=Commitment.objects.published()
    )
    return list(Commitment.objects.filter(pk__in=hidden_targets.values("target")).order_by("title"))
