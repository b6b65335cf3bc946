from django.core.management.base import BaseCommand

from participation.alerts import send_digests


class Command(BaseCommand):
    help = (
        "Send each confirmed alert subscription a digest of the records new or changed since "
        "its last one (run from a scheduler; running twice sends nothing twice)."
    )

    def handle(self, *args, **options):
        failures = []
        self.stdout.write(f"Sent {send_digests(failures=failures)} digest(s).")
        if failures:
            listed = ", ".join(f"#{pk}" for pk in failures)
            self.stderr.write(
                f"{len(failures)} could not be sent (subscriptions {listed}); "
                "they are tried again on the next run."
            )
