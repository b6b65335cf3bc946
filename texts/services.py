"""Every write to texts, paragraphs and provisions: plain keyword arguments in, one transaction.

The editorial policy of the catalogue decides (`catalog.editorial.policy`): a text added to a
draft or a record in review goes live as soon as its extraction succeeds; a new or replacing
text of a published record waits, extracted, until a publisher approves it, while the live
text stays online (`approve_text`). Each step that changes what the public sees is logged in
the record's workflow log and renews the catalogue version; the search entries of the record
follow (`texts.search.refresh_record`).

Extraction never runs in a request: `add_text` and `fetch_text` store the file and queue the
text (`Text.Extraction.QUEUED`); `texts.tasks` runs `run_extraction` in the background.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import changes
from catalog.editorial.policy import DENY, Action, Refused, decide, require
from catalog.models import Commitment, StatusChange

from . import extraction, fetching, search
from .models import Paragraph, Text

Status = Commitment.Status
State = Text.State


def _catalogue_changed(commitment_ids):
    """A public change of these records: the change set rebuilds their search entries and, on
    commit, moves the public state on (catalog.changes)."""
    changes.record(commitments=commitment_ids, public=True)


def _log(commitment, *, user, comment):
    StatusChange.objects.create(
        commitment=commitment,
        from_status=commitment.status,
        to_status=commitment.status,
        comment=comment,
        changed_by=user,
    )


def _require_edit(user, commitment):
    if decide(user, Action.EDIT, commitment.status) is DENY:
        require(user, Action.EDIT, commitment.status, record=commitment)


def _version_position(version):
    digits = "".join(ch for ch in version or "" if ch.isdigit())
    return int(digits) if digits else (1 if version else 0)


# --- getting texts in ------------------------------------------------------------------


def check_edit(user, commitment):
    """Refused unless `user` may add or change texts of `commitment` (the policy's edit)."""
    _require_edit(user, commitment)


def save_text_details(*, user, text):
    """Save what an editor types about a text (address, kind of address, original or not,
    note): an address-only text is added this way. Details of a live text of a published
    record are a publisher's immediate correction."""
    with transaction.atomic():
        live = Commitment.objects.select_for_update().get(pk=text.commitment_id)
        _require_edit(user, live)
        public = text.pk and text.state == State.LIVE and live.status == Status.PUBLISHED
        if public:
            require(user, Action.CORRECT, live.status, record=live)
        if not text.pk:
            text.created_by = user
            text.state = State.ADDRESS
        text.version_position = _version_position(text.version)
        text.full_clean()
        text.save()
        if public:
            _log(
                live,
                user=user,
                comment=_("Details of the official text (%(l)s) corrected.") % {"l": text.language},
            )
            _catalogue_changed([live.pk])
    return text


def check_file(data, *, declared_type=""):
    """The file's type (PDF or HTML), or ExtractionError for a file that is too large or not
    what it says: checked before anything is stored."""
    extraction.check_size(data, settings.TEXTS_MAX_BYTES)
    return extraction.sniff(data, declared_type)


def add_text(
    *,
    user,
    commitment,
    language,
    data,
    declared_type="",
    version="",
    is_original=False,
    url="",
    retrieved_at=None,
    into=None,
):
    """Store a file as a new text of `commitment` in `language` and `version`, queued for
    extraction. The record's live text in that language and version (if any) stays as it is
    until the new one goes live. `into` fills an address-only text instead of adding one."""
    with transaction.atomic():
        live = Commitment.objects.select_for_update().get(pk=commitment.pk)
        _require_edit(user, live)
        media_type = check_file(data, declared_type=declared_type)
        current = Text.objects.filter(
            commitment=live, language=language, version=version, state=State.LIVE
        ).first()
        text = into or Text(commitment=live, language=language, version=version)
        text.version_position = _version_position(version)
        text.is_original = is_original
        text.url = url or text.url
        text.media_type = media_type
        text.sha256 = Text.checksum(data)
        text.size = len(data)
        text.page_count = None
        text.retrieved_at = retrieved_at or timezone.now()
        text.extracted_at = None
        text.extractor = ""
        text.state = State.PENDING
        text.extraction = Text.Extraction.QUEUED
        text.message = _("Queued for extraction.")
        text.replaces = current if current and current.pk != text.pk else None
        text.created_by = text.created_by or user
        text.file.save(f"{text.sha256}.{text.file_extension}", ContentFile(data), save=False)
        text.save()
        search.forget_paragraphs_of(text.pk)
        text.paragraphs.all().delete()
        _log(
            live,
            user=user,
            comment=_("Official text added (%(language)s%(version)s), queued for extraction.")
            % {"language": language, "version": f" {version}" if version else ""},
        )
    from . import tasks

    tasks.enqueue_extraction(text.pk)
    return text


def fetch_text(*, user, text):
    """Fetch `text`'s official address (HTTPS only, limits, content type checked) and add
    what it returns as a text queued for extraction. A failed fetch changes nothing but the
    message the admin shows, so it can be retried."""
    commitment = text.commitment
    _require_edit(user, commitment)
    if text.address_kind != Text.AddressKind.OFFICIAL:
        raise Refused(
            _(
                "“%(url)s” is a copy on another site (mirror), not an official address: "
                "it is not fetched as the official text."
            )
            % {"url": text.url}
        )
    try:
        fetched = fetching.fetch(text.url)
    except extraction.ExtractionError as error:
        Text.objects.filter(pk=text.pk).update(message=error.message)
        raise
    into = text if text.state == State.ADDRESS else None
    return add_text(
        user=user,
        commitment=commitment,
        language=text.language,
        data=fetched.data,
        declared_type=fetched.content_type,
        version=text.version,
        is_original=text.is_original,
        url=fetched.url,
        retrieved_at=fetched.retrieved_at,
        into=into,
    )


# --- extraction (run by the background task) ------------------------------------------


def run_extraction(text_id):
    """Extract one queued text: its pages and paragraphs. On failure the text keeps its
    message (what happened) and the record's live text is untouched. A text that is gone or
    no longer queued is left alone (None): each upload is extracted once, by whichever task
    comes first."""
    text = (
        Text.objects.select_related("commitment")
        .filter(pk=text_id, extraction=Text.Extraction.QUEUED)
        .first()
    )
    if text is None or not text.file:
        return None
    with text.file.open("rb") as handle:
        data = handle.read()
    try:
        pages, pieces = extraction.extract(data, text.media_type, settings.TEXTS_MAX_PAGES)
    except extraction.ExtractionError as error:
        outcome = (
            Text.Extraction.NEEDS_OCR
            if error.code == extraction.ExtractionError.NEEDS_OCR
            else Text.Extraction.FAILED
        )
        Text.objects.filter(pk=text.pk).update(
            extraction=outcome, message=error.message, updated_at=timezone.now()
        )
        return outcome
    with transaction.atomic():
        text = Text.objects.select_for_update().select_related("commitment").get(pk=text.pk)
        if text.sha256 != Text.checksum(data):
            # Replaced by a newer upload while this one was read: that file has its own task.
            return None
        search.forget_paragraphs_of(text.pk)
        text.paragraphs.all().delete()
        Paragraph.objects.bulk_create(
            Paragraph(
                text=text,
                position=position,
                kind=piece.kind,
                number=piece.number,
                anchor=piece.anchor,
                page=piece.page,
                content=piece.content,
            )
            for position, piece in enumerate(pieces, start=1)
        )
        text.page_count = len(pages)
        text.extracted_at = timezone.now()
        text.extractor = (
            extraction.EXTRACTOR if text.media_type == extraction.PDF else extraction.HTML_EXTRACTOR
        )
        text.extraction = Text.Extraction.DONE
        text.message = _("Extracted %(paragraphs)s paragraphs from %(pages)s pages.") % {
            "paragraphs": len(pieces),
            "pages": len(pages),
        }
        text.save()
        search.index_text(text)
        if text.commitment.status != Status.PUBLISHED:
            # Nothing of an unpublished record is public: its texts need no separate review.
            _make_live(text, user=None)
    return text.extraction


def retry_extraction(*, user, text):
    _require_edit(user, text.commitment)
    if not text.file:
        raise Refused(_("This text has no file yet: fetch or upload one."))
    Text.objects.filter(pk=text.pk).update(
        extraction=Text.Extraction.QUEUED, message=_("Queued for extraction (retry).")
    )
    from . import tasks

    tasks.enqueue_extraction(text.pk)


# --- review ----------------------------------------------------------------------------


def _make_live(text, *, user):
    previous = list(
        Text.objects.select_for_update()
        .filter(
            commitment_id=text.commitment_id,
            language=text.language,
            version=text.version,
            state=State.LIVE,
        )
        .exclude(pk=text.pk)
    )
    for old in previous:
        old.state = State.REPLACED
        old.save(update_fields=["state", "updated_at"])
    text.state = State.LIVE
    text.reviewed_by = user
    text.save(update_fields=["state", "reviewed_by", "updated_at"])
    _catalogue_changed([text.commitment_id])


def approve_text(*, user, text, comment=""):
    """A publisher puts an extracted text of a published record online (replacing the live
    text in its language and version)."""
    with transaction.atomic():
        live = Commitment.objects.select_for_update().get(pk=text.commitment_id)
        require(user, Action.APPROVE_CHANGES, live.status, record=live)
        text = Text.objects.select_for_update().get(pk=text.pk)
        if text.state != State.PENDING:
            raise Refused(_("Only a text awaiting approval can be approved."))
        if text.extraction != Text.Extraction.DONE:
            raise Refused(
                _("The text is not extracted (%(state)s): retry the extraction first.")
                % {"state": text.get_extraction_display()}
            )
        _make_live(text, user=user)
        _log(
            live,
            user=user,
            comment=(
                _("Official text approved (%(language)s%(version)s). %(comment)s")
                % {
                    "language": text.language,
                    "version": f" {text.version}" if text.version else "",
                    "comment": comment.strip(),
                }
            ).strip(),
        )
    return text


def reject_text(*, user, text, comment):
    with transaction.atomic():
        live = Commitment.objects.select_for_update().get(pk=text.commitment_id)
        require(user, Action.REJECT_CHANGES, live.status, comment=comment, record=live)
        text = Text.objects.select_for_update().get(pk=text.pk)
        if text.state != State.PENDING:
            raise Refused(_("Only a text awaiting approval can be rejected."))
        text.state = State.REJECTED
        text.message = _("Rejected: %(comment)s") % {"comment": comment.strip()}
        text.reviewed_by = user
        text.save()
        _log(live, user=user, comment=text.message)
    return text


# --- correcting the split --------------------------------------------------------------


def _require_split_edit(user, text):
    """Editors correct the split of a text before it goes live; a live text of a published
    record is corrected by a publisher (an immediate correction, logged)."""
    commitment = text.commitment
    _require_edit(user, commitment)
    if text.state == State.LIVE and commitment.status == Status.PUBLISHED:
        require(user, Action.CORRECT, commitment.status, record=commitment)
        return True
    return False


def _renumber(text):
    rows = list(text.paragraphs.order_by("position", "pk"))
    # Two passes keep the (text, position) constraint satisfied while positions move.
    offset = len(rows) + 1000
    for index, row in enumerate(rows, start=1):
        Paragraph.objects.filter(pk=row.pk).update(position=offset + index)
    for index, row in enumerate(rows, start=1):
        Paragraph.objects.filter(pk=row.pk).update(position=index)


def _after_split_edit(user, text, public, what):
    search.index_text(text)
    if public:
        _log(text.commitment, user=user, comment=what)
        _catalogue_changed([text.commitment_id])


def merge_with_next(*, user, paragraph):
    """Join a paragraph and the one after it (extraction split one in two)."""
    with transaction.atomic():
        text = Text.objects.select_for_update().get(pk=paragraph.text_id)
        public = _require_split_edit(user, text)
        following = (
            text.paragraphs.filter(position__gt=paragraph.position).order_by("position").first()
        )
        if following is None:
            raise Refused(_("This is the last paragraph: there is none to merge with."))
        Paragraph.objects.filter(pk=paragraph.pk).update(
            content=f"{paragraph.content} {following.content}".strip()
        )
        following.delete()
        _renumber(text)
        _after_split_edit(
            user,
            text,
            public,
            _("Paragraphs %(a)s and %(b)s merged.")
            % {"a": paragraph.anchor, "b": following.anchor},
        )


def split_paragraph(*, user, paragraph, at, anchor, kind=None, number=""):
    """Cut a paragraph in two at character `at`; the second part gets `anchor`."""
    with transaction.atomic():
        text = Text.objects.select_for_update().get(pk=paragraph.text_id)
        public = _require_split_edit(user, text)
        first, second = paragraph.content[:at].strip(), paragraph.content[at:].strip()
        if not first or not second:
            raise Refused(_("Split inside the text: both parts need words."))
        if text.paragraphs.filter(anchor=anchor).exists():
            raise Refused(_("The anchor “%(anchor)s” is taken in this text.") % {"anchor": anchor})
        text.paragraphs.filter(position__gt=paragraph.position).update(
            position=F("position") + 100000
        )
        Paragraph.objects.filter(pk=paragraph.pk).update(content=first)
        Paragraph.objects.create(
            text=text,
            position=paragraph.position + 1,
            kind=kind or paragraph.kind,
            number=number,
            anchor=anchor,
            page=paragraph.page,
            content=second,
        )
        _renumber(text)
        _after_split_edit(user, text, public, _("Paragraph %(a)s split.") % {"a": paragraph.anchor})


def relabel(*, user, paragraph, kind, number, anchor):
    with transaction.atomic():
        text = Text.objects.select_for_update().get(pk=paragraph.text_id)
        public = _require_split_edit(user, text)
        if text.paragraphs.filter(anchor=anchor).exclude(pk=paragraph.pk).exists():
            raise Refused(_("The anchor “%(anchor)s” is taken in this text.") % {"anchor": anchor})
        Paragraph.objects.filter(pk=paragraph.pk).update(kind=kind, number=number, anchor=anchor)
        _after_split_edit(
            user,
            text,
            public,
            _("Paragraph %(a)s relabelled %(b)s.") % {"a": paragraph.anchor, "b": anchor},
        )


# --- provisions --------------------------------------------------------------------------


def save_provision(*, user, provision):
    """Add or change a provision. On a published record this is an immediate correction by a
    publisher (logged); editors change the provisions of drafts and records in review."""
    with transaction.atomic():
        live = Commitment.objects.select_for_update().get(pk=provision.commitment_id)
        if live.status == Status.PUBLISHED:
            require(user, Action.CORRECT, live.status, record=live)
        else:
            require(user, Action.EDIT, live.status, record=live)
        provision.full_clean()
        provision.save()
        if live.status == Status.PUBLISHED:
            _log(live, user=user, comment=_("Provision %(n)s saved.") % {"n": provision.number})
        _catalogue_changed([live.pk])
    return provision


def delete_provision(*, user, provision):
    with transaction.atomic():
        live = Commitment.objects.select_for_update().get(pk=provision.commitment_id)
        if live.status == Status.PUBLISHED:
            require(user, Action.CORRECT, live.status, record=live)
            _log(live, user=user, comment=_("Provision %(n)s deleted.") % {"n": provision.number})
        else:
            require(user, Action.EDIT, live.status, record=live)
        provision.delete()
        _catalogue_changed([live.pk])
