from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from catalog import changes
from catalog.editorial import services
from catalog.models import Commitment

DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "catalogue.json"


class Command(BaseCommand):
    help = (
        "Load the seed catalogue (natural keys: loading again updates records instead of "
        "duplicating them). Every record is validated; one invalid record loads nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixture", nargs="?", default=str(DEFAULT_FIXTURE))
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds commitments.",
        )

    def handle(self, *args, fixture, if_empty, verbosity, **options):
        if if_empty and Commitment.objects.exists():
            if verbosity:
                self.stdout.write("The catalogue already holds commitments; seed not loaded.")
            return
        try:
            with changes.atomic():
                call_command("loaddata", fixture, verbosity=0)
                self._validate_all()
                # Every loaded record starts its history here: its first edit can be undone
                # and it can be recovered after deletion.
                revisions = services.record_initial_history()
                # loaddata writes rows without the services: say what changed (every record),
                # so the search index is rebuilt and the public state moves on.
                changes.record(
                    commitments=Commitment.objects.values_list("pk", flat=True), public=True
                )
        except ValidationError as error:
            raise CommandError(f"Seed catalogue not loaded, nothing changed: {error}") from error
        except Exception as error:  # loaddata wraps parse and integrity errors in many types
            if isinstance(error, CommandError):
                raise
            raise CommandError(f"Seed catalogue not loaded, nothing changed: {error}") from error
        if not verbosity:
            return
        counts = ", ".join(
            f"{model._meta.verbose_name_plural}: {model.objects.count()}"
            for model in apps.get_app_config("catalog").get_models()
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Seed catalogue loaded ({counts}); initial revisions created: {revisions}."
            )
        )

    def _validate_all(self):
        """loaddata skips model validation; run it so invariants hold for seeded data too.

        What the database enforces as the rows are written — every unique and check constraint
        of these models is one of its own — is not asked again row by row (a query each); the
        fields' validators and each model's clean() are, with the rows they read fetched in
        the same query."""
        for model in apps.get_app_config("catalog").get_models():
            related = [field.name for field in model._meta.concrete_fields if field.many_to_one]
            for obj in model.objects.select_related(*related):
                try:
                    obj.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    raise ValidationError(f"{model.__name__} “{obj}”: {error.messages}") from error
