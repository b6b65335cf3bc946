"""Field-by-field comparison of a stored version (a revision, or pending changes) with the
live record: one view and one template serve both."""

import difflib
import re
from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..editorial import history, pending


@dataclass
class ComparedField:
    """One field of the live record (`now`) and of the stored version (`then`: the pending
    changes, or the revision a revert would bring back). The change reads live → stored."""

    label: str
    then: str
    now: str

    @property
    def changed(self):
        return self.then != self.now

    @cached_property
    def _marked(self):
        return word_diff(self.now, self.then)

    @property
    def removed(self):
        """The live value, its words that the stored version drops in <del>."""
        return self._marked[0]

    @property
    def added(self):
        """The stored value, its words that are new to the live record in <ins>."""
        return self._marked[1]


# Each word with the space after it, so that a run of changed words is marked as one.
WORDS = re.compile(r"\s*\S+\s*|\s+")


def word_diff(old, new):
    """(old, new) as safe HTML compared word by word: in `old` the words `new` drops are in
    <del>, in `new` the words it adds are in <ins>; the rest is escaped text. A one-letter fix
    marks the word it changes ("Terrorst" struck, "Terrorist" marked)."""
    a, b = WORDS.findall(old), WORDS.findall(new)
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            left.append(escape(old_part))
            right.append(escape(new_part))
            continue
        for part, marks, tag_name in ((old_part, left, "del"), (new_part, right, "ins")):
            words = part.rstrip()
            if words:  # the space after the last word stays outside the mark
                marks.append(
                    format_html(f"<{tag_name}>{{}}</{tag_name}>{{}}", words, part[len(words) :])
                )
    return mark_safe("".join(left)), mark_safe("".join(right))


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
