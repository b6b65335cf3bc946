from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from catalog.editorial.policy import Refused
from texts import services
from texts.extraction import ExtractionError
from texts.models import Text


class Command(BaseCommand):
    help = (
        "Fetch official texts from their official addresses (HTTPS only; mirrors are never "
        "fetched) and queue them for extraction. A text of a published record then waits for "
        "a publisher's approval in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Records (slugs); all when none is given.")
        parser.add_argument("--user", required=True, help="The staff user the fetch is done as.")
        parser.add_argument("--language", help="Only texts in this language.")

    def handle(self, *args, slugs, user, language, verbosity, **options):
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"No user “{user}”.")
        texts = Text.objects.filter(
            address_kind=Text.AddressKind.OFFICIAL, state=Text.State.ADDRESS
        ).exclude(url="")
        if slugs:
            texts = texts.filter(commitment__slug__in=slugs)
        if language:
            texts = texts.filter(language=language)
        failures = 0
        for text in texts.select_related("commitment"):
            try:
                services.fetch_text(user=actor, text=text)
                self.stdout.write(f"{text}: fetched {text.url}")
            except (ExtractionError, Refused) as error:
                failures += 1
                message = getattr(error, "message", None) or " ".join(error.messages)
                self.stderr.write(f"{text}: {message}")
        if failures:
            raise CommandError(f"{failures} text(s) could not be fetched; nothing else changed.")
