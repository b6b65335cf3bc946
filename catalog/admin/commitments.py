"""The commitment admin: configuration plus thin calls into catalog.editorial.services."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from ..editorial import pending, policy, services
from ..editorial.policy import Action, Refused
from ..export_resources import CommitmentExportResource
from ..models import (
    CategoryAssignment,
    Commitment,
    CommitmentRelation,
    PendingChange,
    Source,
    StatusChange,
    normalise_symbol,
)
from ..resources import CommitmentResource
from ..translation import (
    OTHER_LANGUAGES,
    language_field,
    missing_q,
    outdated_q,
    translated_fields,
)
from .base import (
    FORMFIELD_OVERRIDES,
    ConflictCheckedForm,
    DateSafeChangeList,
    HistoryAdmin,
    TranslatedFieldsAdmin,
)
from .compare import compare_pending_with_live
from .imports import CommitmentImportMixin

Status = Commitment.Status


def pending_rows(obj, follow):
    """The pending version's rows of one inline, or None when the live rows are edited."""
    if obj is None or obj.pk is None or obj.status != Status.PUBLISHED:
        return None
    change = PendingChange.objects.filter(commitment=obj).values_list("data", flat=True).first()
    if change is None:
        return None
    return change.get(follow, [])


class CommitmentPartInline:
    """Sources, evidence and relations follow the record: locked when the record is; on a
    record with pending changes they show (and edit) the pending rows."""

    formfield_overrides = FORMFIELD_OVERRIDES
    follow = None

    def _record_editable(self, request, obj):
        return obj is None or policy.can_edit(request.user, obj.status)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._record_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._record_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._record_editable(request, obj)

    def get_min_num(self, request, obj=None, **kwargs):
        rows = pending_rows(obj, self.follow)
        return len(rows) if rows is not None else super().get_min_num(request, obj, **kwargs)

    def get_extra(self, request, obj=None, **kwargs):
        return 0

    def pending_initial(self, obj):
        rows = pending_rows(obj, self.follow)
        if rows is None:
            return None
        model = self.model
        initial = []
        for row in rows:
            values = {}
            for attname, value in row.items():
                field = next(f for f in model._meta.concrete_fields if f.attname == attname)
                values[field.name] = field.to_python(value)
            initial.append(values)
        return initial


class SourceInline(CommitmentPartInline, admin.TabularInline):
    model = Source
    follow = "sources"
    fields = ["url", "label", "language", "kind", "position"]


class CategoryAssignmentInline(CommitmentPartInline, admin.TabularInline):
    model = CategoryAssignment
    follow = "category_assignments"
    autocomplete_fields = ["category"]


class OutgoingRelationInline(CommitmentPartInline, admin.TabularInline):
    model = CommitmentRelation
    follow = "outgoing_relations"
    fk_name = "source"
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
    class Meta:
        # The whole title is visible while it is edited (official titles run to 200 characters).
        # The status is not chosen in a dropdown: the workflow buttons set it (`workflow`).
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
            "status": forms.HiddenInput,
        }

    transition_comment = forms.CharField(
        label=gettext_lazy("Comment for the workflow log"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Why the status changes, or a note for the next reviewer. Required when a record "
            "goes back to draft and for an immediate correction."
        ),
    )

    # Set by CommitmentAdmin.get_form on a subclass (never on the request or the record).
    user = None
    correction = False
    workflow = None  # the status of the workflow button pressed ("in_review"…), if any

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        live = self.instance if self.instance.pk else None
        self.status_before = live.status if live else None
        self.publish_at_before = live.publish_at if live else None
        self.pending = (
            services.pending_of(live) if live and live.status == Status.PUBLISHED else None
        )
        if self.pending is not None:
            # A second editor works on the same pending version, not on the live one.
            data = self.pending.data
            for field in pending.CONTENT_FIELDS:
                if field.name in self.fields and field.attname in data.get("fields", {}):
                    self.initial[field.name] = field.to_python(data["fields"][field.attname])
            for name in translated_fields(Commitment):  # the English, edited as `title`
                if name in self.fields and language_field(name) in data.get("fields", {}):
                    self.initial[name] = data["fields"][language_field(name)]
            if "themes" in self.fields:
                self.initial["themes"] = data.get("themes", [])
        if not self.instance.pk and "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "Used in the record's web address. Leave empty to make it from the symbol "
                "(MC.DEC/7/06 gives mc-dec-7-06), or from the title when there is no symbol."
            )
        if "status" in self.fields and not self.is_bound and self.status_before is None:
            self.initial["status"] = Status.DRAFT

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def current_token(self):
        return services.version_token(self.instance)

    def last_changed_by(self):
        change = services.pending_of(self.instance)
        if change is not None:
            return change.updated_by, change.updated_at
        return super().last_changed_by()

    def clean(self):
        cleaned_data = super().clean()
        if self.workflow in Status.values and "status" in self.fields:
            cleaned_data["status"] = self.workflow
        if self.user is None or "status" not in cleaned_data:
            return cleaned_data
        services.check_form_change(
            self.user,
            old_status=self.status_before,
            new_status=cleaned_data["status"],
            old_publish_at=self.publish_at_before,
            new_publish_at=cleaned_data.get("publish_at"),
            comment=cleaned_data.get("transition_comment", ""),
            correction=self.correction,
        )
        return cleaned_data


class StatusListFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "workflow"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("draft")),
            ("in_review", _("in review")),
            ("public", _("published (public now)")),
            ("scheduled", _("scheduled")),
            ("pending", _("with pending changes")),
            ("archived", _("archived")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "public":
            return queryset.published()
        if value == "scheduled":
            return queryset.filter(status=Status.PUBLISHED, publish_at__gt=timezone.now())
        if value == "pending":
            return queryset.filter(pending_change__isnull=False)
        if value in (Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED):
            return queryset.filter(status=value)
        return queryset


class TranslationListFilter(admin.SimpleListFilter):
    """Records whose title or summary has no translation in a language, or whose translation
    is older than the English (the editor's desk links here)."""

    title = gettext_lazy("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        languages = dict(settings.LANGUAGES)
        return [
            (f"{state}-{code}", label % {"language": languages[code]})
            for code in OTHER_LANGUAGES
            for state, label in (
                ("missing", _("missing: %(language)s")),
                ("outdated", _("out of date: %(language)s")),
            )
        ]

    def queryset(self, request, queryset):
        state, _sep, code = (self.value() or "").partition("-")
        if code not in OTHER_LANGUAGES:
            return queryset
        if state == "missing":
            return queryset.filter(missing_q(Commitment, code))
        if state == "outdated":
            return queryset.filter(outdated_q(code))
        return queryset


class WorkflowActionForm(ActionForm):
    comment = forms.CharField(
        label=gettext_lazy("Comment:"),
        required=False,
        widget=forms.TextInput(attrs={"size": 40}),
    )


def last_published_version(commitment, depth=50):
    """The newest revision in which the record was published: what a reviewer compares
    the record in review against ("what changed since the public version?")."""
    versions = Version.objects.get_for_object(commitment).select_related("revision")[:depth]
    for version in versions:
        if version.field_dict.get("status") == Status.PUBLISHED:
            return version
    return None


# List action name -> (target status, the policy action it is).
LIST_ACTIONS = {
    "submit_for_review": (Status.IN_REVIEW, Action.SUBMIT),
    "publish": (Status.PUBLISHED, Action.PUBLISH),
    "unpublish": (Status.DRAFT, Action.UNPUBLISH),
    "archive": (Status.ARCHIVED, Action.ARCHIVE),
    "send_back_to_draft": (Status.DRAFT, Action.SEND_BACK),
}


def workflow_buttons(current):
    """(target status, button label, note) offered from `current` (None: a new record), in
    the order of the workflow; the plain Save keeps the status."""
    draft_label = {
        None: _("Save as draft"),
        Status.IN_REVIEW: _("Send back to draft"),
        Status.PUBLISHED: _("Unpublish (back to draft)"),
        Status.ARCHIVED: _("Back to draft"),
    }
    comment_needed = _("Say why in the workflow comment (required).")
    buttons = []
    if current != Status.DRAFT:
        needs = current in (Status.IN_REVIEW, Status.PUBLISHED)
        buttons.append((Status.DRAFT, draft_label[current], comment_needed if needs else ""))
    if current in (None, Status.DRAFT):
        buttons.append((Status.IN_REVIEW, _("Submit for review"), ""))
    if current in (None, Status.DRAFT, Status.IN_REVIEW):
        buttons.append(
            (
                Status.PUBLISHED,
                _("Publish or schedule"),
                _("Publishes now, or at “publish at” when that is in the future."),
            )
        )
    if current in (Status.PUBLISHED, Status.DRAFT, Status.IN_REVIEW):
        buttons.append((Status.ARCHIVED, _("Archive"), ""))
    return buttons


class PendingActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(name, name) for name in ("submit", "approve", "reject", "discard")]
    )
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    approve_at = forms.SplitDateTimeField(required=False)


@admin.register(Commitment)
class CommitmentAdmin(TranslatedFieldsAdmin, CommitmentImportMixin, HistoryAdmin):
    form = CommitmentForm
    resource_classes = [CommitmentResource]
    export_resource_classes = [CommitmentExportResource]
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
        TranslationListFilter,
        "kind",
        "organisation",
        ("adopting_body", admin.RelatedOnlyFieldListFilter),
        "themes",
        "is_featured",
        "year",
    ]
    list_select_related = ["adopting_body", "pending_change"]
    search_fields = ["title_en", "short_title_en", "symbol", "summary_en"]
    search_help_text = gettext_lazy("Search by title, symbol or summary.")
    date_hierarchy = "adopted_on"

    def get_changelist(self, request, **kwargs):
        return DateSafeChangeList

    autocomplete_fields = ["adopting_body", "themes"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    inlines = [SourceInline, CategoryAssignmentInline, OutgoingRelationInline, StatusChangeInline]
    actions = list(LIST_ACTIONS)
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
            text = format_html(
                "{} <small>({})</small>",
                _("scheduled"),
                localize(timezone.localtime(obj.publish_at)),
            )
        else:
            text = obj.get_status_display()
        change = getattr(obj, "pending_change", None) if hasattr(obj, "pending_change") else None
        if change is not None:
            text = format_html("{}<br><small>{}</small>", text, change.get_state_display())
        return text

    # --- search: an exact symbol first ---

    def get_queryset(self, request):
        # ModelAdmin.get_queryset, with the annotation its ordering needs made first.
        queryset = self.model._default_manager.get_queryset()
        symbol = normalise_symbol(request.GET.get(SEARCH_VAR, ""))
        if symbol:
            queryset = queryset.annotate(
                exact_symbol=Case(
                    When(symbol=symbol, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
        return queryset

    def get_ordering(self, request):
        ordering = list(super().get_ordering(request) or Commitment._meta.ordering)
        if normalise_symbol(request.GET.get(SEARCH_VAR, "")):
            # The annotation made by get_queryset: the record whose symbol is the search
            # term comes before any other match.
            return ["exact_symbol", *ordering]
        return ordering

    # --- permissions: what the policy allows, displayed ---

    def has_change_permission(self, request, obj=None):
        if obj is not None and not policy.can_edit(request.user, obj.status):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if (
            obj is not None
            and policy.decide(request.user, Action.DELETE, obj.status) == policy.DENY
        ):
            return False
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return policy.is_publisher(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        return {
            name: action
            for name, action in actions.items()
            if name not in LIST_ACTIONS
            or any(
                policy.decide(request.user, LIST_ACTIONS[name][1], status) != policy.DENY
                for status in policy.STATUSES
            )
        }

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(
            form.__name__,
            (form,),
            {
                "user": request.user,
                "correction": "_correct" in request.POST,
                "workflow": request.POST.get("_workflow") if request.method == "POST" else None,
            },
        )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        initial = inline.pending_initial(obj) if isinstance(inline, CommitmentPartInline) else None
        if initial is not None:
            # The pending rows as new forms around an unsaved stand-in: nothing here can
            # touch the live rows.
            kwargs["instance"] = Commitment(organisation_id=obj.organisation_id)
            kwargs["initial"] = initial
            kwargs["queryset"] = inline.model.objects.none()
        return kwargs

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

    # --- views: no revision wrapper of their own; the service layer makes the revisions ---

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **self._workflow_context(request, None)}
        return admin.ModelAdmin.add_view(self, request, form_url, extra_context)

    def _workflow_context(self, request, obj):
        """The workflow buttons this user may press on this record (the policy decides;
        the service checks again on save)."""
        current = obj.status if obj is not None else None
        if obj is not None and not policy.can_edit(request.user, current):
            return {"workflow_buttons": []}
        buttons = [
            (target, label, note)
            for target, label, note in workflow_buttons(current)
            if target in policy.allowed_statuses(request.user, current)
        ]
        return {"workflow_buttons": buttons}

    def response_add(self, request, obj, post_url_continue=None):
        self._stay_after_workflow(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._stay_after_workflow(request)
        return super().response_change(request, obj)

    def _stay_after_workflow(self, request):
        """After a workflow button the editor stays on the record, as after "Save and
        continue editing", to see its new status."""
        if "_workflow" in request.POST and "_continue" not in request.POST:
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, unquote(object_id))
        locked = (
            obj is not None
            and not policy.can_edit(request.user, obj.status)
            and self.has_view_permission(request, obj)
        )
        if locked:
            self.message_user(
                request,
                _(
                    "This record is %(status)s, so only publishers can change it. Ask a "
                    "publisher to send it back to draft if it needs work."
                )
                % {"status": policy.status_label(obj.status)},
                messages.ERROR if request.method == "POST" else messages.INFO,
            )
            if request.method == "POST":
                return HttpResponseRedirect(request.path)
        if obj is not None:
            extra_context.update(self._change_page_context(request, obj))
            extra_context.update(self._workflow_context(request, obj))
        return admin.ModelAdmin.change_view(self, request, object_id, form_url, extra_context)

    def _change_page_context(self, request, obj):
        context = {"preview_url": reverse("commitment_preview", args=[obj.slug])}
        published = last_published_version(obj)
        if published is not None:
            context["compare_url"] = reverse(
                "admin:catalog_commitment_compare", args=[quote(obj.pk), published.pk]
            )
        change = services.pending_of(obj) if obj.status == Status.PUBLISHED else None
        user = request.user
        context.update(
            pending=change,
            can_correct=policy.decide(user, Action.CORRECT, obj.status) == policy.ALLOW,
            edits_go_to_review=policy.decide(user, Action.EDIT, obj.status) == policy.PENDING,
        )
        if change is not None:
            context.update(
                pending_url=reverse("admin:catalog_commitment_pending", args=[quote(obj.pk)]),
                pending_compare_url=reverse(
                    "admin:catalog_commitment_pending_compare", args=[quote(obj.pk)]
                ),
                pending_preview_url=reverse("commitment_preview_pending", args=[obj.slug]),
                can_submit_changes=policy.decide(user, Action.SUBMIT_CHANGES, obj.status)
                != policy.DENY
                and change.state in (PendingChange.State.EDITING, PendingChange.State.REJECTED),
                can_review_changes=policy.decide(user, Action.APPROVE_CHANGES, obj.status)
                != policy.DENY,
                can_discard_changes=policy.decide(
                    user, policy.discard_action(user, change), obj.status
                )
                != policy.DENY,
            )
        return context

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refusal:  # the service said no after the form said yes: a race
            self.message_user(
                request,
                _("Nothing was saved: %(reasons)s") % {"reasons": " ".join(refusal.messages)},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)

    def changelist_view(self, request, extra_context=None):
        action = request.POST.get("action") if request.method == "POST" else None
        if action in LIST_ACTIONS and action not in self.get_actions(request):
            self.message_user(
                request,
                _(
                    "Only publishers can publish, unpublish, archive or send records back to "
                    "draft. Nothing was changed."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        # Through the mixins: import, export and history put their buttons' context there.
        return super().changelist_view(request, extra_context)

    # --- saving: the form's data, as plain values, handed to the service layer ---

    def save_model(self, request, obj, form, change):
        """Nothing here: `save_related` hands the form's data and its inlines' to the service."""

    def save_related(self, request, form, formsets, change):
        cleaned = form.cleaned_data
        live = form.instance if change else None
        result = services.save_commitment(
            user=request.user,
            commitment=live.pk if live else None,
            status=cleaned.get("status"),
            publish_at=cleaned["publish_at"] if "publish_at" in cleaned else services.KEEP,
            comment=cleaned.get("transition_comment", ""),
            correction=form.correction,
            expected_version=cleaned.get("loaded_version") or None,
            **submitted_data(form, formsets),
        )
        if not change:
            # The admin goes on with the object it built (its log entry, the redirect).
            form.instance.pk = result.commitment.pk
        if result.outcome == policy.PENDING:
            self.message_user(
                request,
                _(
                    "Saved as pending changes. The live record is unchanged until a publisher "
                    "approves them; submit them for review when they are ready."
                ),
                messages.INFO,
            )
        elif result.commitment.status == Status.PUBLISHED:
            self._warn_unpublished_links(request, result.commitment)

    def construct_change_message(self, request, form, formsets, add=False):
        """What changed, from the submitted forms (the service saved the rows, not the
        formsets, so the formsets' own record of saved objects does not exist)."""
        if add:
            return [{"added": {}}]
        fields = [
            str(form.fields[name].label or name)
            for name in form.changed_data
            if name not in ("loaded_version", "transition_comment")
        ]
        fields += [
            str(formset.model._meta.verbose_name_plural)
            for formset in formsets
            if formset.has_changed()
        ]
        return [{"changed": {"fields": fields}}] if fields else []

    def log_change(self, request, obj, message):
        return admin.ModelAdmin.log_change(self, request, obj, message)

    def log_addition(self, request, obj, message):
        return admin.ModelAdmin.log_addition(self, request, obj, message)

    def delete_model(self, request, obj):
        services.delete([obj], user=request.user)

    def delete_queryset(self, request, queryset):
        services.delete(list(queryset), user=request.user)

    def _warn_unpublished_links(self, request, obj):
        hidden = unpublished_links(obj)
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

    # --- list actions: every one is services.transition_many ---

    def _run_transition(self, request, queryset, name, done_message):
        to_status = LIST_ACTIONS[name][0]
        try:
            moved = services.transition_many(
                list(queryset),
                to_status,
                user=request.user,
                comment=request.POST.get("comment", ""),
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
            request, queryset, "submit_for_review", _("%(count)s record(s) submitted for review.")
        )

    @admin.action(description=gettext_lazy("Publish selected records"))
    def publish(self, request, queryset):
        self._run_transition(request, queryset, "publish", _("%(count)s published."))

    @admin.action(description=gettext_lazy("Unpublish selected records (comment required)"))
    def unpublish(self, request, queryset):
        self._run_transition(
            request, queryset, "unpublish", _("%(count)s unpublished (back to draft).")
        )

    @admin.action(description=gettext_lazy("Archive selected records"))
    def archive(self, request, queryset):
        self._run_transition(request, queryset, "archive", _("%(count)s archived."))

    @admin.action(
        description=gettext_lazy("Send selected records back to draft (comment required)")
    )
    def send_back_to_draft(self, request, queryset):
        self._run_transition(
            request, queryset, "send_back_to_draft", _("%(count)s sent back to draft.")
        )

    # --- history: revert and recover are service calls ---

    def check_restore(self, request, version, obj):
        if obj is None:
            services.check_recover(user=request.user, version=version)
        else:
            services.check_revert(user=request.user, commitment=obj, version=version)

    def restore(self, request, version, obj, comment):
        if obj is None:
            result = services.recover(user=request.user, version=version)
        else:
            result = services.revert(
                user=request.user, commitment=obj, version=version, comment=comment
            )
            if result.outcome == policy.PENDING:
                self.message_user(
                    request,
                    _(
                        "The old version is now this record's pending changes; the live "
                        "record stays as it is until a publisher approves them."
                    ),
                    messages.INFO,
                )
        return result.commitment, result.warnings

    # --- pending changes: submit, approve (now or later), reject, discard; compare ---

    def get_urls(self):
        return [
            path(
                "<path:object_id>/pending/",
                self.admin_site.admin_view(self.pending_view),
                name="catalog_commitment_pending",
            ),
            path(
                "<path:object_id>/pending/compare/",
                self.admin_site.admin_view(self.pending_compare_view),
                name="catalog_commitment_pending_compare",
            ),
        ] + super().get_urls()

    def _pending_record(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404(_("No such record."))
        return obj

    def pending_view(self, request, object_id):
        obj = self._pending_record(request, object_id)
        change_url = reverse("admin:catalog_commitment_change", args=[quote(obj.pk)])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        form = PendingActionForm(request.POST)
        if not form.is_valid():
            self.message_user(
                request, _("Choose what to do with the pending changes."), messages.ERROR
            )
            return HttpResponseRedirect(change_url)
        action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
        user = request.user
        try:
            if action == "submit":
                services.submit_changes(user=user, commitment=obj, comment=comment)
                done = _("The pending changes were submitted for review.")
            elif action == "approve":
                when = form.cleaned_data.get("approve_at")
                result = services.approve_changes(
                    user=user, commitment=obj, comment=comment, approve_at=when
                )
                done = (
                    _("Approved; the changes go live at %(when)s.")
                    % {"when": localize(timezone.localtime(when))}
                    if result.outcome == policy.PENDING
                    else _("Approved; the live record now shows the changes.")
                )
            elif action == "reject":
                services.reject_changes(user=user, commitment=obj, comment=comment)
                done = _("The pending changes were sent back to their editor.")
            else:
                services.discard_changes(user=user, commitment=obj, comment=comment)
                done = _("The pending changes were discarded.")
        except ValidationError as error:
            self.message_user(
                request,
                _("Nothing was changed: %(reasons)s") % {"reasons": " ".join(error.messages)},
                messages.ERROR,
            )
            return HttpResponseRedirect(change_url)
        self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    def pending_compare_view(self, request, object_id):
        obj = self._pending_record(request, object_id)
        change = services.pending_of(obj)
        if change is None:
            raise Http404(_("This record has no pending changes."))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "object_id": object_id,
            "pending": change,
            "title": _("Pending changes compared with live: %(record)s") % {"record": obj},
            "rows": compare_pending_with_live(change, obj),
        }
        return TemplateResponse(request, "admin/catalog/compare.html", context)


def submitted_data(form, formsets):
    """The change form and its inline formsets as the service's plain keyword arguments:
    `fields` (content fields by name), `themes`, and one list of rows per inline."""
    cleaned = form.cleaned_data
    # A translated field's English is the form's `title`; its translations are `title_fr`…
    names = [field.name for field in pending.CONTENT_FIELDS] + list(translated_fields(Commitment))
    data = {"fields": {name: cleaned[name] for name in names if name in cleaned}}
    if "themes" in cleaned:
        data["themes"] = list(cleaned["themes"])
    for formset in formsets:
        follow = formset.fk.remote_field.get_accessor_name() if hasattr(formset, "fk") else None
        if follow not in pending.INLINES:
            continue
        names = pending.INLINES[follow][2]
        data[follow] = [
            {name: row_form.cleaned_data.get(name) for name in names}
            for row_form in formset.forms
            if getattr(row_form, "cleaned_data", None) and not row_form.cleaned_data.get("DELETE")
        ]
    return data


def unpublished_links(commitment):
    """Records this commitment links to that the public cannot see (yet)."""
    hidden_targets = CommitmentRelation.objects.filter(source=commitment).exclude(
        target__in=Commitment.objects.published()
    )
    return list(Commitment.objects.filter(pk__in=hidden_targets.values("target")).order_by("title"))
