"""Compare two or three published commitments side by side.

`comparison_rows` turns the records into rows (one per public field), each with one cell per
record and whether the cells differ. Cells are lists of items (text, optional link, optional
note) so the template renders every row the same way.
"""

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from catalog.models import RelationKind

MIN_RECORDS = 2
MAX_RECORDS = 3


def _text(value, url=None, note=""):
    return {"text": str(value), "url": url, "note": note}


def _scalar(value):
    return [_text(value)] if value not in (None, "") else []


def _date(commitment):
    if commitment.adopted_on:
        return [_text(date_format(commitment.adopted_on))]
    return [_text(commitment.year)]


def _relations(commitment):
    """Public relations both ways, read from this record: 'builds on: X', 'built on by: Y'."""
    order = list(RelationKind)
    items = []
    for relation in sorted(commitment.public_outgoing, key=lambda r: order.index(r.kind)):
        items.append(
            _text(
                f"{relation.get_kind_display()}: {relation.target.symbol or relation.target.title}",
                relation.target.get_absolute_url(),
                relation.target.title if relation.target.symbol else "",
            )
        )
    for relation in sorted(commitment.public_incoming, key=lambda r: order.index(r.kind)):
        items.append(
            _text(
                f"{relation.inverse_label}: {relation.source.symbol or relation.source.title}",
                relation.source.get_absolute_url(),
                relation.source.title if relation.source.symbol else "",
            )
        )
    return items


# (label, function of a commitment -> list of items). Every public field of the record page.
FIELDS = [
    (_("Title"), lambda c: _scalar(c.title)),
    (_("Short title"), lambda c: _scalar(c.short_title)),
    (_("Kind"), lambda c: _scalar(c.get_kind_display().capitalize())),
    (_("Symbol"), lambda c: _scalar(c.symbol)),
    (_("Symbol status"), lambda c: _scalar(c.get_symbol_status_display() if c.symbol else "")),
    (_("Number"), lambda c: _scalar(c.display_number if c.number else "")),
    (
        _("Organisation"),
        lambda c: [_text(c.organisation.name, c.organisation.get_absolute_url())],
    ),
    (
        _("Adopted by"),
        lambda c: (
            [_text(c.adopting_body.name, c.adopting_body.get_absolute_url())]
            if c.adopting_body
            else []
        ),
    ),
    (_("Adopted"), _date),
    (_("Meeting"), lambda c: _scalar(c.meeting)),
    (_("Place"), lambda c: _scalar(c.place)),
    (_("Summary"), lambda c: _scalar(c.summary)),
    (_("Key quotation"), lambda c: _scalar(c.key_quotation)),
    (
        _("Themes"),
        lambda c: [_text(t.name, t.get_absolute_url()) for t in c.themes.all()],
    ),
    (
        _("Online-activity categories (with evidence)"),
        lambda c: [
            _text(a.category.name, a.category.get_absolute_url(), a.note)
            for a in c.category_assignments.all()
        ],
    ),
    (_("Related documents (both ways)"), _relations),
    (_("Other documents cited"), lambda c: [_text(r) for r in c.external_reference_list]),
    (_("Keywords"), lambda c: [_text(k) for k in c.keyword_list]),
    (
        _("Sources"),
        lambda c: [_text(s.label or s.url, s.url) for s in c.sources.all()],
    ),
    (
        _("Last reviewed"),
        lambda c: _scalar(date_format(c.last_reviewed_on) if c.last_reviewed_on else ""),
    ),
]


def _key(items):
    return tuple((item["text"], item["url"] or "", item["note"]) for item in items)


def comparison_rows(commitments):
    """One row per field: {'label', 'cells': [items per record], 'differs': bool}.

    Fields empty in every record are left out."""
    rows = []
    for label, read in FIELDS:
        cells = [read(commitment) for commitment in commitments]
        if not any(cells):
            continue
        keys = {_key(cell) for cell in cells}
        rows.append({"label": label, "cells": cells, "differs": len(keys) > 1})
    return rows
