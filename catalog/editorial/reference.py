"""Writes of reference data: organisations, institutions, themes, online-activity categories,
the terms publishers add to the search thesaurus.

The same path as a commitment's: plain data as keyword arguments (never a form), the one
policy (its "reference" column), one transaction (`changes.atomic()`) with one revision and one
log entry (the admin's `LogEntry`) per record changed, and one change set. A name that
commitments carry (an organisation's or a body's name and acronym, a theme's or a category's
name) changes those records too: each gets its own revision and workflow-log entry saying why,
and its search entry is rebuilt. Deleting a theme takes it off every record that had it, the
same way. Sources, category evidence and relations are a commitment's own rows: they are
written with it (`services.save_commitment`).

A new kind of record joins by a row in `CARRIED` (what of it commitments carry, and which
commitments carry a record) and goes through `save_reference` / `delete_reference`.
"""

import reversion
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _

from .. import changes
from ..models import (
    ActivityCategory,
    Commitment,
    Institution,
    Organisation,
    Theme,
    ThesaurusTerm,
)
from ..translation import content_field
from . import history
from .policy import REFERENCE, Action, Refused, require


def _carried_by(lookup):
    return lambda record: Commitment.objects.filter(**{lookup: record})


# model -> (fields commitments show and are searched by, the commitments carrying a record);
# their translations (`<field>_<language>`, django-modeltranslation's columns) count too.
CARRIED = {
    Organisation: (("name", "acronym"), _carried_by("organisation")),
    Institution: (("name", "acronym", "names"), _carried_by("adopting_body")),
    Theme: (("name",), _carried_by("themes")),
    ActivityCategory: (("name",), _carried_by("category_assignments__category")),
    # Search reads the thesaurus when a query is asked: no record carries a term, and the
    # new catalogue version of the change set is what makes every worker read it again.
    ThesaurusTerm: ((), lambda record: Commitment.objects.none()),
}


def _carried(record):
    names, _carriers = CARRIED[type(record)]
    columns = {field.name for field in type(record)._meta.concrete_fields}
    translated = [
        f"{name}_{code}"
        for name in names
        for code, _label in settings.LANGUAGES
        if f"{name}_{code}" in columns
    ]
    return {name: getattr(record, name) for name in (*names, *translated)}


def _carriers(record):
    return list(CARRIED[type(record)][1](record).distinct().order_by("pk"))


def _log_entry(user, record, flag, message):
    if user is None:
        return
    LogEntry.objects.log_actions(
        user.pk,
        [record],
        flag,
        [{"changed": {"fields": [message]}}] if message else "",
        single_object=True,
    )


def _revise_carriers(*, user, records, note):
    """Each commitment a reference change touched: its own revision and workflow-log entry."""
    from .services import _log, _revision

    for record in records:
        with _revision(user=user, comment=note):
            reversion.add_to_revision(record)
            _log(record, from_status=record.status, user=user, comment=note)


def _describe_change(record, before, after):
    parts = [
        _("%(field)s “%(old)s” → “%(new)s”")
        % {"field": type(record)._meta.get_field(name).verbose_name, "old": old, "new": after[name]}
        for name, old in before.items()
        if after[name] != old
    ]
    return _("%(model)s “%(record)s” changed: %(changes)s") % {
        "model": type(record)._meta.verbose_name.capitalize(),
        "record": record,
        "changes": "; ".join(parts),
    }


def _partner_ids(record):
    if isinstance(record, Organisation) and record.pk:
        return set(record.partners.values_list("pk", flat=True))
    return set()


def save_reference(*, user, model, record=None, fields, comment=""):
    """Create a record of `model` (`record=None`) or change one, from plain data.

    `fields` maps field names to values (a related record or its id; for a many-to-many field,
    a list of records or ids). Fields not given keep their value. Returns the saved record."""
    if model not in CARRIED:
        raise ValueError(f"{model.__name__} is not reference data.")
    with changes.atomic():
        live = (
            model.objects.select_for_update().get(pk=getattr(record, "pk", record))
            if record is not None
            else None
        )
        require(user, Action.EDIT if live else Action.CREATE, REFERENCE, record=live)
        instance = live or model()
        loaded = (
            {f.attname: getattr(live, f.attname) for f in model._meta.concrete_fields}
            if live
            else {}
        )
        before = _carried(live) if live else None
        partners_before = _partner_ids(live)
        many = {}
        # "name" is the English (`name_en`); a translation is named by its column (`name_fr`).
        fields = {content_field(model, name): value for name, value in fields.items()}
        for name, value in fields.items():
            field = model._meta.get_field(name)
            if field.many_to_many:
                many[name] = [getattr(item, "pk", item) for item in value or ()]
            elif field.is_relation:
                setattr(instance, field.attname, getattr(value, "pk", value))
            else:
                setattr(instance, name, value)
        instance.full_clean()
        changed = [
            str(model._meta.get_field(name).verbose_name)
            for name in fields
            if live is None or _differs(loaded, instance, name)
        ]
        text = (comment or "").strip() or (
            _("Changed %(fields)s.") % {"fields": ", ".join(changed)} if live else _("Added.")
        )
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(text)
            instance.save()
            for name, ids in many.items():
                getattr(instance, name).set(ids)
            reversion.add_to_revision(instance)
        _log_entry(user, instance, CHANGE if live else ADDITION, text)
        partners = _partner_ids(instance) ^ partners_before
        _revise_partners(user=user, record=instance, partner_ids=partners)
        carriers = []
        if live is not None and _carried(instance) != before:
            carriers = _carriers(instance)
            _revise_carriers(
                user=user,
                records=carriers,
                note=_describe_change(instance, before, _carried(instance)),
            )
        changes.record(commitments=[c.pk for c in carriers], public=True)
    return instance


def _differs(loaded, instance, name):
    field = type(instance)._meta.get_field(name)
    if field.many_to_many:
        return set(getattr(instance, name).values_list("pk", flat=True)) != set(
            loaded.get(name, ())
        )
    return loaded.get(field.attname) != getattr(instance, field.attname)


def _revise_partners(*, user, record, partner_ids):
    """Partnership is shown on both sides: the other organisations change too."""
    note = _("Partnership with “%(record)s” changed") % {"record": record}
    for other in Organisation.objects.filter(pk__in=partner_ids).order_by("pk"):
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(note)
            reversion.add_to_revision(other)
        _log_entry(user, other, CHANGE, note)


def delete_reference(*, user, record):
    """Delete a reference record (it keeps a last revision, so it can be recovered). A theme
    is taken off every record that had it; a record still in use elsewhere is refused."""
    require(user, Action.DELETE, REFERENCE, record=record)
    model = type(record)
    try:
        with changes.atomic():
            live = model.objects.select_for_update().get(pk=record.pk)
            carriers = _carriers(live) if isinstance(live, Theme) else []
            partners = _partner_ids(live)
            with reversion.create_revision():
                reversion.set_user(user)
                reversion.set_comment(_("Deleted"))
                reversion.add_to_revision(live)
            _log_entry(user, live, DELETION, "")
            live.delete()
            _revise_partners(user=user, record=live, partner_ids=partners)
            _revise_carriers(
                user=user,
                records=carriers,
                note=_("%(model)s “%(record)s” deleted")
                % {"model": model._meta.verbose_name.capitalize(), "record": live},
            )
            changes.record(commitments=[c.pk for c in carriers], public=True)
    except ProtectedError as error:
        raise Refused(
            _(
                "“%(record)s” is still used by %(count)s record(s), e.g. “%(example)s”; "
                "change them first."
            )
            % {
                "record": record,
                "count": len(error.protected_objects),
                "example": next(iter(error.protected_objects)),
            }
        ) from error


def restore_reference(*, user, version, comment=""):
    """Write back one revision of a reference record (a revert, or a recovery after deletion),
    alone; commitments carrying a name it changes get their revision and log entry."""
    model = history.version_model(version)
    if model not in CARRIED:
        raise Refused(_("This is not a revision of reference data."))
    live = model.objects.filter(pk=version.object_id).first()
    require(user, Action.EDIT if live else Action.CREATE, REFERENCE, record=live)
    when = localize(timezone.localtime(version.revision.date_created))
    text = (comment or "").strip() or _("Restored the version of %(when)s.") % {"when": when}
    with changes.atomic():
        before = _carried(live) if live else None
        partners_before = _partner_ids(live)
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(text)
            restored, warnings = history.restore(version, model)
            reversion.add_to_revision(restored)
        _log_entry(user, restored, CHANGE if live else ADDITION, text)
        _revise_partners(
            user=user, record=restored, partner_ids=_partner_ids(restored) ^ partners_before
        )
        carriers = []
        if before is not None and _carried(restored) != before:
            carriers = _carriers(restored)
            _revise_carriers(
                user=user,
                records=carriers,
                note=_describe_change(restored, before, _carried(restored)),
            )
        changes.record(commitments=[c.pk for c in carriers], public=True)
    return restored, warnings
