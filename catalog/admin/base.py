"""Shared admin configuration: conflict-checked forms, history pages, text normalisation."""

import contextlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import localize
from django.utils.translation import gettext as _
from reversion import create_revision, set_comment, set_user
from reversion.admin import VersionAdmin
from reversion.models import Version

from ..editorial import history
from ..editorial.policy import Refused
from ..translation import (
    OTHER_LANGUAGES,
    SOURCE_LANGUAGE,
    language_field,
    translated_fields,
)
from .compare import compare_version_with_live


class NormalisedTextarea(forms.CharField):
    """Browsers send text areas with CRLF line ends; the records store LF. Normalising keeps
    an untouched text area from counting as changed (and from rewriting the record)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


# Editors paste addresses without a scheme; assume https (Django 6's default too).
FORMFIELD_OVERRIDES = {
    models.URLField: {"assume_scheme": "https"},
    models.TextField: {"form_class": NormalisedTextarea, "widget": forms.Textarea},
}


def last_change(obj):
    """(user, moment) of the record's latest saved change, from its history."""
    version = history.versions_of(obj).first()
    user = getattr(obj, "updated_by", None) or (version.revision.user if version else None)
    return user, obj.updated_at


class DateSafeChangeList(ChangeList):
    """The change list, answering a date-hierarchy address past the last representable date
    (`?adopted_on__year=9999&adopted_on__month=12`: its end is in year 10000) like any other
    impossible filter — the admin's "invalid lookup" page — instead of a 500."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class EnglishFieldsForm(forms.ModelForm):
    """A form whose translated fields (`title`) edit the English (`title_en`) whatever the
    admin's language; the other languages are their own fields (`title_fr`…,
    TranslatedFieldsAdmin). Without this, modeltranslation would show and write the admin
    language's column under the English field's name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in translated_fields(type(self.instance)):
                if name in self.fields and name not in (kwargs.get("initial") or {}):
                    self.initial[name] = getattr(self.instance, language_field(name))

    def _post_clean(self):
        # construct_instance() assigns `title`: in English, so it lands in `title_en`.
        with translation.override(SOURCE_LANGUAGE):
            super()._post_clean()


class TranslatedFieldsAdmin:
    """The English of a translated field is edited in place (`title`); each other language
    has its own group of fields below (plain fieldsets: no script needed), so an editor sees
    the languages of a record side by side. Translations are content like any other: saved
    through the same service, as pending changes on a published record."""

    def get_exclude(self, request, obj=None):
        english = [language_field(name) for name in translated_fields(self.model)]
        return [*(super().get_exclude(request, obj) or ()), *english]

    def get_fieldsets(self, request, obj=None):
        names = translated_fields(self.model)
        columns = {language_field(name, code) for name in names for code in OTHER_LANGUAGES}
        fieldsets = [
            (title, {**options, "fields": [f for f in options["fields"] if f not in columns]})
            for title, options in super().get_fieldsets(request, obj)
        ]
        languages = dict(settings.LANGUAGES)
        return fieldsets + [
            (
                _("Translation: %(language)s") % {"language": languages[code]},
                {
                    "fields": [language_field(name, code) for name in names],
                    "classes": ["translations"],
                    "description": _(
                        "Leave empty where there is no translation yet: the English is shown, "
                        "marked as such."
                    ),
                },
            )
            for code in OTHER_LANGUAGES
        ]


class ConflictCheckedForm(EnglishFieldsForm):
    """Refuses a save when someone else saved the record after this form was opened.

    The form carries a version token (the record's `updated_at`) as it was when opened. On a
    conflict the user's input is kept, the message says who changed it and when, and the token
    moves on: saving again deliberately replaces the other version.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.SplitDateTimeField | forms.DateTimeField):
                # Said once here instead of the calendar script's relative notice (admin.js).
                zone = _("Times are in the portal's time zone, %(zone)s.") % {
                    "zone": timezone.get_current_timezone_name()
                }
                field.help_text = f"{field.help_text} {zone}".strip()
        if self.instance.pk:
            token = self.current_token()
            if token:
                self.fields["loaded_version"].initial = token.isoformat()

    def current_token(self):
        return (
            type(self.instance)
            .objects.filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )

    def last_changed_by(self):
        return last_change(type(self.instance).objects.get(pk=self.instance.pk))

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.pk:
            return cleaned_data
        with transaction.atomic():
            type(self.instance).objects.select_for_update().filter(pk=self.instance.pk).exists()
            current = self.current_token()
        loaded = cleaned_data.get("loaded_version") or ""
        if current is None or current.isoformat() == loaded:
            return cleaned_data
        user, moment = self.last_changed_by()
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
    """History pages: the list of revisions, a comparison of each with the live record, and
    a restore that writes back only the record named in the address (never other objects
    sharing the revision)."""

    history_latest_first = True
    formfield_overrides = FORMFIELD_OVERRIDES
    object_history_template = "admin/catalog/object_history.html"
    restore_template = "admin/catalog/restore_confirm.html"

    def create_revision(self, request):
        """No revision made by the admin around a view: each service call makes its own (with
        its user and comment), and an outer block would merge them into one. (The change
        lists used to skip VersionAdmin's view for this, and with it the mixins' buttons.)"""
        return contextlib.nullcontext()

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:version_id>/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
        ] + super().get_urls()

    def _url(self, name, *args):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    def _version_of(self, obj, version_id):
        return get_object_or_404(history.versions_of(obj), pk=version_id)

    def compare_view(self, request, object_id, version_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404(_("No such record."))
        version = self._version_of(obj, version_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "object_id": object_id,
            "version": version,
            "revision_url": self._url("revision", quote(obj.pk), version.pk),
            "title": _("Compare with live: %(record)s") % {"record": obj},
            "rows": compare_version_with_live(version, obj),
        }
        return TemplateResponse(request, "admin/catalog/compare.html", context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return super().history_view(request, object_id, extra_context)
        versions = history.versions_of(obj).order_by("-revision__date_created", "-pk")
        action_list = [
            {
                "revision": version.revision,
                "url": self._url("revision", quote(obj.pk), version.pk),
                "compare_url": self._url("compare", quote(obj.pk), version.pk),
            }
            for version in versions
        ]
        return super().history_view(
            request, object_id, {**(extra_context or {}), "action_list": action_list}
        )

    # --- restore: one record only ---

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such record."))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        version = self._version_of(obj, version_id)
        return self._restore_page(request, version, obj, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(
            Version.objects.get_deleted(self.model).select_related("revision"), pk=version_id
        )
        if not self.has_add_permission(request):
            raise PermissionDenied
        return self._restore_page(request, version, None, extra_context)

    def _restore_page(self, request, version, obj, extra_context):
        try:
            self.check_restore(request, version, obj)
        except Refused as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            return HttpResponseRedirect(self._url("changelist"))
        if request.method == "POST":
            try:
                restored, warnings = self.restore(
                    request, version, obj, request.POST.get("comment", "")
                )
            except (Refused, ValidationError) as refusal:
                self.message_user(request, " ".join(refusal.messages), messages.ERROR)
                return HttpResponseRedirect(self._url("changelist"))
            when = localize(timezone.localtime(version.revision.date_created))
            done = (
                _("“%(record)s” was recovered as it was saved on %(when)s.")
                if obj is None
                else _(
                    "“%(record)s” was reverted to its version of %(when)s. The revert is in its "
                    "history, so it can be undone from there."
                )
            )
            self.message_user(request, done % {"record": restored, "when": when}, messages.SUCCESS)
            for warning in warnings:
                self.message_user(request, warning, messages.WARNING)
            return HttpResponseRedirect(self._url("change", quote(restored.pk)))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "version": version,
            "recover": obj is None,
            "title": (_("Recover %(name)s") if obj is None else _("Revert %(name)s"))
            % {"name": version.object_repr},
            "compare_url": self._url("compare", quote(obj.pk), version.pk) if obj else None,
            "rows": compare_version_with_live(version, obj) if obj else None,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.restore_template, context)

    def check_restore(self, request, version, obj):
        allowed = (
            self.has_add_permission(request)
            if obj is None
            else self.has_change_permission(request, obj)
        )
        if not allowed:
            raise Refused(_("You may not change this record. Nothing was changed."))

    def restore(self, request, version, obj, comment):
        """Reference data: the record alone, in one transaction and one revision."""
        self.check_restore(request, version, obj)
        with transaction.atomic(), create_revision():
            set_user(request.user)
            restored, warnings = history.restore(version, self.model)
            set_comment(
                comment.strip()
                or _("Restored the version of %(when)s.")
                % {"when": localize(timezone.localtime(version.revision.date_created))}
            )
        return restored, warnings
