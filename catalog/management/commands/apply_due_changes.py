from django.core.management.base import BaseCommand

from catalog.editorial import services


class Command(BaseCommand):
    help = (
        "Apply approved changes whose scheduled time has passed. Not needed for them to take "
        "effect (the first request after that time applies them); useful after restoring a "
        "database or emptying the cache."
    )

    def handle(self, *args, verbosity, **options):
        applied = services.apply_due_changes(ask_database=True)
        if verbosity:
            self.stdout.write(f"Scheduled changes applied: {applied}.")
