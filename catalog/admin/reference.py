"""Reference data: organisations, institutions, themes, categories (publishers curate them)."""

from django.contrib import admin

from ..export_resources import InstitutionExportResource
from ..models import ActivityCategory, Institution, Organisation, Theme
from ..resources import InstitutionResource
from .base import ConflictCheckedForm, HistoryAdmin
from .imports import SafeImportExportMixin


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    form = ConflictCheckedForm
    list_display = ["name", "acronym", "founded_year", "headquarters", "is_primary"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["acronym"]}
    filter_horizontal = ["partners"]


@admin.register(Institution)
class InstitutionAdmin(SafeImportExportMixin, HistoryAdmin):
    form = ConflictCheckedForm
    resource_classes = [InstitutionResource]
    export_resource_classes = [InstitutionExportResource]
    list_display = ["name", "acronym", "kind", "parent", "organisation"]
    list_filter = ["organisation", "kind"]
    list_select_related = ["parent", "organisation"]
    search_fields = ["name", "acronym", "slug"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Theme)
class ThemeAdmin(HistoryAdmin):
    form = ConflictCheckedForm
    list_display = ["name", "position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ActivityCategory)
class ActivityCategoryAdmin(HistoryAdmin):
    form = ConflictCheckedForm
    list_display = ["name", "position"]
    search_fields = ["name", "scope_note"]
    prepopulated_fields = {"slug": ["name"]}
