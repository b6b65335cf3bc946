import random

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from catalog import caching
from catalog.models import Commitment
from texts import search
from texts.models import Paragraph, Text

SLUG_PREFIX = "synthetic-"
BATCH_SIZE = 500
# Words per language, so each text is stemmed with its own configuration.
WORDS = {
    "en": "participating States agree to counter terrorist propaganda exchange information "
    "protect critical infrastructure strengthen co-operation monitor websites".split(),
    "fr": "les États participants conviennent de lutter contre la propagande terroriste "
    "échanger des informations protéger les infrastructures surveiller".split(),
    "de": "die Teilnehmerstaaten vereinbaren terroristische Propaganda zu bekämpfen "
    "Informationen auszutauschen kritische Infrastrukturen schützen".split(),
    "it": "gli Stati partecipanti convengono di contrastare la propaganda terroristica "
    "scambiare informazioni proteggere le infrastrutture".split(),
    "ru": "государства-участники договариваются противодействовать террористической "
    "пропаганде обмениваться информацией защищать инфраструктуру".split(),
    "es": "los Estados participantes acuerdan contrarrestar la propaganda terrorista "
    "intercambiar información proteger las infraestructuras".split(),
}


class Command(BaseCommand):
    help = (
        "Give synthetic commitments (seed_synthetic) a live, extracted official text of "
        "PARAGRAPHS paragraphs each, for measuring search inside texts, the record page and "
        "the reading view at scale; or delete those texts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10_000, help="records given a text")
        parser.add_argument("--paragraphs", type=int, default=20)
        parser.add_argument("--delete", action="store_true")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, count, paragraphs, delete, seed, verbosity, **options):
        synthetic = Text.objects.filter(commitment__slug__startswith=SLUG_PREFIX)
        if delete:
            deleted = synthetic.count()
            synthetic.delete()
            caching.new_catalogue_version()
            if verbosity:
                self.stdout.write(f"Deleted {deleted} synthetic texts.")
            return
        have = set(synthetic.values_list("commitment_id", flat=True))
        ids = [
            pk
            for pk in Commitment.objects.filter(slug__startswith=SLUG_PREFIX)
            .order_by("pk")
            .values_list("pk", flat=True)[:count]
            if pk not in have
        ]
        if not ids and not have:
            raise CommandError("Create synthetic commitments first (manage.py seed_synthetic).")
        rng = random.Random(seed)
        languages = list(WORDS)
        for start in range(0, len(ids), BATCH_SIZE):
            with transaction.atomic():
                texts = Text.objects.bulk_create(
                    [
                        Text(
                            commitment_id=pk,
                            language=languages[pk % len(languages)],
                            is_original=True,
                            url=f"https://www.osce.org/synthetic/{pk}.pdf",
                            state=Text.State.LIVE,
                            extraction=Text.Extraction.DONE,
                            media_type=Text.MediaType.PDF,
                            page_count=max(1, paragraphs // 5),
                            extracted_at=timezone.now(),
                            extractor="synthetic",
                        )
                        for pk in ids[start : start + BATCH_SIZE]
                    ]
                )
                rows = []
                for text in texts:
                    words = WORDS[text.language]
                    for position in range(1, paragraphs + 1):
                        number = str(position)
                        rows.append(
                            Paragraph(
                                text=text,
                                position=position,
                                kind=Paragraph.Kind.OPERATIVE,
                                number=number,
                                anchor=f"op-{number}",
                                page=(position - 1) // 5 + 1,
                                content=f"{number}. "
                                + " ".join(rng.choice(words) for _ in range(40))
                                + ".",
                            )
                        )
                Paragraph.objects.bulk_create(rows)
                for text in texts:
                    search.index_text(text)
        if connection.vendor == "postgresql" and connection.get_autocommit():
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE texts_paragraph")
                cursor.execute("VACUUM ANALYZE texts_text")
        caching.new_catalogue_version()
        if verbosity:
            self.stdout.write(
                f"Gave {len(ids)} synthetic commitments a text of {paragraphs} paragraphs."
            )
