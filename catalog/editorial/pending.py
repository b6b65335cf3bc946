"""The pending version of a published record, as plain data.

`data` = {"fields": {attname: value}, "themes": [ids], "sources": [...],
"category_assignments": [...], "outgoing_relations": [...]} — JSON, so the live record and
its rows are never touched until a publisher approves. Inline rows are matched to live rows
by their natural key (source: url; evidence: category; relation: target and kind) when
applied, so approving keeps the ids of rows that did not change.
"""

import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.text import capfirst

from ..models import CategoryAssignment, Commitment, CommitmentRelation, Source
from ..translation import SOURCE_LANGUAGE, content_field, translated_fields

# The record's content: everything an editor edits, not its status or schedule. A translated
# field is its columns, one per language (`title_en`, `title_fr`…): a translation is content
# like any other and goes through the same review; the original column (`title`) is only a
# copy of the English (catalog/translation.py).
WORKFLOW_FIELDS = {"status", "publish_at"}
CONTENT_FIELDS = [
    field
    for field in Commitment._meta.concrete_fields
    if field.editable
    and not field.primary_key
    and field.name not in WORKFLOW_FIELDS
    and field.name not in translated_fields(Commitment)
]

# follow name -> (model, link to the record, fields kept, natural key)
INLINES = {
    "sources": (
        Source,
        "commitment",
        ["url", "label", "language", "kind", "position"],
        ("url",),
    ),
    "category_assignments": (
        CategoryAssignment,
        "commitment",
        ["category", "note", "source_url"],
        ("category",),
    ),
    "outgoing_relations": (
        CommitmentRelation,
        "source",
        ["target", "kind", "note"],
        ("target", "kind"),
    ),
}


def _jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _row(model, names, get):
    row = {}
    for name in names:
        field = model._meta.get_field(name)
        value = get(name)
        if isinstance(value, models.Model):
            value = value.pk
        row[field.attname] = value
    return _jsonable(row)


def snapshot(commitment):
    """The live record as pending data."""
    data = {
        "fields": _jsonable(
            {field.attname: field.value_from_object(commitment) for field in CONTENT_FIELDS}
        ),
        "themes": sorted(commitment.themes.values_list("pk", flat=True)),
    }
    for follow, (model, _link, names, _key) in INLINES.items():
        data[follow] = [
            _row(
                model,
                names,
                lambda name, item=item, model=model: getattr(
                    item, model._meta.get_field(name).attname
                ),
            )
            for item in getattr(commitment, follow).all()
        ]
    return data


def normalise(parts):
    """Plain data in the stored form: fields and row values keyed by attname (a foreign key
    given by name, as a record or as its id, becomes the id), JSON-ready values.

    `parts` has any of the keys "fields" ({name or attname: value}), "themes" (records or ids)
    and one per inline (a list of rows, each {name or attname: value}); missing keys stay
    missing (the caller keeps what the record has)."""
    data = {}
    if "fields" in parts:
        data["fields"] = _jsonable(
            {
                _attname(Commitment, name): _value(value)
                for name, value in _own_names_last(Commitment, parts["fields"])
            }
        )
    if "themes" in parts:
        data["themes"] = sorted({_value(theme) for theme in parts["themes"] or ()})
    for follow, (model, _link, names, _key) in INLINES.items():
        if follow in parts:
            data[follow] = [
                _jsonable(
                    {
                        model._meta.get_field(name).attname: _value(
                            row.get(name, row.get(model._meta.get_field(name).attname))
                        )
                        for name in names
                        if name in row or model._meta.get_field(name).attname in row
                    }
                )
                for row in parts[follow] or ()
            ]
    return data


def _attname(model, name):
    field = model._meta.get_field(content_field(model, name))
    if field.name in WORKFLOW_FIELDS or field not in CONTENT_FIELDS:
        raise ValueError(f"“{name}” is not a content field of {model.__name__}.")
    return field.attname


def _value(value):
    return value.pk if isinstance(value, models.Model) else value


def merged(base, parts):
    """`base` (stored data) with the parts given replacing its own; fields merge one by one."""
    data = {key: value for key, value in base.items() if key != "fields"}
    data["fields"] = {**base.get("fields", {}), **parts.get("fields", {})}
    data.update({key: value for key, value in parts.items() if key != "fields"})
    return data


def changed_labels(before, after):
    """Labels of the fields and row lists that differ between two stored versions."""
    labels = []
    old_fields, new_fields = before.get("fields", {}), after.get("fields", {})
    for field in CONTENT_FIELDS:
        if old_fields.get(field.attname) != new_fields.get(field.attname):
            labels.append(str(capfirst(field.verbose_name)))
    if sorted(before.get("themes", [])) != sorted(after.get("themes", [])):
        labels.append(str(capfirst(Commitment._meta.get_field("themes").verbose_name)))
    for follow, (model, _link, _names, _key) in INLINES.items():
        if _rows_key(before.get(follow, [])) != _rows_key(after.get(follow, [])):
            labels.append(str(capfirst(model._meta.verbose_name_plural)))
    return labels


def _rows_key(rows):
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


def from_version_parts(field_dict, inline_dicts):
    """Pending data from a stored revision (an editor's revert of a published record)."""
    data = {
        "fields": _jsonable({f.attname: _stored(field_dict, f.attname) for f in CONTENT_FIELDS}),
        "themes": sorted(field_dict.get("themes") or []),
    }
    for follow, (model, _link, names, _key) in INLINES.items():
        data[follow] = [
            _jsonable(
                {
                    model._meta.get_field(n).attname: row.get(model._meta.get_field(n).attname)
                    for n in names
                }
            )
            for row in inline_dicts.get(follow, [])
        ]
    return data


def _stored(field_dict, attname):
    """A field's value in a stored revision; a revision made before the content had a column
    per language holds the English in the original column (`title`, not `title_en`)."""
    if attname not in field_dict and attname.endswith(f"_{SOURCE_LANGUAGE}"):
        return field_dict.get(attname.removesuffix(f"_{SOURCE_LANGUAGE}"))
    return field_dict.get(attname)


def _own_names_last(model, values):
    """The (name, value) pairs of `values` in the order they are set: a translated field's own
    name ("title", which writes the English column) after the columns ("title_en"), so it wins
    whatever order the keys come in (PostgreSQL's jsonb does not keep it)."""
    own_names = translated_fields(model)
    return sorted(values.items(), key=lambda item: item[0] in own_names)


def _to_python(model, row):
    """The stored values as Python values, in the order they are set."""
    values = {}
    for attname, value in _own_names_last(model, row):
        field = next(f for f in model._meta.concrete_fields if f.attname == attname)
        values[attname] = field.to_python(value)
    return values


def build(commitment, data, **workflow):
    """An unsaved copy of `commitment` (None or an unsaved record for a new one) carrying the
    pending version (for preview, diff and validation), with `workflow` (status, publish_at)
    when given. Its rows are unsaved instances, set as prefetched results so templates that
    call `.themes.all` or `.sources.all` read the pending version and not the database."""
    from ..models import Theme

    saved = commitment is not None and commitment.pk is not None
    copy = Commitment.objects.get(pk=commitment.pk) if saved else Commitment()
    for attname, value in _to_python(Commitment, data.get("fields", {})).items():
        setattr(copy, attname, value)
    for name, value in workflow.items():
        setattr(copy, name, value)
    cache = {"themes": _result(Theme.objects.filter(pk__in=data.get("themes", [])))}
    for follow, (model, link, _names, _key) in INLINES.items():
        rows = []
        for row in data.get(follow, []):
            item = model(**_to_python(model, row))
            setattr(item, link, copy)
            rows.append(item)
        cache[follow] = _result(model.objects.none(), rows)
    copy._prefetched_objects_cache = cache
    copy.public_outgoing = [
        row for row in cache["outgoing_relations"] if row.target_id and row.target.is_public
    ]
    copy.public_incoming = (
        list(
            CommitmentRelation.objects.filter(
                target=commitment, source__in=Commitment.objects.published()
            ).select_related("source")
        )
        if saved
        else []
    )
    return copy


def _result(queryset, rows=None):
    queryset._result_cache = list(queryset) if rows is None else rows
    queryset._prefetch_done = True
    return queryset


def validate(commitment, data, **workflow):
    """Raise ValidationError when the pending version could not be saved as the live record."""
    copy = build(commitment, data, **workflow)
    errors = {}
    try:
        copy.full_clean(validate_unique=True)
    except ValidationError as error:
        errors.update(error.message_dict)
    for follow, (model, link, _names, key) in INLINES.items():
        seen = set()
        for item in copy._prefetched_objects_cache[follow]:
            try:
                item.full_clean(exclude=[link], validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                errors.setdefault(follow, []).extend(error.messages)
            natural = tuple(getattr(item, model._meta.get_field(k).attname) for k in key)
            if natural in seen:
                errors.setdefault(follow, []).append(f"Duplicate row: {natural}")
            seen.add(natural)
            if (
                follow == "outgoing_relations"
                and commitment is not None
                and commitment.pk is not None
                and item.target_id == commitment.pk
            ):
                errors.setdefault(follow, []).append("A commitment cannot be related to itself.")
    if errors:
        raise ValidationError(errors)
    return copy


def apply(commitment, data):
    """Write the pending version onto the live record, or onto a new unsaved one (inside the
    caller's transaction). The record's own status and schedule are kept."""
    copy = validate(commitment, data, status=commitment.status, publish_at=commitment.publish_at)
    for field in CONTENT_FIELDS:
        setattr(commitment, field.attname, getattr(copy, field.attname))
    commitment.save()
    commitment.themes.set(data.get("themes", []))
    apply_inlines(commitment, data, copy)
    return commitment


def apply_inlines(commitment, data, copy=None):
    """Make the record's sources, evidence and outgoing relations those of `data`, keeping
    the rows (and ids) whose natural key is unchanged."""
    copy = copy or build(commitment, data)
    for follow, (model, link, names, key) in INLINES.items():
        if follow not in data:
            continue
        wanted = copy._prefetched_objects_cache[follow]
        live = {
            tuple(getattr(row, model._meta.get_field(k).attname) for k in key): row
            for row in getattr(commitment, follow).all()
        }
        kept = set()
        for item in wanted:
            natural = tuple(getattr(item, model._meta.get_field(k).attname) for k in key)
            row = live.get(natural) or model(**{link: commitment})
            for name in names:
                attname = model._meta.get_field(name).attname
                setattr(row, attname, getattr(item, attname))
            row.save()
            kept.add(row.pk)
        for row in live.values():
            if row.pk not in kept:
                row.delete()
