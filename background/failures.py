"""Failed background tasks: kept when they fail, retried on request."""

import logging

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task, TaskResultStatus

from .models import FailedTask

logger = logging.getLogger(__name__)


def record_failure(sender, task_result, **kwargs):
    """`task_finished` receiver: keep a failed task with its arguments and error."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    error = task_result.errors[-1] if task_result.errors else None
    try:
        FailedTask.objects.create(
            task_path=task_result.task.module_path,
            args=list(task_result.args),
            kwargs=dict(task_result.kwargs),
            backend=task_result.backend,
            queue_name=task_result.task.queue_name,
            result_id=str(task_result.id),
            exception_class=error.exception_class_path if error else "",
            traceback=error.traceback if error else "",
            failed_at=task_result.finished_at or timezone.now(),
        )
    except Exception:  # bookkeeping must never hide the failure itself
        logger.exception("Could not record the failure of task %s", task_result.id)


def retry(failure, *, user):
    """Enqueue the failed task again with its arguments; returns the new result."""
    task = import_string(failure.task_path)
    if not isinstance(task, Task):
        raise ValueError(f"{failure.task_path} is not a task.")
    result = task.using(queue_name=failure.queue_name).enqueue(*failure.args, **failure.kwargs)
    FailedTask.objects.filter(pk=failure.pk).update(
        retried_at=timezone.now(), retried_by=user, retry_result_id=str(result.id)
    )
    return result
