"""Housekeeping of the task framework itself."""

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from .models import FailedTask


@task()
def prune_finished_tasks():
    """Delete task results older than TASK_RESULT_RETENTION_DAYS: the database backend's
    successful ones, and failures that were retried. Returns how many rows went."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    retried, _by_model = FailedTask.objects.filter(retried_at__lt=cutoff).delete()
    finished, _by_model = DBTaskResult.objects.successful().filter(finished_at__lt=cutoff).delete()
    return retried + finished
