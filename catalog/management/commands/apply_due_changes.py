from django.core.management.base import BaseCommand

from catalog.editorial import services


class Command(BaseCommand):
    help = (
        "Apply approved changes whose scheduled time has passed, now (the task "
        "apply_due_approvals does it in the background, at their time and every minute)."
    )

    def handle(self, *args, verbosity, **options):
        applied = services.apply_due_changes()
        if verbosity:
            self.stdout.write(f"Scheduled changes applied: {applied}.")
