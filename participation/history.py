"""Public version history, read from the revisions django-reversion already stores.

Every write through the editorial service layer saves a revision of the record with its
sources, category evidence and relations. The *published versions* are the revisions whose
stored status is published, dated when they went live (the revision's time, or the scheduled
`publish_at` when later), that were live for a moment: one replaced by the next revision (in
any status: a reschedule, a withdrawal, an edit) before its time came was never public and is
left out with its title and fields. Of those, only the ones where a public field changed since
the previous one are kept. Drafts and records in review (other statuses), pending changes
(never a revision until approved), editorial notes and the editors who saved them are never
read into the result. Two queries for any number of versions: the record's versions, and the
inline rows of those revisions.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from catalog.models import Commitment

# attname in the stored record -> label shown in "Changes to this record".
PUBLIC_FIELDS = {
    "title": _("Title"),
    "short_title": _("Short title"),
    "kind": _("Kind"),
    "symbol": _("Symbol"),
    "symbol_status": _("Symbol status"),
    "number": _("Number"),
    "organisation": _("Organisation"),
    "adopting_body": _("Adopted by"),
    "year": _("Year"),
    "adopted_on": _("Date of adoption"),
    "meeting": _("Meeting"),
    "place": _("Place"),
    "summary": _("Summary"),
    "key_quotation": _("Key quotation"),
    "keywords": _("Keywords"),
    "external_references": _("Other documents cited"),
    "themes": _("Themes"),
    "last_reviewed_on": _("Last reviewed"),
}
# inline model -> (label, link to the record, fields that are public)
INLINES = {
    "source": (_("Sources"), "commitment", ("url", "label", "language", "is_official")),
    "categoryassignment": (
        _("Online-activity categories"),
        "commitment",
        ("category", "note", "source_url"),
    ),
    "commitmentrelation": (_("Related documents"), "source", ("target", "kind", "note")),
}


@dataclass
class PublishedVersion:
    id: int
    date: object  # aware datetime: when this version went live
    fields: dict  # public fields as stored
    inlines: dict  # inline label -> list of dicts
    changed: list = field(default_factory=list)  # labels; empty for the first version
    is_first: bool = False

    def public_key(self):
        return (
            {name: self.fields.get(name) for name in PUBLIC_FIELDS},
            {label: sorted(map(repr, rows)) for label, rows in self.inlines.items()},
        )


def _value(name, value):
    if name == "themes":
        return sorted(value or [])
    return value


def published_versions(commitment, now=None):
    """The published versions of a record, oldest first."""
    now = now or timezone.now()
    versions = list(
        Version.objects.get_for_object(commitment)
        .select_related("revision", "content_type")
        .order_by("revision__date_created", "pk")
    )
    candidates = []
    for index, version in enumerate(versions):
        data = version.field_dict
        if data.get("status") != Commitment.Status.PUBLISHED:
            continue
        live_from = version.revision.date_created
        publish_at = data.get("publish_at")
        if isinstance(publish_at, str):
            publish_at = parse_datetime(publish_at)
        if publish_at and publish_at > live_from:
            live_from = publish_at
        # Public only if it went live before the next revision of the record replaced it.
        following = versions[index + 1] if index + 1 < len(versions) else None
        replaced_at = following.revision.date_created if following else None
        if live_from > now or (replaced_at is not None and live_from >= replaced_at):
            continue
        candidates.append((version, live_from, data))
    if not candidates:
        return []
    inline_rows = {}
    for row in Version.objects.filter(
        revision_id__in={v.revision_id for v, _d, _f in candidates},
        content_type__app_label="catalog",
        content_type__model__in=list(INLINES),
    ).select_related("content_type"):
        label, link, names = INLINES[row.content_type.model]
        data = row.field_dict
        if str(data.get(f"{link}_id", data.get(link))) != str(commitment.pk):
            continue
        if data.get("kind") == "unusable" and row.content_type.model == "source":
            continue  # a test or staging host is never shown, in any version
        inline_rows.setdefault(row.revision_id, {}).setdefault(str(label), []).append(
            {name: data.get(f"{name}_id", data.get(name)) for name in names}
        )
    result = []
    for version, live_from, data in candidates:
        item = PublishedVersion(
            id=version.pk,
            date=live_from,
            fields={
                name: _value(name, data.get(f"{name}_id", data.get(name))) for name in PUBLIC_FIELDS
            },
            inlines={
                str(label): inline_rows.get(version.revision_id, {}).get(str(label), [])
                for label, _link, _names in INLINES.values()
            },
        )
        if result:
            before, after = result[-1].public_key(), item.public_key()
            item.changed = [
                str(PUBLIC_FIELDS[name])
                for name in PUBLIC_FIELDS
                if before[0][name] != after[0][name]
            ] + [label for label in after[1] if before[1].get(label) != after[1][label]]
            if not item.changed:
                continue
        else:
            item.is_first = True
        result.append(item)
    return result


def as_record(commitment, version):
    """An unsaved Commitment holding `version`'s public fields, for the read-only page."""
    record = Commitment(pk=commitment.pk, slug=commitment.slug)
    for name, value in version.fields.items():
        if name == "themes":
            continue
        model_field = Commitment._meta.get_field(name)
        if model_field.is_relation:
            setattr(record, model_field.attname, value)
        elif name in ("adopted_on", "last_reviewed_on") and isinstance(value, str):
            setattr(record, name, parse_date(value))
        else:
            setattr(record, name, value)
    return record
