"""The one editorial policy: who may do what to a commitment in which status, and to
reference data (the "reference" column).

Every write path (change form, add form, list actions, import, revert, recover, pending
changes) asks `decide()` or `require()`; the admin only *displays* what they allow. The table
is data, so the tests are generated from it (tests/editorial/test_policy_table.py).
"""

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Commitment, PendingChange

Status = Commitment.Status
PUBLISH_PERMISSION = "catalog.publish_commitment"


class Role(StrEnum):
    EDITOR = "editor"
    PUBLISHER = "publisher"
    NONE = "none"  # anonymous, inactive, not staff, or staff without an editorial group


class Outcome(StrEnum):
    ALLOW = "allow"  # applied to the record at once
    PENDING = "pending"  # stored as pending changes; the live record stays as it is
    DENY = "deny"


class Action(StrEnum):
    CREATE = "create"  # status = the status the new record gets
    EDIT = "edit"  # change content (fields, themes, sources, evidence, relations)
    CORRECT = "correct"  # immediate correction of a published record (comment required)
    SUBMIT = "submit"  # draft → in review
    PUBLISH = "publish"  # draft / in review → published
    SEND_BACK = "send_back"  # in review → draft (comment required)
    UNPUBLISH = "unpublish"  # published → draft (comment required)
    ARCHIVE = "archive"  # published → archived
    REOPEN = "reopen"  # archived → draft (comment required)
    SCHEDULE = "schedule"  # set or change `publish_at`
    IMPORT = "import"  # overwrite an existing record from a file
    REVERT = "revert"  # restore an earlier revision of the record
    RECOVER = "recover"  # status = the status of the deleted record's last revision
    DELETE = "delete"
    SUBMIT_CHANGES = "submit_changes"  # pending changes → awaiting review
    APPROVE_CHANGES = "approve_changes"  # pending changes → live (now or scheduled)
    REJECT_CHANGES = "reject_changes"  # pending changes → back to their editor (comment)
    # Discarding pending changes (see `discard_action`): the user's own, not yet approved …
    DISCARD_OWN_CHANGES = "discard_own_changes"
    # … or another's, or approved and scheduled ones (comment required)
    DISCARD_CHANGES = "discard_changes"


E, P, N = Role.EDITOR, Role.PUBLISHER, Role.NONE
ALLOW, PENDING, DENY = Outcome.ALLOW, Outcome.PENDING, Outcome.DENY
DRAFT, IN_REVIEW, PUBLISHED, ARCHIVED = (
    Status.DRAFT,
    Status.IN_REVIEW,
    Status.PUBLISHED,
    Status.ARCHIVED,
)
STATUSES = (DRAFT, IN_REVIEW, PUBLISHED, ARCHIVED)
# Reference data (organisations, institutions, themes, categories) has no workflow: its rows
# use this column. Records that belong to a commitment (sources, evidence, relations) follow
# the commitment's status.
REFERENCE = "reference"

_BOTH = {E: ALLOW, P: ALLOW}
_PUB = {P: ALLOW}
_REVIEWED = {E: PENDING, P: PENDING}

# POLICY[action][status][role] -> outcome. Anything not listed is DENY.
POLICY = {
    Action.CREATE: {DRAFT: _BOTH, IN_REVIEW: _BOTH, PUBLISHED: _PUB, REFERENCE: _PUB},
    Action.EDIT: {
        DRAFT: _BOTH,
        IN_REVIEW: _BOTH,
        PUBLISHED: _REVIEWED,
        ARCHIVED: _PUB,
        REFERENCE: _PUB,
    },
    Action.CORRECT: {PUBLISHED: _PUB},
    Action.SUBMIT: {DRAFT: _BOTH},
    Action.PUBLISH: {DRAFT: _PUB, IN_REVIEW: _PUB},
    Action.SEND_BACK: {IN_REVIEW: _PUB},
    Action.UNPUBLISH: {PUBLISHED: _PUB},
    Action.ARCHIVE: {PUBLISHED: _PUB},
    Action.REOPEN: {ARCHIVED: _PUB},
    Action.SCHEDULE: {DRAFT: _PUB, IN_REVIEW: _PUB, PUBLISHED: _PUB},
    Action.IMPORT: {DRAFT: _BOTH, IN_REVIEW: _BOTH, PUBLISHED: _PUB, ARCHIVED: _PUB},
    Action.REVERT: {
        DRAFT: _BOTH,
        IN_REVIEW: _BOTH,
        PUBLISHED: {E: PENDING, P: ALLOW},
        ARCHIVED: _PUB,
    },
    Action.RECOVER: {DRAFT: _BOTH, IN_REVIEW: _BOTH, PUBLISHED: _PUB, ARCHIVED: _PUB},
    Action.DELETE: {
        DRAFT: _PUB,
        IN_REVIEW: _PUB,
        PUBLISHED: _PUB,
        ARCHIVED: _PUB,
        REFERENCE: _PUB,
    },
    Action.SUBMIT_CHANGES: {PUBLISHED: _BOTH},
    Action.APPROVE_CHANGES: {PUBLISHED: _PUB},
    Action.REJECT_CHANGES: {PUBLISHED: _PUB},
    Action.DISCARD_OWN_CHANGES: {PUBLISHED: _BOTH},
    Action.DISCARD_CHANGES: {PUBLISHED: _PUB},
}

# Which action a status change is.
TRANSITIONS = {
    (DRAFT, IN_REVIEW): Action.SUBMIT,
    (DRAFT, PUBLISHED): Action.PUBLISH,
    (IN_REVIEW, PUBLISHED): Action.PUBLISH,
    (IN_REVIEW, DRAFT): Action.SEND_BACK,
    (PUBLISHED, DRAFT): Action.UNPUBLISH,
    (PUBLISHED, ARCHIVED): Action.ARCHIVE,
    (ARCHIVED, DRAFT): Action.REOPEN,
}

# Actions that need a comment saying why.
NEEDS_COMMENT = frozenset(
    {
        Action.SEND_BACK,
        Action.UNPUBLISH,
        Action.REOPEN,
        Action.CORRECT,
        Action.REJECT_CHANGES,
        Action.DISCARD_CHANGES,
    }
)

LABELS = {
    Action.SUBMIT: gettext_lazy("Submit for review"),
    Action.PUBLISH: gettext_lazy("Publish"),
    Action.SEND_BACK: gettext_lazy("Send back to draft"),
    Action.UNPUBLISH: gettext_lazy("Unpublish"),
    Action.ARCHIVE: gettext_lazy("Archive"),
    Action.REOPEN: gettext_lazy("Back to draft"),
}


def role_of(user):
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return Role.NONE
    if user.has_perm(PUBLISH_PERMISSION):
        return Role.PUBLISHER
    if user.has_perm("catalog.change_commitment"):
        return Role.EDITOR
    return Role.NONE


def decide(user, action, status):
    """The outcome of `action` by `user` on a record in `status` (see POLICY)."""
    return POLICY.get(Action(action), {}).get(status, {}).get(role_of(user), DENY)


def transition_action(from_status, to_status):
    return TRANSITIONS.get((from_status, to_status))


def discard_action(user, change):
    """Which discard `change` (a PendingChange) is for `user`: their own work — started and
    last edited by them, not approved — or anybody else's work or an approved, scheduled
    version, which only a publisher may discard, saying why."""
    own = change.created_by_id == user.pk and change.updated_by_id in (None, user.pk)
    if own and change.state != PendingChange.State.SCHEDULED:
        return Action.DISCARD_OWN_CHANGES
    return Action.DISCARD_CHANGES


def status_label(status):
    if status == REFERENCE:
        return str(_("reference data"))
    return Status(status).label if status in Status.values else str(status)


class Refused(ValidationError):
    """A write the policy does not allow (or that lacks its required comment)."""


def require(user, action, status, *, comment=None, record=None, field=None):
    """Raise `Refused` unless the policy lets `user` do `action` on a record in `status`.

    Returns the outcome (ALLOW or PENDING). `comment` is checked for actions that need one.
    """
    outcome = decide(user, action, status)
    if outcome is DENY:
        message = refusal_message(action, status, record)
        raise Refused({field: message} if field else message, code="forbidden")
    if action in NEEDS_COMMENT and comment is not None and not comment.strip():
        message = (
            _("Say why the record goes back to draft, so its editor knows what to fix.")
            if action in (Action.SEND_BACK, Action.UNPUBLISH, Action.REOPEN)
            else _("Say why (a comment is required): it is kept in the workflow log.")
        )
        raise Refused({"transition_comment": message} if field else message, code="comment")
    return outcome


def require_transition(user, from_status, to_status, *, comment=None, record=None, field=None):
    action = transition_action(from_status, to_status)
    if action is None:
        message = _("A record cannot go from “%(old)s” to “%(new)s”.") % {
            "old": status_label(from_status),
            "new": status_label(to_status),
        }
        raise Refused({field: message} if field else message, code="invalid")
    return require(user, action, from_status, comment=comment, record=record, field=field)


def refusal_message(action, status, record=None):
    subject = f"“{record}”: " if record is not None else ""
    if action in (
        Action.PUBLISH,
        Action.UNPUBLISH,
        Action.ARCHIVE,
        Action.SEND_BACK,
        Action.REOPEN,
    ):
        return subject + _(
            "Only publishers can publish, unpublish, archive or send a record back to draft "
            "(“%(status)s” → %(action)s)."
        ) % {"status": status_label(status), "action": LABELS.get(action, action)}
    if action is Action.CREATE:
        return subject + _("Only publishers can publish. Save it as a draft or in review.")
    if action is Action.SCHEDULE:
        return subject + _("Only publishers can schedule or reschedule publication.")
    if action in (Action.REVERT, Action.RECOVER):
        return subject + _(
            "Only publishers can bring back a version that was published or archived, or "
            "change a record that is. Nothing was changed."
        )
    if action in (Action.APPROVE_CHANGES, Action.REJECT_CHANGES, Action.CORRECT):
        return subject + _("Only publishers can approve, reject or correct a published record.")
    if status == REFERENCE:
        return subject + _(
            "Only publishers can add, change or delete organisations, institutions, themes "
            "and categories."
        )
    if action is Action.DELETE:
        return subject + _("Only publishers can delete records.")
    return subject + _("“%(status)s” records cannot be changed this way by you (%(action)s).") % {
        "status": status_label(status),
        "action": action,
    }


def allowed_statuses(user, current):
    """Statuses offered in the form's status field (the service checks again on save)."""
    if current is None:
        return {s for s in (DRAFT, IN_REVIEW, PUBLISHED) if decide(user, Action.CREATE, s) != DENY}
    return {current} | {
        new
        for (old, new), action in TRANSITIONS.items()
        if old == current and decide(user, action, old) != DENY
    }


def can_edit(user, status):
    return decide(user, Action.EDIT, status) != DENY


def is_publisher(user):
    return role_of(user) is Role.PUBLISHER
