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

from ..models import CategoryAssignment, Commitment, CommitmentRelation, Source

# The record's content: everything an editor edits, not its status or schedule.
WORKFLOW_FIELDS = {"status", "publish_at"}
CONTENT_FIELDS = [
    field
    for field in Commitment._meta.concrete_fields
    if field.editable and not field.primary_key and field.name not in WORKFLOW_FIELDS
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


def from_forms(form, formsets):
    """Pending data from a validated change form and its inline formsets."""
    cleaned = form.cleaned_data
    fields = {}
    for field in CONTENT_FIELDS:
        if field.name in cleaned:
            value = cleaned[field.name]
            fields[field.attname] = value.pk if isinstance(value, models.Model) else value
        else:
            fields[field.attname] = field.value_from_object(form.instance)
    data = {
        "fields": _jsonable(fields),
        "themes": sorted(theme.pk for theme in cleaned.get("themes", [])),
    }
    for formset in formsets:
        follow = formset.fk.remote_field.get_accessor_name() if hasattr(formset, "fk") else None
        if follow not in INLINES:
            continue
        model, _link, names, _key = INLINES[follow]
        rows = []
        for row_form in formset.forms:
            row_data = getattr(row_form, "cleaned_data", None)
            if not row_data or row_data.get("DELETE"):
                continue
            rows.append(_row(model, names, row_data.get))
        data[follow] = rows
    return data


def from_version_parts(field_dict, inline_dicts):
    """Pending data from a stored revision (an editor's revert of a published record)."""
    data = {
        "fields": _jsonable({f.attname: field_dict.get(f.attname) for f in CONTENT_FIELDS}),
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


def _to_python(model, row):
    values = {}
    for attname, value in row.items():
        field = next(f for f in model._meta.concrete_fields if f.attname == attname)
        values[attname] = field.to_python(value)
    return values


def build(commitment, data):
    """An unsaved copy of `commitment` carrying the pending version (for preview, diff and
    validation). Its rows are unsaved instances, set as prefetched results so templates that
    call `.themes.all` or `.sources.all` read the pending version and not the database."""
    from ..models import Theme

    copy = Commitment.objects.get(pk=commitment.pk)
    for attname, value in _to_python(Commitment, data.get("fields", {})).items():
        setattr(copy, attname, value)
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
    copy.public_incoming = list(
        CommitmentRelation.objects.filter(
            target=commitment, source__in=Commitment.objects.published()
        ).select_related("source")
    )
    return copy


def _result(queryset, rows=None):
    queryset._result_cache = list(queryset) if rows is None else rows
    queryset._prefetch_done = True
    return queryset


def validate(commitment, data):
    """Raise ValidationError when the pending version could not be saved as the live record."""
    copy = build(commitment, data)
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
            if follow == "outgoing_relations" and item.target_id == commitment.pk:
                errors.setdefault(follow, []).append("A commitment cannot be related to itself.")
    if errors:
        raise ValidationError(errors)
    return copy


def apply(commitment, data):
    """Write the pending version onto the live record (inside the caller's transaction)."""
    copy = validate(commitment, data)
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
