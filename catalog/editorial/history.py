"""History (django-reversion) as the editorial layer uses it.

The one place that touches reversion beyond its documented API: `followed_relations()` reads
the follow list a model was registered with (`reversion.revisions._get_options`, private).
`test_the_wrapped_reversion_api_is_what_the_restore_relies_on` in
tests/editorial/test_restore_safety.py pins it, so a reversion upgrade that changes it fails
there.

`restore()` brings back ONE record and its own inlines from a revision — never the other
objects the revision happens to hold (an import or an old bulk action could put many records
in one revision; reverting one of them must not touch the others).
"""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from reversion.models import Version
from reversion.revisions import _get_options

from .policy import Refused


def followed_relations(model):
    """Names of the reverse relations a model's revisions include (its inlines)."""
    return tuple(_get_options(model).follow)


def versions_of(obj):
    return Version.objects.get_for_object(obj).select_related("revision", "revision__user")


def version_model(version):
    return ContentType.objects.get_for_id(version.content_type_id).model_class()


def own_versions(version, model):
    """{follow name: [versions]}: the inlines of the record `version` is about, as they were in
    that revision. Other records in the same revision (and their inlines) are left out."""
    pk = model._meta.pk.to_python(version.object_id)
    parts = {}
    others = list(version.revision.version_set.exclude(pk=version.pk))
    for follow in followed_relations(model):
        relation = model._meta.get_field(follow)
        related_model, fk_attname = relation.related_model, relation.field.attname
        parts[follow] = [
            other
            for other in others
            if version_model(other) is related_model and other.field_dict.get(fk_attname) == pk
        ]
    return parts


def restore(version, model):
    """Write `version` of one record back, with exactly its own inlines from that revision.

    Live inlines the revision did not hold are deleted; inline rows whose other end no longer
    exists are skipped and named in the returned warnings. Raises `Refused` when the record
    cannot be written (e.g. its slug has been taken since). Returns (object, warnings).
    """
    parts = own_versions(version, model)
    warnings = []
    missing = _missing_links(model, version.field_dict)
    if missing:
        raise Refused(
            _(
                "This version points to records that no longer exist (%(fields)s); it cannot be "
                "restored. Nothing was changed."
            )
            % {"fields": ", ".join(missing)}
        )
    try:
        with transaction.atomic():
            version.revert()
            obj = model._default_manager.get(pk=version.object_id)
            for follow, versions in parts.items():
                manager = getattr(obj, follow)
                keep = {str(other.object_id) for other in versions}
                for row in manager.all():
                    if str(row.pk) not in keep:
                        row.delete()
                for other in versions:
                    if _missing_links(manager.model, other.field_dict):
                        warnings.append(
                            _("Not restored (a record it pointed to is gone): %(row)s")
                            % {"row": other.object_repr}
                        )
                        continue
                    other.revert()
    except IntegrityError as error:
        raise Refused(
            _("This version cannot be restored as it is: %(error)s") % {"error": error}
        ) from error
    return obj, warnings


def _missing_links(model, field_dict):
    """Names of the fields whose stored value points to a record that no longer exists.
    (Foreign keys are checked only at commit on both databases, so check them first.)"""
    missing = []
    for field in model._meta.get_fields():
        if not getattr(field, "concrete", False) and not field.many_to_many:
            continue
        if field.many_to_many and not field.auto_created:
            wanted = set(field_dict.get(field.name) or [])
            if wanted and field.related_model._default_manager.filter(pk__in=wanted).count() != len(
                wanted
            ):
                missing.append(str(field.verbose_name))
        elif field.many_to_one:
            value = field_dict.get(field.attname)
            if (
                value is not None
                and not field.related_model._default_manager.filter(pk=value).exists()
            ):
                missing.append(str(field.verbose_name))
    return missing


# Records whose revisions stand alone; sources, evidence and relations are kept in their
# commitment's revisions (they are followed), so they need none of their own.
STANDALONE_MODELS = ("Organisation", "Institution", "Theme", "ActivityCategory", "Commitment")


def ensure_initial_revisions(comment):
    """Give every record without history one revision of its current state (one revision per
    record). Returns how many were created. Records that have history are left alone."""
    from django.apps import apps
    from reversion import add_to_revision, create_revision, set_comment

    created = 0
    for name in STANDALONE_MODELS:
        model = apps.get_model("catalog", name)
        known = set(Version.objects.get_for_model(model).values_list("object_id", flat=True))
        for obj in model._default_manager.order_by("pk"):
            if str(obj.pk) in known:
                continue
            with transaction.atomic(), create_revision():
                add_to_revision(obj)
                set_comment(comment)
            created += 1
    return created
