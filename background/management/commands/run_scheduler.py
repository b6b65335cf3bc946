import logging
import signal

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

logger = logging.getLogger(__name__)


def enqueue(path):
    """One tick of the schedule: enqueue the task (a worker runs it)."""
    close_old_connections()
    try:
        result = import_string(path).enqueue()
        logger.info("Enqueued %s (%s)", path, result.id)
    except Exception:  # a failed enqueue (database or Redis away) must not stop the schedule
        logger.exception("Could not enqueue %s", path)
    finally:
        close_old_connections()


class Command(BaseCommand):
    help = (
        "Keep the periodic schedule (settings.TASK_SCHEDULE): at each entry's time, enqueue its "
        "task for the workers. Run exactly one beside the workers (make run starts one); it "
        "runs nothing itself, and every scheduled task is safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--list", action="store_true", help="Print the schedule with next run times, then exit."
        )

    def handle(self, *args, list, verbosity, **options):
        entries = []
        for expression, path in settings.TASK_SCHEDULE:
            try:
                task = import_string(path)
            except ImportError as error:
                raise CommandError(f"TASK_SCHEDULE names {path}: it cannot be imported.") from error
            if not isinstance(task, Task):
                raise CommandError(f"TASK_SCHEDULE names {path}, which is not a task.")
            trigger = CronTrigger.from_crontab(expression, timezone=settings.TIME_ZONE)
            entries.append((expression, path, trigger))
        if list:
            now = timezone.localtime()
            for expression, path, trigger in entries:
                moment = trigger.get_next_fire_time(None, now)
                self.stdout.write(f"{moment:%Y-%m-%d %H:%M %Z}  {path} {expression}")
            return
        scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
        for expression, path, trigger in entries:
            scheduler.add_job(
                enqueue,
                trigger,
                args=[path],
                id=f"{path} {expression}",
                max_instances=1,
                coalesce=True,
                misfire_grace_time=60,
            )
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: scheduler.shutdown(wait=False))
        if verbosity:
            self.stdout.write(f"Scheduler started: {len(entries)} entries.")
        scheduler.start()
