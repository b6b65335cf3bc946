"""Failed background tasks in the admin: publishers see them and may retry them."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from catalog.editorial.policy import is_publisher

from . import failures
from .models import FailedTask


class RetriedFilter(admin.SimpleListFilter):
    title = gettext_lazy("retried")
    parameter_name = "retried"

    def lookups(self, request, model_admin):
        return [("no", _("not yet")), ("yes", _("retried"))]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(retried_at__isnull=self.value() == "no")
        return queryset


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    list_display = ["task_name", "exception_class", "failed_at", "retried_at", "retried_by"]
    list_filter = [RetriedFilter, "task_path"]
    actions = ["retry_tasks"]
    fields = [
        "task_path",
        "args",
        "kwargs",
        "backend",
        "queue_name",
        "result_id",
        "failed_at",
        "exception_class",
        "formatted_traceback",
        "retried_at",
        "retried_by",
        "retry_result_id",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("traceback"))
    def formatted_traceback(self, obj):
        return format_html("<pre>{}</pre>", obj.traceback) if obj.traceback else "—"

    # Publishers only (the editorial policy), checked on every request.
    def has_module_permission(self, request):
        return is_publisher(request.user)

    def has_view_permission(self, request, obj=None):
        return is_publisher(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Retry the selected tasks"))
    def retry_tasks(self, request, queryset):
        if not is_publisher(request.user):
            raise PermissionDenied
        retried = 0
        for failure in queryset.filter(retried_at__isnull=True):
            failures.retry(failure, user=request.user)
            retried += 1
        self.message_user(
            request,
            ngettext("%(count)s task enqueued again.", "%(count)s tasks enqueued again.", retried)
            % {"count": retried},
            messages.SUCCESS,
        )
