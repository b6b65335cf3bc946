"""Snapshots of the database for 'nothing else changed' assertions."""

from django.apps import apps

AUDIT = {"updated_at", "updated_by_id"}


def commitment_snapshot(pk):
    """Every field and inline of one commitment (audit fields aside), comparable with ==."""
    from catalog.models import Commitment, CommitmentRelation

    record = Commitment.objects.filter(pk=pk).values().get()
    commitment = Commitment.objects.get(pk=pk)

    def rows(queryset):
        return sorted(tuple(sorted(row.items())) for row in queryset.values())

    return {
        "fields": {k: v for k, v in record.items() if k not in AUDIT},
        "themes": sorted(commitment.themes.values_list("pk", flat=True)),
        "sources": rows(commitment.sources.all()),
        "category_assignments": rows(commitment.category_assignments.all()),
        "outgoing_relations": rows(CommitmentRelation.objects.filter(source_id=pk)),
        "incoming_relations": rows(CommitmentRelation.objects.filter(target_id=pk)),
    }


def database_snapshot(skip_commitments=()):
    """Every row of every catalog table, except the rows of the given commitments (and their
    inlines and workflow log) — what must not change when only those records may."""
    skip = set(skip_commitments)
    snapshot = {}
    for model in apps.get_app_config("catalog").get_models():
        if model.__name__ in ("SearchDocument", "SearchWord"):  # the search index
            continue
        rows = []
        for row in model._default_manager.order_by("pk").values():
            owner = {
                "Commitment": row.get("id"),
                "Source": row.get("commitment_id"),
                "CategoryAssignment": row.get("commitment_id"),
                "StatusChange": row.get("commitment_id"),
                "PendingChange": row.get("commitment_id"),
            }.get(model.__name__)
            if owner in skip:
                continue
            if model.__name__ == "CommitmentRelation" and (
                row["source_id"] in skip or row["target_id"] in skip
            ):
                continue
            rows.append(row)
        snapshot[model.__name__] = rows
    return snapshot
