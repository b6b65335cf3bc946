from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm
from reversion import is_active, set_comment
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import services
from .admin_views import compare_with_live
from .export_resources import EXPORT_FORMATS, CommitmentExportResource, InstitutionExportResource
from .models import (
    ActivityCategory,
    CategoryAssignment,
    Commitment,
    CommitmentRelation,
    Institution,
    Organisation,
    Source,
    StatusChange,
    Theme,
)
from .resources import (
    STATUS_DRAFT,
    STATUS_FROM_FILE,
    STATUS_IN_REVIEW,
    CommitmentResource,
    InstitutionResource,
)

Status = Commitment.Status

# Editors paste addresses without a scheme; assume https (Django 6's default too).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}

# --------------------------------------------------------------------------------------
# Conflict safety and history, shared by every audited model
# --------------------------------------------------------------------------------------


def last_change(obj):
    """(user, moment) of the record's latest saved change, from its history."""
    version = (
        Version.objects.get_for_object(obj).select_related("revision", "revision__user").first()
    )
    user = getattr(obj, "updated_by", None) or (version.revision.user if version else None)
    return user, obj.updated_at


class ConflictCheckedForm(forms.ModelForm):
    """Refuses a save when someone else saved the record after this form was opened.

    The form carries the record's `updated_at` as it was when opened. On a conflict the
    user's input is kept, the message says who changed it and when, and the token moves on:
    saving again deliberately replaces the other version.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.updated_at:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.pk:
            return cleaned_data
        current = (
            type(self.instance)
            .objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        loaded = cleaned_data.get("loaded_version") or ""
        if current is None or current.isoformat() == loaded:
            return cleaned_data
        user, moment = last_change(type(self.instance).objects.get(pk=self.instance.pk))
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_version")] = current.isoformat()
        if not loaded:
            message = _("This form is out of date. Reload the page before saving.")
        else:
            message = _(
                "%(user)s changed this record at %(when)s, after you opened it. Your changes "
                "are kept below but were not saved. Check their version (History), then save "
                "again to replace it with yours."
            ) % {
                "user": user.get_username() if user else _("Someone"),
                "when": localize(timezone.localtime(moment)),
            }
        raise ValidationError(message, code="conflict")


class HistoryAdmin(VersionAdmin):
    """django-reversion history with a field-by-field comparison against the live record."""

    history_latest_first = True
    formfield_overrides = URL_FIELDS
    object_history_template = "admin/catalog/object_history.html"
    revision_form_template = "admin/catalog/revision_form.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:version_id>/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
        ] + super().get_urls()

    def compare_view(self, request, object_id, version_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404(_("No such record."))
        version = get_object_or_404(
            Version.objects.get_for_object(obj).select_related("revision__user"), pk=version_id
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "object_id": object_id,
            "version": version,
            "title": _("Compare with live: %(record)s") % {"record": obj},
            "rows": compare_with_live(version, obj),
        }
        return TemplateResponse(request, "admin/catalog/compare.html", context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return super().history_view(request, object_id, extra_context)
        info = self.opts.app_label, self.opts.model_name
        versions = (
            Version.objects.get_for_object(obj)
            .select_related("revision", "revision__user")
            .order_by("-revision__date_created", "-pk")
        )
        action_list = [
            {
                "revision": version.revision,
                "url": reverse(
                    "admin:{}_{}_revision".format(*info), args=[quote(obj.pk), version.pk]
                ),
                "compare_url": reverse(
                    "admin:{}_{}_compare".format(*info), args=[quote(obj.pk), version.pk]
                ),
            }
            for version in versions
        ]
        return super().history_view(
            request, object_id, {**(extra_context or {}), "action_list": action_list}
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        info = self.opts.app_label, self.opts.model_name
        compare_url = reverse("admin:{}_{}_compare".format(*info), args=[object_id, version_id])
        return super().revision_view(
            request, object_id, version_id, {**(extra_context or {}), "compare_url": compare_url}
        )

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._add_reason(request, entry)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._add_reason(request, entry)
        return entry

    def _add_reason(self, request, entry):
        reason = getattr(request, "_editorial_reason", "")
        if is_active() and reason:
            set_comment(f"{entry.get_change_message()} {reason}".strip())


def import_problems(result):
    """Every error of an import result, each tied to its row (and column when known)."""
    problems = [str(error.error) for error in result.base_errors]
    problems += [
        _("row %(row)s: %(error)s") % {"row": error_row.number, "error": error.error}
        for error_row in result.error_rows
        for error in error_row.errors
    ]
    problems += [
        _("row %(row)s, column %(column)s: %(error)s")
        % {"row": invalid.number, "column": column, "error": " ".join(errors)}
        for invalid in result.invalid_rows
        for column, errors in invalid.error_dict.items()
    ]
    return problems


class SafeImportExportMixin(ImportExportMixin):
    """A confirmed import that fails reports why and changes nothing (never a 500)."""

    formats = [base_formats.CSV, base_formats.JSON, base_formats.XLSX]
    export_formats = EXPORT_FORMATS  # spreadsheet-safe cells (catalog/export_resources.py)
    export_resource_classes = []

    def get_export_resource_classes(self, request):
        return self.export_resource_classes

    # Every column is exported, so an export can be imported back unchanged.
    export_form_class = ExportForm

    def process_import(self, request, **kwargs):
        """Refuse a confirmation whose stored file, format or resource cannot be read
        (expired, tampered with) with a message instead of a server error."""
        confirm_form = self.create_confirm_form(request)
        if request.method == "POST" and confirm_form.is_valid():
            data = confirm_form.cleaned_data
            try:
                input_format = self.get_import_formats()[int(data["format"])](
                    encoding=self.from_encoding
                )
                self.get_import_resource_classes(request)[int(data.get("resource") or 0)]
                storage = self.get_tmp_storage_class()(
                    name=data["import_file_name"],
                    encoding=None if input_format.is_binary() else self.from_encoding,
                    read_mode=input_format.get_read_mode(),
                    **self.get_tmp_storage_class_kwargs(),
                )
                input_format.create_dataset(storage.read())
            except Exception:  # any unreadable input: missing file, bad index, bad content
                self.message_user(
                    request,
                    _(
                        "The file to import could not be read again (it may have expired). "
                        "Nothing was imported; upload it again."
                    ),
                    messages.ERROR,
                )
                return HttpResponseRedirect(
                    reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
                )
        return super().process_import(request, **kwargs)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _("Nothing was imported. %(problems)s")
                % {"problems": "; ".join(import_problems(result)[:20])},
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
            )
        return super().process_result(result, request)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}


# --------------------------------------------------------------------------------------
# Reference data: organisations, institutions, themes, categories
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Commitments
# --------------------------------------------------------------------------------------


class CommitmentPartInline:
    """Sources, evidence and relations follow the record: locked when the record is."""

    formfield_overrides = URL_FIELDS

    def _record_editable(self, request, obj):
        return obj is None or services.can_edit(request.user, obj)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._record_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._record_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._record_editable(request, obj)


class SourceInline(CommitmentPartInline, admin.TabularInline):
    model = Source
    extra = 0
    fields = ["url", "label", "language", "is_official", "position"]


class CategoryAssignmentInline(CommitmentPartInline, admin.TabularInline):
    model = CategoryAssignment
    extra = 0
    autocomplete_fields = ["category"]


class OutgoingRelationInline(CommitmentPartInline, admin.TabularInline):
    model = CommitmentRelation
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]
    verbose_name = gettext_lazy("relation to another record")
    verbose_name_plural = gettext_lazy("relations to other records")


class StatusChangeInline(admin.TabularInline):
    """The workflow log, read-only, newest first."""

    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "changed_by", "from_status", "to_status", "publish_at", "comment"]
    readonly_fields = fields
    verbose_name = gettext_lazy("workflow step")
    verbose_name_plural = gettext_lazy("workflow log")

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


class CommitmentForm(ConflictCheckedForm):
    transition_comment = forms.CharField(
        label=gettext_lazy("Comment for the workflow log"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=gettext_lazy(
            "Why the status changes, or a note for the next reviewer. Required when a record "
            "goes back to draft."
        ),
    )

    request = None  # set by CommitmentAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status_before = self.instance.status if self.instance.pk else None
        self.publish_at_before = self.instance.publish_at if self.instance.pk else None
        if "status" in self.fields and self.request is not None:
            allowed = allowed_statuses(self.request.user, self.status_before)
            self.fields["status"].widget.choices = [
                choice for choice in Status.choices if choice[0] in allowed
            ]

    def clean(self):
        cleaned_data = super().clean()
        if self.request is None or "status" not in cleaned_data:
            return cleaned_data
        services.check_change(
            self.request.user,
            old_status=self.status_before,
            new_status=cleaned_data["status"],
            old_publish_at=self.publish_at_before,
            new_publish_at=cleaned_data.get("publish_at"),
            comment=cleaned_data.get("transition_comment", ""),
        )
        return cleaned_data


def allowed_statuses(user, current):
    """Statuses offered in the form (the server checks again on save)."""
    if current is None:
        return {
            status
            for status, needs_publisher in services.INITIAL_STATUSES.items()
            if services.is_publisher(user) or not needs_publisher
        }
    return {current} | {
        new
        for (old, new), rule in services.TRANSITIONS.items()
        if old == current and (services.is_publisher(user) or not rule.needs_publisher)
    }


class StatusListFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "workflow"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("draft")),
            ("in_review", _("in review")),
            ("public", _("published (public now)")),
            ("scheduled", _("scheduled")),
            ("archived", _("archived")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "public":
            return queryset.published()
        if value == "scheduled":
            return queryset.filter(status=Status.PUBLISHED, publish_at__gt=timezone.now())
        if value in (Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED):
            return queryset.filter(status=value)
        return queryset


class WorkflowActionForm(ActionForm):
    comment = forms.CharField(
        label=gettext_lazy("Comment:"),
        required=False,
        widget=forms.TextInput(attrs={"size": 40}),
    )


class CommitmentImportForm(ImportForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Status of imported records"),
        choices=[
            (STATUS_DRAFT, gettext_lazy("Draft")),
            (STATUS_IN_REVIEW, gettext_lazy("In review")),
            (STATUS_FROM_FILE, gettext_lazy("As in the file (publishers only)")),
        ],
        initial=STATUS_DRAFT,
        help_text=gettext_lazy(
            "New records get this status; records already in the catalogue keep theirs "
            "unless the status is taken from the file."
        ),
    )

    user = None  # set by CommitmentAdmin.create_import_form

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status == STATUS_FROM_FILE and not services.is_publisher(self.user):
            raise ValidationError(
                _("Only publishers can import records with the status given in the file.")
            )
        return status


class CommitmentConfirmImportForm(ConfirmImportForm):
    status = forms.CharField(widget=forms.HiddenInput, required=False)


def last_published_version(commitment, depth=50):
    """The newest revision in which the record was published: what a reviewer compares
    the record in review against ("what changed since the public version?")."""
    versions = Version.objects.get_for_object(commitment).select_related("revision")[:depth]
    for version in versions:
        if version.field_dict.get("status") == Status.PUBLISHED:
            return version
    return None


PUBLISHER_ACTIONS = {"publish", "unpublish", "archive", "send_back_to_draft"}


@admin.register(Commitment)
class CommitmentAdmin(SafeImportExportMixin, HistoryAdmin):
    form = CommitmentForm
    resource_classes = [CommitmentResource]
    export_resource_classes = [CommitmentExportResource]
    import_form_class = CommitmentImportForm
    confirm_form_class = CommitmentConfirmImportForm
    action_form = WorkflowActionForm
    change_form_template = "admin/catalog/commitment/change_form.html"
    list_display = [
        "list_title",
        "symbol",
        "kind",
        "year",
        "body",
        "workflow_status",
        "last_reviewed_on",
        "updated_at",
    ]
    list_filter = [
        StatusListFilter,
        "kind",
        "organisation",
        ("adopting_body", admin.RelatedOnlyFieldListFilter),
        "themes",
        "is_featured",
        "year",
    ]
    list_select_related = ["adopting_body"]
    search_fields = ["title", "short_title", "symbol", "summary"]
    search_help_text = gettext_lazy("Search by title, symbol or summary.")
    date_hierarchy = "adopted_on"
    autocomplete_fields = ["adopting_body", "themes"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    inlines = [SourceInline, CategoryAssignmentInline, OutgoingRelationInline, StatusChangeInline]
    actions = ["submit_for_review", "publish", "unpublish", "archive", "send_back_to_draft"]
    fieldsets = [
        (None, {"fields": ["title", "short_title", "slug", "kind", "summary"]}),
        (
            gettext_lazy("Document"),
            {
                "fields": [
                    "organisation",
                    "adopting_body",
                    ("symbol", "symbol_status"),
                    "number",
                    ("year", "adopted_on"),
                    "meeting",
                    "place",
                ]
            },
        ),
        (
            gettext_lazy("Content and classification"),
            {
                "fields": [
                    "key_quotation",
                    "themes",
                    "keywords",
                    "external_references",
                    "is_featured",
                ]
            },
        ),
        (
            gettext_lazy("Workflow"),
            {
                "fields": [
                    "status",
                    "publish_at",
                    "transition_comment",
                    "last_reviewed_on",
                    "editorial_note",
                    "loaded_version",
                ]
            },
        ),
        (
            gettext_lazy("Record"),
            {
                "classes": ["collapse"],
                "fields": [("created_at", "created_by"), ("updated_at", "updated_by")],
            },
        ),
    ]

    # --- list ---

    def view_on_site(self, obj):
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("commitment_preview", args=[obj.slug])

    @admin.display(description=gettext_lazy("title"), ordering="title")
    def list_title(self, obj):
        return Truncator(obj.display_title).chars(90)

    @admin.display(description=gettext_lazy("adopting body"), ordering="adopting_body__name")
    def body(self, obj):
        return obj.adopting_body.short_name if obj.adopting_body else "—"

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def workflow_status(self, obj):
        if obj.is_scheduled:
            return format_html(
                "{} <small>({})</small>",
                _("scheduled"),
                localize(timezone.localtime(obj.publish_at)),
            )
        return obj.get_status_display()

    # --- permissions: editors are locked out of public and archived records ---

    def has_change_permission(self, request, obj=None):
        if obj is not None and not services.can_edit(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_publish_permission(self, request):
        return services.is_publisher(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only view: the form-only fields do not exist there.
            return [
                (
                    name,
                    {
                        **options,
                        "fields": [
                            field
                            for field in options["fields"]
                            if field not in ("transition_comment", "loaded_version")
                        ],
                    },
                )
                for name, options in fieldsets
            ]
        return fieldsets

    # --- saving ---

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        # A revert or recovery loads the old version first; the status before is the live one.
        status_before = getattr(request, "_editorial_status_before", form.status_before)
        publish_at_before = getattr(request, "_editorial_publish_at_before", form.publish_at_before)
        comment = form.cleaned_data.get("transition_comment", "") or getattr(
            request, "_editorial_comment", ""
        )
        schedule_changed = not services.same_moment(publish_at_before, obj.publish_at)
        if status_before != obj.status or schedule_changed or comment.strip():
            services.record_status_change(
                obj, from_status=status_before, user=request.user, comment=comment
            )
            request._editorial_reason = services.describe_change(status_before, obj, comment)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if obj.status == Status.PUBLISHED and (
            form.status_before != Status.PUBLISHED or form.has_changed() or formsets
        ):
            self._warn_unpublished_links(request, obj)

    def _warn_unpublished_links(self, request, obj):
        hidden = services.unpublished_links(obj)
        if hidden:
            self.message_user(
                request,
                _(
                    "“%(record)s” links to records the public cannot see yet: %(links)s. "
                    "Those links stay hidden on the public site until the records are published."
                )
                % {"record": obj, "links": "; ".join(f"“{other}”" for other in hidden)},
                messages.WARNING,
            )

    # --- list actions: every one goes through services.transition_many ---

    def changelist_view(self, request, extra_context=None):
        action = request.POST.get("action") if request.method == "POST" else None
        if action in PUBLISHER_ACTIONS and not services.is_publisher(request.user):
            self.message_user(
                request,
                _(
                    "Only publishers can publish, unpublish, archive or send records back to "
                    "draft. Nothing was changed."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    def _run_transition(self, request, queryset, to_status, done_message):
        comment = request.POST.get("comment", "")
        try:
            moved = services.transition_many(
                list(queryset), to_status, user=request.user, comment=comment
            )
        except ValidationError as error:
            self.message_user(
                request,
                _("Nothing was changed: %(reasons)s") % {"reasons": " ".join(error.messages)},
                messages.ERROR,
            )
            return
        self.message_user(request, done_message % {"count": len(moved)}, messages.SUCCESS)
        if to_status == Status.PUBLISHED:
            for obj in moved:
                self._warn_unpublished_links(request, obj)

    @admin.action(description=gettext_lazy("Submit selected records for review"))
    def submit_for_review(self, request, queryset):
        self._run_transition(
            request, queryset, Status.IN_REVIEW, _("%(count)s record(s) submitted for review.")
        )

    @admin.action(description=gettext_lazy("Publish selected records"), permissions=["publish"])
    def publish(self, request, queryset):
        self._run_transition(request, queryset, Status.PUBLISHED, _("%(count)s published."))

    @admin.action(
        description=gettext_lazy("Unpublish selected records (comment required)"),
        permissions=["publish"],
    )
    def unpublish(self, request, queryset):
        self._run_transition(
            request, queryset, Status.DRAFT, _("%(count)s unpublished (back to draft).")
        )

    @admin.action(description=gettext_lazy("Archive selected records"), permissions=["publish"])
    def archive(self, request, queryset):
        self._run_transition(request, queryset, Status.ARCHIVED, _("%(count)s archived."))

    @admin.action(
        description=gettext_lazy("Send selected records back to draft (comment required)"),
        permissions=["publish"],
    )
    def send_back_to_draft(self, request, queryset):
        self._run_transition(request, queryset, Status.DRAFT, _("%(count)s sent back to draft."))

    # --- history: editors may not bring back a public or archived version ---

    def _refuse_locked_version(self, request, version, live=None):
        status = version.field_dict.get("status")
        if services.is_publisher(request.user):
            return None
        if live is None:
            allowed = status in services.EDITOR_STATUSES
        else:
            allowed = live.status == status or (live.status, status) in {
                (old, new)
                for (old, new), rule in services.TRANSITIONS.items()
                if not rule.needs_publisher
            }
        if allowed:
            return None
        self.message_user(
            request,
            _(
                "Only publishers can bring back a version that was published or archived, or "
                "change a record that is. Nothing was changed."
            ),
            messages.ERROR,
        )
        return HttpResponseRedirect(reverse("admin:catalog_commitment_changelist"))

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id, object_id=unquote(object_id))
        live = self.get_object(request, unquote(object_id))
        refusal = self._refuse_locked_version(request, version, live)
        if refusal:
            return refusal
        if live is not None:
            request._editorial_status_before = live.status
            request._editorial_publish_at_before = live.publish_at
        request._editorial_comment = _("Reverted to the revision of %(when)s.") % {
            "when": localize(timezone.localtime(version.revision.date_created))
        }
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id)
        refusal = self._refuse_locked_version(request, version)
        if refusal:
            return refusal
        request._editorial_status_before = None
        request._editorial_publish_at_before = None
        request._editorial_comment = _("Recovered after deletion.")
        return super().recover_view(request, version_id, extra_context)

    # --- change page extras: preview, compare with the last published version ---

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, unquote(object_id))
        locked = (
            obj is not None
            and not services.can_edit(request.user, obj)
            and self.has_view_permission(request, obj)
        )
        if locked:
            self.message_user(
                request,
                _(
                    "This record is %(status)s, so only publishers can change it. Ask a "
                    "publisher to send it back to draft if it needs work."
                )
                % {"status": services.status_label(obj.status)},
                messages.ERROR if request.method == "POST" else messages.INFO,
            )
            if request.method == "POST":
                return HttpResponseRedirect(request.path)
        if obj is not None:
            extra_context["preview_url"] = reverse("commitment_preview", args=[obj.slug])
            published = last_published_version(obj)
            if published is not None:
                extra_context["compare_url"] = reverse(
                    "admin:catalog_commitment_compare", args=[quote(obj.pk), published.pk]
                )
        return super().change_view(request, object_id, form_url, extra_context)

    # --- import: the chosen status travels from the preview to the confirmed import ---

    def create_import_form(self, request):
        form = super().create_import_form(request)
        form.user = request.user
        if not services.is_publisher(request.user):
            field = form.fields["status"]
            field.widget.choices = [c for c in field.choices if c[0] != STATUS_FROM_FILE]
        return form

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["status"] = import_form.cleaned_data.get("status", STATUS_DRAFT)
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        status = getattr(form, "cleaned_data", {}).get("status") if form else None
        return {"user": request.user, "status_choice": status or STATUS_DRAFT}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}
