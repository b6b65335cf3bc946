import contextlib
import datetime
import threading

import factory
from django.utils import timezone

from catalog import caching, changes
from catalog.models import (
    ActivityCategory,
    CategoryAssignment,
    Commitment,
    CommitmentRelation,
    Institution,
    Organisation,
    Source,
    Theme,
)

_batch = threading.local()


def _follow(ids):
    """What a service's change set does for these commitments: rebuild their search entries
    (and, on commit, move the version); the test's transaction never commits, so the public
    state moves now too."""
    changes.record(commitments=sorted(ids), public=True)
    caching.new_catalogue_version()


@contextlib.contextmanager
def batch():
    """Records created in this block are followed once, when it ends: one rebuild of their
    search entries and one version step instead of one per record (tests/conftest.py wraps
    every fixture's setup in it). Nothing may read the search index or the public state
    inside the block; what a test sees after it is what it would have seen record by record,
    since a rebuild reads the rows as they are."""
    if getattr(_batch, "ids", None) is not None:  # nested: the outer block follows
        yield
        return
    _batch.ids = ids = set()
    try:
        yield
    finally:
        _batch.ids = None
    if ids:
        _follow(ids)


class IndexedFactory(factory.django.DjangoModelFactory):
    """Factories write rows directly, not through the services: like a service, they record
    the commitment they change so its search entry is rebuilt (and, on commit, the version)
    — at once, or at the end of the enclosing `batch()`."""

    class Meta:
        abstract = True

    _commitment_attribute = None  # the attribute naming the changed commitment

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            commitment = (
                getattr(instance, cls._commitment_attribute)
                if cls._commitment_attribute
                else instance
            )
            pending = getattr(_batch, "ids", None)
            if pending is not None:
                pending.add(commitment.pk)
            else:
                _follow([commitment.pk])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Test Organisation {n}")
    acronym = factory.Sequence(lambda n: f"TO{n}")
    slug = factory.Sequence(lambda n: f"test-organisation-{n}")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Test Council {n}")
    acronym = factory.Sequence(lambda n: f"TC{n}")
    slug = factory.Sequence(lambda n: f"test-council-{n}")
    kind = Institution.Kind.DECISION_MAKING_BODY


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Test theme {n}")
    slug = factory.Sequence(lambda n: f"test-theme-{n}")
    description = "A theme used in tests."


class ActivityCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityCategory

    name = factory.Sequence(lambda n: f"Test category {n}")
    slug = factory.Sequence(lambda n: f"test-category-{n}")
    scope_note = "A category used in tests."


class CommitmentFactory(IndexedFactory):
    class Meta:
        model = Commitment
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Decision No. {n}/20 on testing the catalogue")
    slug = factory.Sequence(lambda n: f"test-decision-{n}")
    kind = Commitment.Kind.DECISION
    adopting_body = factory.SubFactory(InstitutionFactory)
    organisation = factory.SelfAttribute("adopting_body.organisation")
    year = 2020
    summary = "A decision used in tests."
    status = Commitment.Status.PUBLISHED
    last_reviewed_on = datetime.date(2026, 11, 1)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    class Params:
        draft = factory.Trait(status=Commitment.Status.DRAFT)
        in_review = factory.Trait(status=Commitment.Status.IN_REVIEW)
        archived = factory.Trait(status=Commitment.Status.ARCHIVED)
        scheduled = factory.Trait(
            publish_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
        )


class SourceFactory(IndexedFactory):
    class Meta:
        model = Source

    _commitment_attribute = "commitment"

    commitment = factory.SubFactory(CommitmentFactory)
    url = factory.Sequence(lambda n: f"https://www.osce.org/test/{n}")
    kind = Source.Kind.OFFICIAL


class CategoryAssignmentFactory(IndexedFactory):
    class Meta:
        model = CategoryAssignment

    _commitment_attribute = "commitment"

    commitment = factory.SubFactory(CommitmentFactory)
    category = factory.SubFactory(ActivityCategoryFactory)
    note = "The text addresses this activity."


class CommitmentRelationFactory(IndexedFactory):
    class Meta:
        model = CommitmentRelation

    _commitment_attribute = "source"

    source = factory.SubFactory(CommitmentFactory)
    target = factory.SubFactory(CommitmentFactory)
    kind = CommitmentRelation.Kind.BUILDS_ON


class TextFactory(factory.django.DjangoModelFactory):
    """An address-only official text (no file); tests add files through texts.services."""

    class Meta:
        model = "texts.Text"

    commitment = factory.SubFactory(CommitmentFactory)
    language = "en"
    url = factory.Sequence(lambda n: f"https://www.osce.org/files/test-{n}.pdf")


class ProvisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "texts.Provision"

    commitment = factory.SubFactory(CommitmentFactory)
    number = factory.Sequence(lambda n: n + 1)
    label = factory.Sequence(lambda n: f"Measure label {n}")
    summary = "What States do, in the catalogue's words."
    source_url = "https://www.osce.org/test/source"
