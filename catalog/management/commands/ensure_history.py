from django.core.management.base import BaseCommand

from catalog.caching import new_catalogue_version
from catalog.editorial import services


class Command(BaseCommand):
    help = (
        "Give every record without history an initial revision of its current state, so its "
        "first edit can be undone and it can be recovered after deletion. Safe to run again: "
        "records with history are left alone."
    )

    def handle(self, *args, verbosity, **options):
        created = services.record_initial_history()
        if created:
            # Record pages show their newest version: the cached ones predate these.
            new_catalogue_version()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Initial revisions created: {created}."))
