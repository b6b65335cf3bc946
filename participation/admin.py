import smtplib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _

from catalog.editorial import services as editorial
from catalog.editorial.policy import Refused

from . import services
from .models import Suggestion


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    """The suggestions queue. Editors and publishers resolve suggestions and open pending
    changes of the record from one (through the editorial service layer)."""

    change_form_template = "participation/admin/suggestion_change_form.html"
    list_display = ["__str__", "commitment", "status", "created_at", "resolved_at"]
    list_filter = ["status"]
    search_fields = ["problem", "suggested_text", "commitment__title", "commitment__symbol"]
    list_select_related = ["commitment"]
    fields = [
        "commitment",
        "problem",
        "suggested_text",
        "source_url",
        "email",
        "created_at",
        "status",
        "reply",
        "resolved_at",
        "resolved_by",
        "reply_sent_at",
        "email_erased_at",
    ]
    readonly_fields = [
        "commitment",
        "problem",
        "suggested_text",
        "source_url",
        "email",
        "created_at",
        "resolved_at",
        "resolved_by",
        "reply_sent_at",
        "email_erased_at",
    ]

    def has_module_permission(self, request):
        return services.can_handle(request.user)

    def has_view_permission(self, request, obj=None):
        return services.can_handle(request.user)

    def has_change_permission(self, request, obj=None):
        return services.can_handle(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/open-changes/",
                self.admin_site.admin_view(self.open_changes),
                name="participation_suggestion_open_changes",
            )
        ] + super().get_urls()

    def save_model(self, request, obj, form, change):
        if obj.status == Suggestion.Status.NEW:
            obj.save()
            return
        try:
            services.resolve(user=request.user, suggestion=obj, status=obj.status, reply=obj.reply)
        except Refused as error:
            raise PermissionDenied(error.messages[0]) from error
        except (smtplib.SMTPException, OSError) as error:
            messages.error(
                request,
                _("Resolved, but the reply could not be sent (%(error)s). Save again to retry.")
                % {"error": error},
            )

    def open_changes(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not services.can_handle(request.user):
            raise PermissionDenied
        suggestion = get_object_or_404(Suggestion.objects.select_related("commitment"), pk=pk)
        back = reverse("admin:participation_suggestion_change", args=[pk])
        if suggestion.commitment is None:
            messages.error(request, _("This suggestion is not about one record."))
            return HttpResponseRedirect(back)
        try:
            editorial.open_changes_from_suggestion(
                user=request.user,
                commitment=suggestion.commitment,
                suggestion_label=f"#{suggestion.pk}",
                suggestion_url=request.build_absolute_uri(back),
            )
        except Refused as error:
            messages.error(request, error.messages[0])
            return HttpResponseRedirect(back)
        messages.success(
            request,
            _("Editing “%(record)s” from suggestion #%(pk)d; the log links the suggestion.")
            % {"record": suggestion.commitment, "pk": suggestion.pk},
        )
        return HttpResponseRedirect(
            reverse("admin:catalog_commitment_change", args=[suggestion.commitment_id])
        )
