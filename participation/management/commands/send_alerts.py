from django.core.management.base import BaseCommand

from participation.alerts import send_digests


class Command(BaseCommand):
    help = (
        "Send each confirmed alert subscription a digest of the records new or changed since "
        "its last one (run from a scheduler; running twice sends nothing twice)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {send_digests()} digest(s).")
