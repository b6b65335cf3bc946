from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackgroundConfig(AppConfig):
    name = "background"
    verbose_name = _("Background tasks")

    def ready(self):
        from django_tasks.signals import task_finished

        from .failures import record_failure

        # Bookkeeping of the task framework (not domain logic): every backend reports a
        # finished task here, so a failure is kept whatever runs the tasks.
        task_finished.connect(record_failure, dispatch_uid="background-record-failure")
