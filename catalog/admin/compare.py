"""Field-by-field comparison of a stored version (a revision, or pending changes) with the
live record: one view and one template serve both."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _

from ..editorial import history, pending


@dataclass
class ComparedField:
    label: str
    then: str
    now: str

    @property
    def changed(self):
        return self.then != self.now


def _display(field, value):
    """A stored value as an editor reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(field, models.ManyToManyField):
        names = field.related_model.objects.filter(pk__in=value).order_by("pk")
        return ", ".join(str(obj) for obj in names) or "—"
    if isinstance(field, models.ForeignKey):
        obj = field.related_model._default_manager.filter(pk=value).first()
        return str(obj) if obj is not None else _("(deleted record %(pk)s)") % {"pk": value}
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(field.to_python(value)) if isinstance(value, str) else str(value)


def _columns(model):
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def _summary(model, values, skip_attname):
    """One related row as text, without the link back to the record being compared (nor
    fields derived from others, such as a source's "official", which follows its kind)."""
    return " · ".join(
        _display(field, values.get(field.attname))
        for field in _columns(model)
        if field.attname != skip_attname
        and field.editable
        and values.get(field.attname) not in (None, "")
    )


def compare(stored, stored_related, obj):
    """Rows comparing `stored` (field values by name/attname) and `stored_related`
    ({follow: [row dicts]}, None for a follow the stored version does not cover) with `obj`."""
    rows = []
    for field in obj._meta.get_fields():
        if not (field.concrete or isinstance(field, models.ManyToManyField)):
            continue
        if field.auto_created or field.name in ("created_at", "updated_at"):
            continue
        if field.name not in stored and field.attname not in stored:
            continue
        then = stored.get(field.name, stored.get(field.attname))
        if isinstance(field, models.ManyToManyField):
            now = list(getattr(obj, field.name).values_list("pk", flat=True))
            then, now = sorted(then or []), sorted(now)
        else:
            now = field.value_from_object(obj)
        rows.append(
            ComparedField(str(field.verbose_name), _display(field, then), _display(field, now))
        )
    for follow in history.followed_relations(type(obj)):
        if stored_related.get(follow) is None:
            continue
        relation = obj._meta.get_field(follow)
        related_model, fk_attname = relation.related_model, relation.field.attname
        then = sorted(_summary(related_model, row, fk_attname) for row in stored_related[follow])
        now = sorted(
            _summary(
                related_model,
                {field.attname: field.value_from_object(item) for field in _columns(related_model)},
                fk_attname,
            )
            for item in getattr(obj, follow).all()
        )
        label = str(related_model._meta.verbose_name_plural)
        if follow == "incoming_relations":
            label += _(" (to this record)")
        rows.append(ComparedField(label, "\n".join(then) or "—", "\n".join(now) or "—"))
    return rows


def compare_version_with_live(version, obj):
    parts = history.own_versions(version, type(obj))
    related = {follow: [v.field_dict for v in versions] for follow, versions in parts.items()}
    return compare(version.field_dict, related, obj)


def compare_pending_with_live(change, obj):
    data = change.data
    stored = {**data.get("fields", {}), "themes": data.get("themes", [])}
    related = {follow: data.get(follow, []) for follow in pending.INLINES}
    return compare(stored, related, obj)
