"""Admin for official texts, their paragraphs and provisions: configuration plus calls into
`texts.services` (which ask the catalogue's editorial policy); no rules of its own."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.admin.base import FORMFIELD_OVERRIDES, EnglishFieldsForm, TranslatedFieldsAdmin
from catalog.editorial.policy import Refused
from catalog.translation import OTHER_LANGUAGES

from . import services
from .extraction import ExtractionError
from .models import Paragraph, Provision, Text


def _formfield(field, **kwargs):
    # Editors paste addresses without a scheme: https, as everywhere in the admin.
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


def _messages(error):
    if isinstance(error, ExtractionError):
        return [error.message]
    return list(getattr(error, "messages", [str(error)]))


class TextForm(forms.ModelForm):
    upload = forms.FileField(
        label=gettext_lazy("File (PDF or HTML)"),
        required=False,
        help_text=gettext_lazy(
            "The official PDF, or the official HTML page where the organisation publishes the "
            "text as a page. It is checked (type, size) at once and extracted in the "
            "background; a replacement of a live text waits for a publisher's approval."
        ),
    )
    review_comment = forms.CharField(
        label=gettext_lazy("Reviewer's comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required to reject a text; kept in the record's workflow log."),
    )

    class Meta:
        model = Text
        formfield_callback = _formfield
        fields = [
            "commitment",
            "language",
            "version",
            "is_original",
            "url",
            "address_kind",
            "is_complete",
            "note",
        ]

    user = None

    def clean(self):
        cleaned = super().clean()
        commitment = cleaned.get("commitment") or getattr(self.instance, "commitment", None)
        if commitment is not None and self.user is not None:
            try:
                services.check_edit(self.user, commitment)
            except Refused as error:
                raise ValidationError(error.messages) from None
        return cleaned

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return None
        data = upload.read()
        try:
            services.check_file(data, declared_type=upload.content_type or "")
        except ExtractionError as error:
            raise ValidationError(error.message) from None
        return (data, upload.content_type or "")


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    fields = ["position", "anchor", "kind", "number", "page", "excerpt"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["position"]

    @admin.display(description=gettext_lazy("text"))
    def excerpt(self, obj):
        return obj.content[:160] + ("…" if len(obj.content) > 160 else "")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Text)
class TextAdmin(admin.ModelAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    form = TextForm
    list_display = [
        "__str__",
        "language",
        "version",
        "state",
        "extraction",
        "address_kind",
        "page_count",
        "updated_at",
    ]
    list_filter = ["state", "extraction", "language", "address_kind"]
    search_fields = ["commitment__symbol", "commitment__title", "url"]
    autocomplete_fields = ["commitment"]
    inlines = [ParagraphInline]
    actions = ["fetch_official", "retry", "approve"]
    change_form_template = "admin/texts/text/change_form.html"
    readonly_when_changing = [
        "commitment",
        "language",
        "version",
        "state",
        "extraction",
        "message",
        "file_link",
        "media_type",
        "sha256",
        "size",
        "page_count",
        "retrieved_at",
        "extracted_at",
        "extractor",
        "replaces",
    ]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_when_changing if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def get_fieldsets(self, request, obj=None):
        main = ["commitment", "language", "version", "is_original", "url", "address_kind"]
        main += ["is_complete", "note", "upload"]
        if obj is None:
            return [(None, {"fields": main})]
        return [
            (None, {"fields": main}),
            (
                _("File and extraction"),
                {
                    "fields": [
                        "state",
                        "extraction",
                        "message",
                        "file_link",
                        "media_type",
                        "sha256",
                        "size",
                        "page_count",
                        "retrieved_at",
                        "extracted_at",
                        "extractor",
                        "replaces",
                    ]
                },
            ),
            (_("Review"), {"fields": ["review_comment"]}),
        ]

    @admin.display(description=gettext_lazy("file"))
    def file_link(self, obj):
        if not obj.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:texts_text_file", args=[obj.pk]),
            _("Download (staff only)"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/file/",
                self.admin_site.admin_view(self.file_view),
                name="texts_text_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request, pk):
        """The file of any text, pending or rejected ones included, for staff who may view texts."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        text = get_object_or_404(Text, pk=pk)
        if not text.file:
            raise Http404
        response = FileResponse(
            text.file.open("rb"), as_attachment=True, filename=text.download_name
        )
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response["Cache-Control"] = "private, no-store"
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        text = Text.objects.filter(pk=object_id).first()
        if text is not None and request.method == "GET":
            if text.extraction in (Text.Extraction.FAILED, Text.Extraction.NEEDS_OCR):
                self.message_user(
                    request,
                    _(
                        "Extraction did not succeed: %(message)s The record's live text (if "
                        "any) is unchanged. Upload another file, or retry."
                    )
                    % {"message": text.message},
                    messages.ERROR,
                )
            elif text.message and text.state == Text.State.ADDRESS:
                self.message_user(request, text.message, messages.WARNING)
        extra_context = {
            **(extra_context or {}),
            "can_review": text is not None and text.state == Text.State.PENDING,
            "can_retry": text is not None and bool(text.file),
            "can_fetch": text is not None
            and text.address_kind == Text.AddressKind.OFFICIAL
            and bool(text.url),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("upload")
        try:
            if upload:
                data, content_type = upload
                into = obj if change and obj.state in (Text.State.ADDRESS,) else None
                if into is not None:
                    obj.save()
                text = services.add_text(
                    user=request.user,
                    commitment=obj.commitment,
                    language=obj.language,
                    data=data,
                    declared_type=content_type,
                    version=obj.version,
                    is_original=obj.is_original,
                    url=obj.url,
                    into=into,
                )
                obj.pk = text.pk
                self.message_user(
                    request,
                    _(
                        "The file was stored and queued for extraction. Nothing of it is public "
                        "until it is extracted and, for a published record, approved."
                    ),
                    messages.SUCCESS,
                )
            else:
                services.save_text_details(user=request.user, text=obj)
        except (Refused, ExtractionError) as error:
            raise PermissionDenied(" ".join(_messages(error))) from error

    def response_change(self, request, obj):
        comment = request.POST.get("review_comment", "")
        try:
            if "_approve" in request.POST:
                services.approve_text(user=request.user, text=obj, comment=comment)
                self.message_user(request, _("The text is live."), messages.SUCCESS)
            elif "_reject" in request.POST:
                services.reject_text(user=request.user, text=obj, comment=comment)
                self.message_user(request, _("The text was rejected."), messages.SUCCESS)
            elif "_retry" in request.POST:
                services.retry_extraction(user=request.user, text=obj)
                self.message_user(request, _("Queued for extraction again."), messages.SUCCESS)
            elif "_fetch" in request.POST:
                text = services.fetch_text(user=request.user, text=obj)
                self.message_user(
                    request,
                    _("Fetched %(url)s; queued for extraction.") % {"url": text.url},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:texts_text_change", args=[text.pk]))
            else:
                return super().response_change(request, obj)
        except (Refused, ExtractionError) as error:
            for message in _messages(error):
                self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(reverse("admin:texts_text_change", args=[obj.pk]))

    def _each(self, request, queryset, call, done):
        ok = 0
        for text in queryset.select_related("commitment"):
            try:
                call(text)
                ok += 1
            except (Refused, ExtractionError) as error:
                for message in _messages(error):
                    self.message_user(request, f"{text}: {message}", messages.ERROR)
        if ok:
            self.message_user(request, done % {"count": ok}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Fetch from the official address"))
    def fetch_official(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda text: services.fetch_text(user=request.user, text=text),
            _("%(count)s texts fetched and queued for extraction."),
        )

    @admin.action(description=gettext_lazy("Retry the extraction"))
    def retry(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda text: services.retry_extraction(user=request.user, text=text),
            _("%(count)s texts queued for extraction again."),
        )

    @admin.action(description=gettext_lazy("Approve (put online)"))
    def approve(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda text: services.approve_text(user=request.user, text=text),
            _("%(count)s texts approved."),
        )


class ParagraphForm(forms.ModelForm):
    split_at = forms.CharField(
        label=gettext_lazy("Start a new paragraph at"),
        required=False,
        help_text=gettext_lazy(
            "Words of this paragraph where a new one begins (the first occurrence)."
        ),
    )
    new_anchor = forms.SlugField(
        label=gettext_lazy("Anchor of the new paragraph"), required=False, max_length=60
    )
    new_number = forms.CharField(
        label=gettext_lazy("Number of the new paragraph"), required=False, max_length=40
    )

    class Meta:
        model = Paragraph
        fields = ["kind", "number", "anchor"]

    def clean(self):
        cleaned = super().clean()
        split_at = cleaned.get("split_at")
        if split_at:
            if split_at not in self.instance.content:
                self.add_error("split_at", _("These words are not in the paragraph."))
            if not cleaned.get("new_anchor"):
                self.add_error("new_anchor", _("Give the new paragraph an anchor."))
        return cleaned


@admin.register(Paragraph)
class ParagraphAdmin(admin.ModelAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    form = ParagraphForm
    list_display = ["text", "position", "anchor", "kind", "number", "page"]
    list_filter = ["kind"]
    search_fields = ["anchor", "content", "text__commitment__symbol"]
    readonly_fields = ["text", "position", "page", "content"]
    fields = ["text", "position", "page", "content", "kind", "number", "anchor"]
    fields += ["split_at", "new_anchor", "new_number"]
    actions = ["merge_with_next"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        live = Paragraph.objects.get(pk=obj.pk)
        try:
            if any(getattr(live, f) != getattr(obj, f) for f in ("kind", "number", "anchor")):
                services.relabel(
                    user=request.user,
                    paragraph=live,
                    kind=obj.kind,
                    number=obj.number,
                    anchor=obj.anchor,
                )
            split_at = form.cleaned_data.get("split_at")
            if split_at:
                services.split_paragraph(
                    user=request.user,
                    paragraph=Paragraph.objects.get(pk=obj.pk),
                    at=live.content.index(split_at),
                    anchor=form.cleaned_data["new_anchor"],
                    number=form.cleaned_data.get("new_number") or "",
                )
        except Refused as error:
            raise PermissionDenied(" ".join(_messages(error))) from error

    @admin.action(description=gettext_lazy("Merge with the next paragraph"))
    def merge_with_next(self, request, queryset):
        for paragraph in queryset.order_by("-position"):
            try:
                services.merge_with_next(user=request.user, paragraph=paragraph)
            except Refused as error:
                for message in _messages(error):
                    self.message_user(request, f"{paragraph}: {message}", messages.ERROR)


class ProvisionForm(EnglishFieldsForm):
    class Meta:
        model = Provision
        formfield_callback = _formfield
        fields = [
            "commitment",
            "number",
            "number_status",
            "number_note",
            "label",
            "summary",
            *(f"{name}_{code}" for name in ("label", "summary") for code in OTHER_LANGUAGES),
            "source_url",
            "number_source_url",
            "anchor",
        ]


@admin.register(Provision)
class ProvisionAdmin(TranslatedFieldsAdmin, admin.ModelAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    form = ProvisionForm
    list_display = ["commitment", "number", "label", "number_status", "anchor"]
    list_filter = ["number_status"]
    search_fields = ["label_en", "summary_en", "commitment__symbol"]
    autocomplete_fields = ["commitment"]

    def save_model(self, request, obj, form, change):
        try:
            services.save_provision(user=request.user, provision=obj)
        except Refused as error:
            raise PermissionDenied(" ".join(_messages(error))) from error

    def delete_model(self, request, obj):
        try:
            services.delete_provision(user=request.user, provision=obj)
        except Refused as error:
            raise PermissionDenied(" ".join(_messages(error))) from error

    def delete_queryset(self, request, queryset):
        for provision in queryset:
            self.delete_model(request, provision)
