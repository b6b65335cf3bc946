from django.conf import settings
from django.core.management.base import BaseCommand

from participation.services import erase_addresses


class Command(BaseCommand):
    help = (
        "Erase the reply addresses of suggestions resolved SUGGESTION_RETENTION_DAYS ago or "
        "earlier (run daily from a scheduler)."
    )

    def handle(self, *args, **options):
        count = erase_addresses()
        self.stdout.write(
            f"Erased {count} address(es) of suggestions resolved more than "
            f"{settings.SUGGESTION_RETENTION_DAYS} days ago."
        )
