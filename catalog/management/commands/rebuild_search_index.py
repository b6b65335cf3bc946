from django.core.management.base import BaseCommand

from catalog import caching, search
from catalog.models import Commitment


class Command(BaseCommand):
    help = (
        "Rebuild the search index of every commitment. Saves keep it current; run this after "
        "changing rows behind the ORM's back (raw SQL, bulk updates) or after a first migrate "
        "on a database that already holds commitments."
    )

    def handle(self, *args, verbosity, **options):
        search.refresh()
        # Cached searches may hold results of the entries before the rebuild.
        caching.new_catalogue_version()
        if verbosity:
            count = Commitment.objects.count()
            self.stdout.write(self.style.SUCCESS(f"Search index rebuilt for {count} commitments."))
