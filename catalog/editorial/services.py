"""The editorial service layer: the only code that changes a commitment's content or state.

Every function takes plain data as keyword arguments (`user`, `fields`, `themes`, `comment`,
…; never a form), asks the one policy (`policy.require`) for every record it writes, and runs
in one `changes.atomic()` transaction with one django-reversion revision per record, a
workflow-log entry (`StatusChange`) for every record whose status changes (and for every other
record a write changes along the way), and `changes.record()` of what it changed, so the
search index, the public state and the follow-up tasks follow in one step. The admin, the
import resources and the management commands call these functions and hold no editorial
rules of their own.
"""

import contextlib
import re
from dataclasses import dataclass, field

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import localize
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tasks import task

from .. import changes
from ..models import (
    Commitment,
    CommitmentRelation,
    PendingChange,
    StatusChange,
    normalise_symbol,
)
from . import history, pending
from .policy import (
    ALLOW,
    PENDING,
    Action,
    Refused,
    decide,
    discard_action,
    refusal_message,
    require,
    require_transition,
    status_label,
)

Status = Commitment.Status
State = PendingChange.State
KEEP = object()


@dataclass
class Result:
    commitment: Commitment
    outcome: str = ALLOW  # ALLOW: the live record changed; PENDING: stored as pending changes
    warnings: list = field(default_factory=list)


def same_moment(first, second):
    # Forms drop microseconds; compare to the second.
    if first is None or second is None:
        return first is second
    return first.replace(microsecond=0) == second.replace(microsecond=0)


# --- revisions and the workflow log ---------------------------------------------------


@contextlib.contextmanager
def _revision(*, user, comment):
    """One transaction, one revision (the caller adds exactly one record to it)."""
    with changes.atomic(), reversion.create_revision():
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(comment)
        yield


def _log(commitment, *, from_status, user, comment=""):
    return StatusChange.objects.create(
        commitment=commitment,
        from_status=from_status or "",
        to_status=commitment.status,
        publish_at=commitment.publish_at if commitment.status == Status.PUBLISHED else None,
        comment=(comment or "").strip(),
        changed_by=user,
    )


def describe(from_status, commitment, comment=""):
    """The reason stored with a revision."""
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


def _changed(ids, *statuses):
    """Record live changes of these commitments (public when a status given is published)."""
    changes.record(commitments=ids, public=changes.is_public_status(*statuses))


def _check_status_change(
    user,
    *,
    old_status,
    new_status,
    old_publish_at,
    new_publish_at,
    comment,
    record=None,
    field=None,
):
    """Ask the policy about a status and/or schedule change; returns the outcome for the
    content edit that comes with it."""
    if old_status is None:
        outcome = require(user, Action.CREATE, new_status, record=record, field=field and "status")
    elif old_status != new_status:
        require_transition(
            user, old_status, new_status, comment=comment, record=record, field=field and "status"
        )
        # Content travels with a move onto or off the site: check it on the unpublished side.
        edit_status = new_status if old_status == Status.PUBLISHED else old_status
        outcome = require(user, Action.EDIT, edit_status, record=record, field=field)
    else:
        outcome = require(user, Action.EDIT, old_status, record=record, field=field)
    if not same_moment(old_publish_at, new_publish_at):
        require(user, Action.SCHEDULE, new_status, record=record, field=field and "publish_at")
    return outcome


def check_form_change(
    user, *, old_status, new_status, old_publish_at, new_publish_at, comment="", correction=False
):
    """What a save of the change form will do; raises Refused (keyed by form field)."""
    if correction:
        if old_status != Status.PUBLISHED or new_status != Status.PUBLISHED:
            raise Refused({"status": _("Only a published record can be corrected immediately.")})
        require(user, Action.CORRECT, old_status, comment=comment, field="transition_comment")
        if not same_moment(old_publish_at, new_publish_at):
            require(user, Action.SCHEDULE, new_status, field="publish_at")
        return ALLOW
    outcome = _check_status_change(
        user,
        old_status=old_status,
        new_status=new_status,
        old_publish_at=old_publish_at,
        new_publish_at=new_publish_at,
        comment=comment,
        field="__all__",
    )
    if outcome is PENDING and not same_moment(old_publish_at, new_publish_at):
        raise Refused({"publish_at": _("Pending changes cannot reschedule a published record.")})
    return outcome


# --- creating and editing a record -------------------------------------------------------


SLUG_LENGTH = Commitment._meta.get_field("slug").max_length


def new_slug(*, symbol=None, title=None):
    """A new record's address, from its symbol when it has one ("MC.DEC/7/06" gives
    "mc-dec-7-06", "MC(9).DEC/1" "mc-9-dec-1"), else from its title; "-2", "-3"… when taken."""
    symbol = normalise_symbol(symbol or "")
    base = slugify(re.sub(r"[^0-9A-Za-z]+", "-", symbol) if symbol else title or "")
    base = base[: SLUG_LENGTH - 4].strip("-") or "commitment"
    slug, number = base, 2
    while Commitment.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def save_commitment(
    *,
    user,
    commitment=None,
    status=None,
    publish_at=KEEP,
    fields=None,
    themes=None,
    sources=None,
    category_assignments=None,
    outgoing_relations=None,
    comment="",
    correction=False,
    expected_version=None,
):
    """Create a commitment (`commitment=None`) or edit one, from plain data.

    `fields` maps content field names to values (a related record or its id); `themes` lists
    themes (records or ids); `sources`, `category_assignments` and `outgoing_relations` list
    rows as {field name: value}. What is not given keeps its current value (a new record: its
    default); rows given replace the record's rows, matched by their natural key (source: url;
    evidence: category; relation: target and kind), so rows that did not change keep their ids.
    `status` and `publish_at` are the record's workflow fields (not given: unchanged).

    A new record or an editable one is written at once; an edit of a published record
    becomes pending changes (the live record is untouched) unless a publisher makes an
    explicit immediate correction (`correction=True`, comment required). Raises Refused when
    the policy forbids it and ValidationError when the version is invalid (nothing written).

    `expected_version` (an ISO timestamp, as `version_token` gave it when the form was opened)
    is checked against the locked row, whatever its status: Refused when someone saved since.
    """
    if commitment is None and fields is not None and not (fields.get("slug") or "").strip():
        fields = {
            **fields,
            "slug": new_slug(symbol=fields.get("symbol"), title=fields.get("title")),
        }
    parts = {
        name: value
        for name, value in (
            ("fields", fields),
            ("themes", themes),
            ("sources", sources),
            ("category_assignments", category_assignments),
            ("outgoing_relations", outgoing_relations),
        )
        if value is not None
    }
    given = pending.normalise(parts)
    with changes.atomic():
        live = (
            Commitment.objects.select_for_update().filter(pk=_pk(commitment)).first()
            if commitment is not None
            else None
        )
        if commitment is not None and live is None:
            raise Refused(_("This record no longer exists."))
        if live is not None and expected_version:
            current = version_token(live)
            if current is not None and current.isoformat() != expected_version:
                raise Refused(
                    _(
                        "Someone saved this record after you opened it (at %(when)s); your "
                        "changes were not saved."
                    )
                    % {"when": localize(timezone.localtime(current))}
                )
        old_status = live.status if live else None
        old_publish_at = live.publish_at if live else None
        new_status = status if status is not None else (old_status or Status.DRAFT)
        new_publish_at = old_publish_at if publish_at is KEEP else publish_at
        outcome = check_form_change(
            user,
            old_status=old_status,
            new_status=new_status,
            old_publish_at=old_publish_at,
            new_publish_at=new_publish_at,
            comment=comment,
            correction=correction,
        )
        change = PendingChange.objects.filter(commitment=live).first() if live else None
        before = change.data if change else (pending.snapshot(live) if live else {})
        data = pending.merged(before, given)
        if outcome is PENDING:
            save_pending(user=user, commitment=live, data=data)
            return Result(live, PENDING)
        record = live or Commitment(created_by=user)
        record.status, record.publish_at, record.updated_by = new_status, new_publish_at, user
        with _revision(user=user, comment=""):
            pending.apply(record, data)
            if change is not None:
                change.delete()
            reversion.add_to_revision(record)
            status_changed = old_status != record.status
            schedule_changed = not same_moment(old_publish_at, record.publish_at)
            text = comment
            if correction:
                text = _("Immediate correction: %(comment)s") % {"comment": comment.strip()}
            if status_changed or schedule_changed or (text or "").strip():
                _log(record, from_status=old_status, user=user, comment=text)
            labels = pending.changed_labels(before, data) if live else []
            message = (_("Changed %(fields)s.") % {"fields": ", ".join(labels)}) if labels else ""
            reversion.set_comment(
                (message + " " + describe(old_status, record, text)).strip()
                if (status_changed or schedule_changed or text)
                else message
            )
            _changed([record.pk], old_status, record.status)
    return Result(record, ALLOW)


def _pk(commitment):
    return commitment.pk if isinstance(commitment, Commitment) else commitment


# --- status changes (list actions, buttons) --------------------------------------------


def transition(commitment, to_status, *, user, comment="", publish_at=KEEP):
    """Move one commitment to another status (optionally setting its schedule)."""
    with changes.atomic():
        current = Commitment.objects.select_for_update().get(pk=commitment.pk)
        old_status, old_publish_at = current.status, current.publish_at
        new_publish_at = old_publish_at if publish_at is KEEP else publish_at
        if old_status == to_status and same_moment(old_publish_at, new_publish_at):
            raise Refused(
                _("“%(record)s” is already %(status)s.")
                % {"record": current, "status": status_label(to_status)}
            )
        if old_status != to_status:
            require_transition(user, old_status, to_status, comment=comment, record=current)
        if not same_moment(old_publish_at, new_publish_at):
            require(user, Action.SCHEDULE, to_status, record=current)
        with _revision(user=user, comment=""):
            current.status = to_status
            current.publish_at = new_publish_at
            current.updated_by = user
            current.full_clean()
            current.save()
            reversion.add_to_revision(current)
            _log(current, from_status=old_status, user=user, comment=comment)
            reversion.set_comment(describe(old_status, current, comment))
        _changed([current.pk], old_status, current.status)
    return current


def transition_many(commitments, to_status, *, user, comment=""):
    """All or nothing, one revision per record: when one record cannot move, none moves."""
    refusals, moved = [], []
    with changes.atomic():
        for commitment in commitments:
            try:
                with changes.atomic():
                    moved.append(transition(commitment, to_status, user=user, comment=comment))
            except ValidationError as error:
                message = " ".join(error.messages)
                prefix = f"“{commitment}”: "
                refusals.append(message if message.startswith(prefix) else prefix + message)
        if refusals:
            raise Refused(refusals)
    return moved


def delete(commitments, *, user):
    """Delete records (publishers); each keeps a last revision so it can be recovered."""
    with changes.atomic():
        for commitment in commitments:
            require(user, Action.DELETE, commitment.status, record=commitment)
        for commitment in commitments:
            with _revision(user=user, comment=_("Deleted")):
                reversion.add_to_revision(commitment)
            neighbours = _incoming(commitment.pk)
            changes.record(
                deleted=[commitment.pk], public=changes.is_public_status(commitment.status)
            )
            commitment.delete()
            # The relations other records had to it went with it: say so in their history.
            for other in Commitment.objects.filter(
                pk__in={source for source, _kind, _note in neighbours}
            ).order_by("pk"):
                note = _("Relations to “%(record)s” removed with its deletion") % {
                    "record": commitment
                }
                with _revision(user=user, comment=note):
                    reversion.add_to_revision(other)
                    _log(other, from_status=other.status, user=user, comment=note)


# --- revert and recover ----------------------------------------------------------------


def _other_records_written(version):
    """Other commitments whose rows a restore writes or deletes (incoming relations)."""
    parts = history.own_versions(version, Commitment)
    ids = {other.field_dict.get("source_id") for other in parts.get("incoming_relations", [])}
    live = CommitmentRelation.objects.filter(target_id=version.object_id)
    ids |= set(live.values_list("source_id", flat=True))
    ids.discard(None)
    ids.discard(int(version.object_id))
    return Commitment.objects.filter(pk__in=ids)


def _require_others(user, version, action):
    for other in _other_records_written(version):
        if decide(user, action, other.status) is not ALLOW:
            raise Refused(
                _(
                    "Restoring this version would change the relations of “%(other)s” "
                    "(%(status)s), which you may not change. Nothing was changed."
                )
                % {"other": other, "status": status_label(other.status)}
            )


def _incoming(pk):
    return set(
        CommitmentRelation.objects.filter(target_id=pk).values_list("source_id", "kind", "note")
    )


def _log_touched_neighbours(*, user, record, before, text):
    """A restore that adds or removes relations pointing at `record` changes the records they
    come from: each gets its own revision and a log entry saying so."""
    touched = {source for source, _kind, _note in before ^ _incoming(record.pk)} - {record.pk}
    for other in Commitment.objects.filter(pk__in=touched).order_by("pk"):
        note = _("Relations to “%(record)s” restored with it (%(why)s)") % {
            "record": record,
            "why": text,
        }
        with _revision(user=user, comment=note):
            reversion.add_to_revision(other)
            _log(other, from_status=other.status, user=user, comment=note)
    return sorted(touched)


def check_revert(*, user, commitment, version):
    """What reverting `commitment` to `version` would do (ALLOW or PENDING); Refused if the
    policy forbids any write it needs."""
    if (
        str(version.object_id) != str(commitment.pk)
        or history.version_model(version) is not Commitment
    ):
        raise Refused(_("This revision is not one of this record's."))
    outcome = require(user, Action.REVERT, commitment.status, record=commitment)
    if outcome is PENDING:
        return outcome
    stored = version.field_dict
    try:
        _check_status_change(
            user,
            old_status=commitment.status,
            new_status=stored.get("status", commitment.status),
            old_publish_at=commitment.publish_at,
            new_publish_at=stored.get("publish_at"),
            comment="(revert)",
            record=commitment,
        )
    except Refused as refusal:
        raise Refused(refusal_message(Action.REVERT, commitment.status)) from refusal
    _require_others(user, version, Action.REVERT)
    return outcome


def revert(*, user, commitment, version, comment=""):
    """Restore one revision of one record (and only its own inlines).

    An editor's revert of a published record becomes pending changes instead.
    """
    when = localize(timezone.localtime(version.revision.date_created))
    text = comment.strip() or _("Reverted to the revision of %(when)s.") % {"when": when}
    with changes.atomic():
        live = Commitment.objects.select_for_update().get(pk=commitment.pk)
        outcome = check_revert(user=user, commitment=live, version=version)
        if outcome is PENDING:
            parts = history.own_versions(version, Commitment)
            data = pending.from_version_parts(
                version.field_dict,
                {follow: [v.field_dict for v in versions] for follow, versions in parts.items()},
            )
            save_pending(user=user, commitment=live, data=data)
            return Result(live, PENDING)
        neighbours = _incoming(live.pk)
        with _revision(user=user, comment=""):
            obj, warnings = history.restore(version, Commitment)
            Commitment.objects.filter(pk=obj.pk).update(updated_by=user)
            obj.refresh_from_db()
            reversion.add_to_revision(obj)
            if live.status != obj.status or text:
                _log(obj, from_status=live.status, user=user, comment=text)
            reversion.set_comment(describe(live.status, obj, text))
        others = _log_touched_neighbours(user=user, record=obj, before=neighbours, text=text)
        _changed([obj.pk, *others], live.status, obj.status)
    return Result(obj, ALLOW, warnings)


def check_recover(*, user, version):
    if history.version_model(version) is not Commitment:
        raise Refused(_("This is not a commitment's revision."))
    if Commitment.objects.filter(pk=version.object_id).exists():
        raise Refused(_("This record exists; open its history to revert it."))
    stored = version.field_dict
    status = stored.get("status", Status.DRAFT)
    require(user, Action.RECOVER, status, record=version.object_repr)
    if stored.get("publish_at"):
        require(user, Action.SCHEDULE, status, record=version.object_repr)
    _require_others(user, version, Action.RECOVER)


def recover(*, user, version):
    """Bring back a deleted record from its last revision, with its inlines and its
    relations in both directions."""
    with changes.atomic():
        check_recover(user=user, version=version)
        text = _("Recovered after deletion.")
        with _revision(user=user, comment=""):
            obj, warnings = history.restore(version, Commitment)
            Commitment.objects.filter(pk=obj.pk).update(updated_by=user)
            obj.refresh_from_db()
            reversion.add_to_revision(obj)
            _log(obj, from_status=None, user=user, comment=text)
            reversion.set_comment(describe(None, obj, text))
        others = _log_touched_neighbours(user=user, record=obj, before=set(), text=text)
        _changed([obj.pk, *others], obj.status)
    return Result(obj, ALLOW, warnings)


# --- history from the first load ----------------------------------------------------


def record_initial_history():
    """One initial revision for every record that has none (after `load_seed`, or once on a
    database that predates complete history: `manage.py ensure_history`)."""
    return history.ensure_initial_revisions(_("Initial revision (loaded without history)"))


# --- import ----------------------------------------------------------------------------

IMPORT_DRAFT, IMPORT_IN_REVIEW, IMPORT_FROM_FILE = "draft", "in_review", "file"


def check_import_choice(user, choice):
    if choice not in (IMPORT_DRAFT, IMPORT_IN_REVIEW, IMPORT_FROM_FILE):
        raise Refused(_("Choose the status imported records get."))
    if choice == IMPORT_FROM_FILE and decide(user, Action.PUBLISH, Status.IN_REVIEW) is not ALLOW:
        raise Refused(_("Only publishers can import records with the status given in the file."))


def plan_import_row(*, user, before, choice, file_status, file_publish_at, record):
    """The status and schedule an imported row gets, or Refused (keyed by column).

    `before` is (status, publish_at) of the existing record, None for a new one.
    """
    if before is None:
        status = file_status if choice == IMPORT_FROM_FILE else choice
        publish_at = file_publish_at if choice == IMPORT_FROM_FILE else None
        require(user, Action.CREATE, status, record=record, field="status")
        if publish_at:
            require(user, Action.SCHEDULE, status, record=record, field="publish_at")
        return status, publish_at
    old_status, old_publish_at = before
    if decide(user, Action.IMPORT, old_status) is not ALLOW:
        raise Refused(
            {
                "status": _("“%(record)s” is %(status)s; only publishers can change it.")
                % {"record": record, "status": status_label(old_status)}
            }
        )
    if choice != IMPORT_FROM_FILE:
        return old_status, old_publish_at  # existing records keep their status and schedule
    if file_status != old_status:
        require_transition(
            user, old_status, file_status, comment=_("Imported"), record=record, field="status"
        )
    if not same_moment(old_publish_at, file_publish_at):
        require(user, Action.SCHEDULE, file_status, record=record, field="publish_at")
    return file_status, file_publish_at


def import_commitment(
    *, user, commitment=None, fields, themes=None, status, publish_at=None, file_name=""
):
    """Write one imported row onto a new record (`commitment=None`) or an existing one, with
    the status and schedule `plan_import_row` gave it: one revision, a log entry when the
    status changes, one change set. An existing record's pending changes are left alone."""
    given = pending.normalise(
        {"fields": fields, **({"themes": themes} if themes is not None else {})}
    )
    with changes.atomic():
        live = (
            Commitment.objects.select_for_update().filter(pk=_pk(commitment)).first()
            if commitment is not None
            else None
        )
        before = (live.status, live.publish_at) if live else None
        plan_import_row(
            user=user,
            before=before,
            choice=IMPORT_FROM_FILE,
            file_status=status,
            file_publish_at=publish_at,
            record=live or fields.get("slug"),
        )
        data = pending.merged(pending.snapshot(live) if live else {}, given)
        record = live or Commitment(created_by=user)
        record.status, record.publish_at, record.updated_by = status, publish_at, user
        text = _("Imported from %(file)s") % {"file": file_name or _("a file")}
        with _revision(user=user, comment=text):
            pending.apply(record, data)
            reversion.add_to_revision(record)
            old_status = before[0] if before else None
            if old_status != record.status:
                _log(record, from_status=old_status, user=user, comment=_("Imported"))
            _changed([record.pk], old_status, record.status)
    return record


# --- pending changes of a published record ---------------------------------------------


def pending_of(commitment):
    return (
        PendingChange.objects.filter(commitment=commitment)
        .select_related("updated_by", "submitted_by", "reviewed_by", "created_by")
        .first()
    )


def version_token(commitment):
    """What a form opened on the record must still match when saved (conflict check):
    the pending changes' time when there are any, the record's otherwise — both read from the
    database (under the caller's row lock), never from an instance loaded before it."""
    change = (
        PendingChange.objects.filter(commitment=commitment)
        .values_list("updated_at", flat=True)
        .first()
    )
    if change is not None:
        return change
    return (
        Commitment.objects.filter(pk=_pk(commitment)).values_list("updated_at", flat=True).first()
    )


def save_pending(*, user, commitment, data):
    """Store (or replace) the pending version of a published record. The live record, its
    rows, the search index and the caches are not touched."""
    require(user, Action.EDIT, commitment.status, record=commitment)
    now = timezone.now()
    with transaction.atomic():
        change, created = PendingChange.objects.select_for_update().get_or_create(
            commitment=commitment,
            defaults={
                "data": data,
                "created_by": user,
                "updated_by": user,
                "created_at": now,
                "updated_at": now,
            },
        )
        if not created:
            change.data = data
            change.updated_by = user
            change.updated_at = now
            if change.state in (State.SCHEDULED, State.SUBMITTED):
                # An edit after submission needs a new review.
                change.state = State.EDITING
                change.approve_at = None
            change.save()
    return change


def _pending_for_update(commitment):
    change = PendingChange.objects.select_for_update().filter(commitment=commitment).first()
    if change is None:
        raise Refused(_("“%(record)s” has no pending changes.") % {"record": commitment})
    return change


def submit_changes(*, user, commitment, comment=""):
    with transaction.atomic():
        live = Commitment.objects.select_for_update().get(pk=commitment.pk)
        require(user, Action.SUBMIT_CHANGES, live.status, record=live)
        change = _pending_for_update(live)
        change.state = State.SUBMITTED
        change.submitted_by, change.submitted_at = user, timezone.now()
        if comment.strip():
            change.review_comment = ""
        change.save()
        _log(
            live,
            from_status=live.status,
            user=user,
            comment=_("Changes submitted for review. %(comment)s") % {"comment": comment.strip()},
        )
    return change


def reject_changes(*, user, commitment, comment):
    with transaction.atomic():
        live = Commitment.objects.select_for_update().get(pk=commitment.pk)
        require(user, Action.REJECT_CHANGES, live.status, comment=comment, record=live)
        change = _pending_for_update(live)
        change.state = State.REJECTED
        change.reviewed_by, change.reviewed_at = user, timezone.now()
        change.review_comment = comment.strip()
        change.approve_at = None
        change.save()
        _log(
            live,
            from_status=live.status,
            user=user,
            comment=_("Changes rejected: %(comment)s") % {"comment": comment.strip()},
        )
    return change


def approve_changes(*, user, commitment, comment="", approve_at=None, now=None):
    """Apply the pending changes to the live record (one revision, one log entry), or
    schedule that for `approve_at`. A version that fails validation changes nothing."""
    now = now or timezone.now()
    with changes.atomic():
        live = Commitment.objects.select_for_update().get(pk=commitment.pk)
        require(user, Action.APPROVE_CHANGES, live.status, record=live)
        change = _pending_for_update(live)
        pending.validate(live, change.data)
        if approve_at is not None and approve_at > now:
            change.state = State.SCHEDULED
            change.approve_at = approve_at
            change.reviewed_by, change.reviewed_at = user, now
            change.review_comment = comment.strip()
            change.save()
            _log(
                live,
                from_status=live.status,
                user=user,
                comment=_("Changes approved, going live at %(when)s. %(comment)s")
                % {"when": localize(timezone.localtime(approve_at)), "comment": comment.strip()},
            )
            changes.record(follow_up=apply_due_approvals, run_after=approve_at)
            return Result(live, PENDING)
        _apply(live, change, user=user, comment=comment)
    return Result(live, ALLOW)


def _apply(live, change, *, user, comment):
    text = _("Changes approved. %(comment)s") % {"comment": (comment or "").strip()}
    with _revision(user=user, comment=text.strip()):
        pending.apply(live, change.data)
        Commitment.objects.filter(pk=live.pk).update(updated_by=user)
        live.refresh_from_db()
        reversion.add_to_revision(live)
        _log(live, from_status=live.status, user=user, comment=text)
        change.delete()
        _changed([live.pk], live.status)


def discard_changes(*, user, commitment, comment=""):
    """Throw the pending changes away, as the policy allows (`policy.discard_action`): one's own
    unapproved work, or — a publisher, with a comment — anybody's, approved or not. The
    discarded version is kept: a revision of the record holds it (with the live record as it
    stays), and the workflow log says who discarded whose changes and why."""
    with changes.atomic():
        live = Commitment.objects.select_for_update().get(pk=commitment.pk)
        change = _pending_for_update(live)
        require(user, discard_action(user, change), live.status, comment=comment, record=live)
        author = change.updated_by or change.created_by
        text = _(
            "Pending changes discarded (%(state)s; last edited by %(author)s). %(comment)s"
        ) % {
            "state": change.get_state_display(),
            "author": author.get_username() if author else _("someone"),
            "comment": comment.strip(),
        }
        with _revision(user=user, comment=text.strip()):
            reversion.add_to_revision(live)
            reversion.add_to_revision(change)
            _log(live, from_status=live.status, user=user, comment=text.strip())
        change.delete()


# Scheduled approvals are applied by a task (`apply_due_approvals`): enqueued for the moment
# an approval is scheduled, and run every minute by the scheduler in case that one was lost.
# The database is the truth: the task asks it what is due; nothing is kept in a cache and no
# request applies anything.


def apply_due_changes(now=None):
    """Apply every scheduled approval whose time has come; returns how many."""
    now = now or timezone.now()
    applied = 0
    ids = PendingChange.objects.filter(state=State.SCHEDULED, approve_at__lte=now).values_list(
        "commitment_id", flat=True
    )
    for commitment_id in list(ids):
        with transaction.atomic():
            change = (
                PendingChange.objects.select_for_update(skip_locked=True)
                .filter(commitment_id=commitment_id, state=State.SCHEDULED, approve_at__lte=now)
                .first()
            )
            if change is None:
                continue
            live = Commitment.objects.select_for_update().get(pk=commitment_id)
            # The approval is checked again now, against the approver's current rights: one
            # who lost the Publisher role or was deactivated meanwhile approves nothing.
            approver = change.reviewed_by
            if decide(approver, Action.APPROVE_CHANGES, live.status) != ALLOW:
                text = _(
                    "Scheduled approval not applied: %(user)s may no longer approve changes. "
                    "The changes await review again."
                ) % {"user": approver.get_username() if approver else _("its approver")}
                change.state, change.approve_at = State.SUBMITTED, None
                change.review_comment = text
                change.save()
                _log(live, from_status=live.status, user=None, comment=text)
                continue
            try:
                with changes.atomic():
                    _apply(live, change, user=change.reviewed_by, comment=change.review_comment)
                    applied += 1
            except ValidationError as error:
                change.state = State.REJECTED
                change.review_comment = _("Could not go live: %(errors)s") % {
                    "errors": " ".join(error.messages)
                }
                change.approve_at = None
                change.save()
    return applied


@task()
def apply_due_approvals():
    """Background task: apply the scheduled approvals whose time has come."""
    return apply_due_changes()


# --- suggested corrections --------------------------------------------------------------


def open_changes_from_suggestion(*, user, commitment, suggestion_label, suggestion_url):
    """An editor starts work on a record from a reader's suggestion, in one step.

    A published record gets pending changes (a copy of the live version, unless it already
    has some), so the live record stays as it is until a publisher approves; a draft or a
    record in review is edited directly. Either way the workflow log links the suggestion.
    Returns the PendingChange, or None for an unpublished record."""
    with transaction.atomic():
        live = Commitment.objects.select_for_update().get(pk=commitment.pk)
        require(user, Action.EDIT, live.status, record=live)
        change = None
        if live.status == Status.PUBLISHED:
            change = PendingChange.objects.filter(commitment=live).first()
            if change is None:
                change = save_pending(user=user, commitment=live, data=pending.snapshot(live))
        _log(
            live,
            from_status=live.status,
            user=user,
            comment=_("Opened from suggested correction %(label)s: %(url)s")
            % {"label": suggestion_label, "url": suggestion_url},
        )
    return change
