from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FailedTask(models.Model):
    """A background task that failed, kept until it is retried (whatever backend ran it:
    the database worker, RQ, or the immediate backend)."""

    task_path = models.CharField(_("task"), max_length=300)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    backend = models.CharField(_("backend"), max_length=64)
    queue_name = models.CharField(_("queue"), max_length=64)
    result_id = models.CharField(_("result id"), max_length=64)
    exception_class = models.CharField(_("error"), max_length=300)
    traceback = models.TextField(_("traceback"), blank=True)
    failed_at = models.DateTimeField(_("failed at"), db_index=True)
    retried_at = models.DateTimeField(_("retried at"), null=True, blank=True)
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retried by"),
    )
    retry_result_id = models.CharField(_("retry's result id"), max_length=64, blank=True)

    class Meta:
        ordering = ["-failed_at", "-pk"]
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")

    def __str__(self):
        return f"{self.task_path} ({self.exception_class})"

    @property
    def task_name(self):
        return self.task_path.rsplit(".", 1)[-1]
