"""Editorial pages outside the admin's own views: preview and the revision comparison."""

from dataclasses import dataclass

from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from reversion.revisions import _get_options

from .models import Commitment
from .views.catalogue import CommitmentDetailView


class CommitmentPreviewView(CommitmentDetailView):
    """Any commitment, whatever its status, in the public page template, marked as a preview.

    Staff who may view commitments only; everyone else gets a 404, so the address does not
    even reveal that an unpublished record exists.
    """

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_active and user.is_staff and user.has_perm("catalog.view_commitment")):
            raise Http404(_("No such page."))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.with_page_data(Commitment.objects.all())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = True
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response


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
    if value is None or value == "":
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
    return str(value)


def _columns(model):
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def _summary(model, values, skip_attname):
    """One related row as text, without the link back to the record being compared."""
    return " · ".join(
        _display(field, values.get(field.attname))
        for field in _columns(model)
        if field.attname != skip_attname and values.get(field.attname) not in (None, "")
    )


def compare_with_live(version, obj):
    """Field-by-field comparison of a stored version with the live record, followed by its
    related rows (sources, category evidence, relations) as they were and as they are."""
    stored = version.field_dict
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
    for follow in _get_options(type(obj)).follow:
        relation = obj._meta.get_field(follow)
        related_model, fk_attname = relation.related_model, relation.field.attname
        then = sorted(
            _summary(related_model, other.field_dict, fk_attname)
            for other in version.revision.version_set.all()
            if other._model is related_model and other.field_dict.get(fk_attname) == obj.pk
        )
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
