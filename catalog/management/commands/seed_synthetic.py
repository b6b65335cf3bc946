import random

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from catalog import caching, changes, search
from catalog.models import (
    ActivityCategory,
    CategoryAssignment,
    Commitment,
    Institution,
    Organisation,
    Theme,
)

TITLE_PREFIX = "[Synthetic] "
SLUG_PREFIX = "synthetic-"
BATCH_SIZE = 1000

ACTIONS = [
    "Countering",
    "Preventing",
    "Strengthening co-operation on",
    "Enhancing OSCE efforts against",
    "Further measures on",
    "Promoting public-private partnerships against",
    "Addressing",
    "Reducing the risks of",
]
TOPICS = [
    "the use of the internet for terrorist purposes",
    "online recruitment of youth by terrorist groups",
    "violent extremist propaganda on social media",
    "terrorism financing through crypto-assets",
    "money laundering and the financing of terrorism",
    "cyber attacks on critical energy infrastructure",
    "radicalization that leads to terrorism in prisons",
    "incitement to terrorism in online forums",
    "encrypted communications used by terrorist networks",
    "foreign terrorist fighters travelling through border crossings",
    "conflict stemming from the use of information and communication technologies",
    "psychological operations by terrorist organisations",
    "the exchange of information on cyberterrorism",
    "hostage-taking and kidnapping for ransom",
]
PLACES = ["Vienna", "Hamburg", "Basel", "Belgrade", "Milan", "Bratislava", "Tirana", "Astana"]
SENTENCES = [
    "Participating States agree to {verb} {topic}.",
    "The decision asks the Secretariat to support national authorities on {topic}.",
    "It stresses respect for human rights and the rule of law when {verb_ing} {topic}.",
    "It encourages co-operation with internet service providers and civil society.",
    "It tasks the Transnational Threats Department with workshops and expert meetings.",
    "It recalls earlier commitments and the United Nations Global Counter-Terrorism Strategy.",
]
VERBS = [("counter", "countering"), ("prevent", "preventing"), ("address", "addressing")]
KINDS = [
    (Commitment.Kind.DECISION, "Decision", "DEC"),
    (Commitment.Kind.DECLARATION, "Declaration", "DOC"),
    (Commitment.Kind.RESOLUTION, "Resolution", "RES"),
]


class Command(BaseCommand):
    help = (
        "Create N synthetic commitments for measuring search and the catalogue at scale "
        "(titles start with “[Synthetic]”, slugs with “synthetic-”), or delete them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument("--delete", action="store_true", help="Delete every synthetic record.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (repeatable).")

    def handle(self, *args, count, delete, seed, verbosity, **options):
        if delete:
            deleted = self.delete_all()
            if verbosity:
                self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} synthetic commitments."))
            return
        if count < 1:
            raise CommandError("--count must be at least 1.")
        organisation = Organisation.objects.filter(is_primary=True).first()
        bodies = list(Institution.objects.filter(organisation=organisation))
        themes = list(Theme.objects.all())
        categories = list(ActivityCategory.objects.all())
        if not (organisation and bodies and themes and categories):
            raise CommandError("Load the seed catalogue first (manage.py load_seed).")
        created = self.create(count, random.Random(seed), organisation, bodies, themes, categories)
        self.update_statistics()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Created {created} synthetic commitments."))

    def create(self, count, rng, organisation, bodies, themes, categories):
        start = Commitment.objects.filter(slug__startswith=SLUG_PREFIX).count()
        created = 0
        while created < count:
            size = min(BATCH_SIZE, count - created)
            with transaction.atomic():
                commitments = Commitment.objects.bulk_create(
                    [
                        self.build(start + created + i, rng, organisation, bodies)
                        for i in range(size)
                    ]
                )
                theme_links, assignments = [], []
                for commitment in commitments:
                    for theme in rng.sample(themes, rng.randint(1, 3)):
                        theme_links.append(
                            Commitment.themes.through(commitment_id=commitment.pk, theme=theme)
                        )
                    for category in rng.sample(categories, rng.randint(1, 3)):
                        assignments.append(
                            CategoryAssignment(commitment=commitment, category=category)
                        )
                Commitment.themes.through.objects.bulk_create(theme_links)
                CategoryAssignment.objects.bulk_create(assignments)
                search.refresh([commitment.pk for commitment in commitments])
            created += size
        caching.new_catalogue_version()  # bulk_create sends no signals
        return created

    def build(self, n, rng, organisation, bodies):
        kind, kind_label, code = rng.choice(KINDS)
        year = rng.randint(1995, 2025)
        number = f"{n + 1}/{year % 100:02d}"
        action, topic = rng.choice(ACTIONS), rng.choice(TOPICS)
        verb, verb_ing = rng.choice(VERBS)
        summary = " ".join(
            sentence.format(verb=verb, verb_ing=verb_ing, topic=topic)
            for sentence in rng.sample(SENTENCES, 3)
        )
        return Commitment(
            title=f"{TITLE_PREFIX}{kind_label} No. {number} on {action} {topic}",
            slug=f"{SLUG_PREFIX}{n + 1}",
            kind=kind,
            organisation=organisation,
            symbol=f"SYN.{code}/{n + 1}/{year % 100:02d}",
            symbol_status=Commitment.SymbolStatus.DERIVED,
            number=number,
            adopting_body=rng.choice(bodies),
            year=year,
            meeting=f"Synthetic meeting, {rng.choice(PLACES)}",
            place=rng.choice(PLACES),
            summary=f"Synthetic record for load testing. {summary}",
            keywords="\n".join(["synthetic", *topic.split()[-2:]]),
            status=Commitment.Status.PUBLISHED,
            editorial_note="Synthetic record created by seed_synthetic; not a real document.",
        )

    def update_statistics(self):
        """Fresh planner statistics (and a flushed GIN pending list) after a bulk load."""
        if connection.vendor == "postgresql" and connection.get_autocommit():
            with connection.cursor() as cursor:
                for table in (
                    "catalog_commitment",
                    "catalog_searchdocument",
                    "catalog_searchword",
                    Commitment.themes.through._meta.db_table,
                    CategoryAssignment._meta.db_table,
                ):
                    cursor.execute(f"VACUUM ANALYZE {table}")
        else:  # inside a transaction, where VACUUM is not allowed
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    for index in (
                        "search_vector_gin",
                        *(f"search_vector_{code}_gin" for code in search.TRANSLATED),
                        "search_word_trgm",
                        "search_symbol_trgm",
                    ):
                        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
                cursor.execute("ANALYZE")

    def delete_all(self):
        ids = list(
            Commitment.objects.filter(slug__startswith=SLUG_PREFIX).values_list("pk", flat=True)
        )
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            # Through the change set, like every deletion: the batch's search entries go too
            # (SQLite's full-text rows are not a model, so no cascade removes them).
            with changes.atomic():
                Commitment.objects.filter(pk__in=batch).delete()
                changes.record(deleted=batch, public=True)
        return len(ids)
