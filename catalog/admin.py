from django.contrib import admin

from .models import (
    ActivityCategory,
    CategoryAssignment,
    Commitment,
    CommitmentRelation,
    Institution,
    Organisation,
    Source,
    Theme,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "founded_year", "headquarters", "is_primary"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["acronym"]}
    filter_horizontal = ["partners"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "parent", "organisation"]
    list_filter = ["organisation", "kind"]
    search_fields = ["name", "acronym"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ActivityCategory)
class ActivityCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    search_fields = ["name", "scope_note"]
    prepopulated_fields = {"slug": ["name"]}


class SourceInline(admin.TabularInline):
    model = Source
    extra = 0


class CategoryAssignmentInline(admin.TabularInline):
    model = CategoryAssignment
    extra = 0


class OutgoingRelationInline(admin.TabularInline):
    model = CommitmentRelation
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "symbol",
        "kind",
        "year",
        "adopting_body",
        "status",
        "last_reviewed_on",
    ]
    list_filter = ["status", "kind", "adopting_body", "themes"]
    search_fields = ["title", "symbol", "summary"]
    autocomplete_fields = ["adopting_body", "themes"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SourceInline, CategoryAssignmentInline, OutgoingRelationInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CommitmentRelation)
class CommitmentRelationAdmin(admin.ModelAdmin):
    list_display = ["source", "kind", "target"]
    list_filter = ["kind"]
    autocomplete_fields = ["source", "target"]
    search_fields = ["source__title", "target__title", "source__symbol", "target__symbol"]
