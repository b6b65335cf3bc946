"""Reference data: organisations, institutions, themes, categories and the search thesaurus
(publishers curate them).

Every save, deletion and restore is a call into `catalog.editorial.reference` with the form's
data as plain values; the service writes the revision and the log entry."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import changes, thesaurus
from ..editorial import reference
from ..editorial.policy import Refused
from ..export_resources import InstitutionExportResource
from ..models import ActivityCategory, Institution, Organisation, Theme, ThesaurusTerm
from ..resources import InstitutionResource
from .base import ConflictCheckedForm, HistoryAdmin, TranslatedFieldsAdmin
from .imports import SafeImportExportMixin


class ReferenceAdmin(TranslatedFieldsAdmin, HistoryAdmin):
    form = ConflictCheckedForm

    # The service makes the revisions: none of VersionAdmin's own around the views.
    def add_view(self, request, form_url="", extra_context=None):
        return admin.ModelAdmin.add_view(self, request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return admin.ModelAdmin.change_view(self, request, object_id, form_url, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (Refused, ValidationError) as refusal:
            self.message_user(
                request,
                _("Nothing was saved: %(reasons)s") % {"reasons": " ".join(refusal.messages)},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        fields = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in {field.name for field in self.model._meta.get_fields()}
        }
        saved = reference.save_reference(
            user=request.user, model=self.model, record=obj.pk if change else None, fields=fields
        )
        obj.pk = saved.pk  # the admin goes on with its own object (redirect, messages)

    def save_related(self, request, form, formsets, change):
        """Nothing here: the service saved the many-to-many fields with the record."""

    def delete_model(self, request, obj):
        reference.delete_reference(user=request.user, record=obj)

    def delete_queryset(self, request, queryset):
        with changes.atomic():  # one change set for the whole selection
            for obj in queryset:
                reference.delete_reference(user=request.user, record=obj)

    # The service writes the log entries.
    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        return None

    def log_deletions(self, request, queryset):
        return None

    def restore(self, request, version, obj, comment):
        self.check_restore(request, version, obj)
        return reference.restore_reference(user=request.user, version=version, comment=comment)


@admin.register(Organisation)
class OrganisationAdmin(ReferenceAdmin):
    list_display = ["name", "acronym", "founded_year", "headquarters", "is_primary"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["acronym"]}
    filter_horizontal = ["partners"]


@admin.register(Institution)
class InstitutionAdmin(SafeImportExportMixin, ReferenceAdmin):
    resource_classes = [InstitutionResource]
    export_resource_classes = [InstitutionExportResource]
    list_display = ["name", "acronym", "kind", "parent", "organisation"]
    list_filter = ["organisation", "kind"]
    list_select_related = ["parent", "organisation"]
    search_fields = ["name", "acronym", "slug"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Theme)
class ThemeAdmin(ReferenceAdmin):
    list_display = ["name", "position"]
    search_fields = ["name_en", "description_en"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ActivityCategory)
class ActivityCategoryAdmin(ReferenceAdmin):
    list_display = ["name", "position"]
    search_fields = ["name_en", "scope_note_en"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ThesaurusTerm)
class ThesaurusTermAdmin(ReferenceAdmin):
    """Terms added to the search thesaurus; the change list also shows the shipped ones."""

    change_list_template = "admin/catalog/thesaurusterm/change_list.html"
    list_display = ["meaning", "abbreviation_list", "variant_list", "updated_at"]
    search_fields = ["meaning", "abbreviations", "variants"]

    @admin.display(description=gettext_lazy("abbreviations"))
    def abbreviation_list(self, obj):
        return ", ".join(obj.lines(obj.abbreviations))

    @admin.display(description=gettext_lazy("variants"))
    def variant_list(self, obj):
        return ", ".join(obj.lines(obj.variants))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "shipped_terms": thesaurus.shipped_terms()}
        return super().changelist_view(request, extra_context)
