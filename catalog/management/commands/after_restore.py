from django.core.management import call_command
from django.core.management.base import BaseCommand

from catalog.caching import new_catalogue_version
from catalog.editorial import services


class Command(BaseCommand):
    help = (
        "Run after restoring a database backup (make restore does): applies any newer "
        "migrations, rebuilds the search index, applies the scheduled approvals whose time "
        "passed while the backup waited (the database says what is due, not a cache), and "
        "starts a new catalogue version, so no worker serves figures cached from the data "
        "before the restore."
    )

    def handle(self, *args, verbosity, **options):
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command("rebuild_search_index", verbosity=verbosity)
        applied = services.apply_due_changes()
        new_catalogue_version()
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Restore finished: index rebuilt, {applied} due approval(s) applied, "
                    "caches renewed."
                )
            )
