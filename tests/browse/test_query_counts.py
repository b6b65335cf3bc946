"""Browse pages run a fixed number of queries, however many records there are."""

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse
from django.utils import translation

from catalog import caching
from catalog.models import Commitment
from tests.factories import (
    ActivityCategoryFactory,
    CategoryAssignmentFactory,
    CommitmentFactory,
    InstitutionFactory,
    OrganisationFactory,
    ThemeFactory,
    batch,
)
from tests.resources import built_once

from .conftest import page_queries

pytestmark = pytest.mark.django_db


class Catalogue:
    """Grows a catalogue where every new record links to the same browse objects and to new
    ones: a deeper institution tree, more themes, categories and years."""

    def __init__(self):
        self.organisation = OrganisationFactory(slug="grown-organisation")
        self.body = InstitutionFactory(organisation=self.organisation, slug="grown-body")
        self.theme = ThemeFactory(slug="grown-theme")
        self.category = ActivityCategoryFactory(slug="grown-category")
        self.size = 0

    def grow_to(self, size):
        with batch():  # indexed once, when they are all written (tests/factories.py)
            self._grow_to(size)

    def _grow_to(self, size):
        parent = self.body
        for index in range(self.size, size):
            parent = InstitutionFactory(organisation=self.organisation, parent=parent)
            commitment = CommitmentFactory(
                adopting_body=self.body if index % 2 else parent,
                year=1950 + index,
                themes=[self.theme, ThemeFactory()],
            )
            CategoryAssignmentFactory(commitment=commitment, category=self.category)
            CategoryAssignmentFactory(commitment=commitment)
            CommitmentFactory(adopting_body=self.body, themes=[self.theme], draft=True)
        self.size = size


# Pinned counts; a change here means a page started running more (or fewer) queries. Pages
# with published counts include the one grouped query they come from (cached per version).
# Pages that list record titles read the terms publishers added to the thesaurus (titles show
# expanded abbreviations): one query per catalogue version, counted in their figure.
PAGES = {
    "institution_list": (lambda c: reverse("catalog:institution_list"), 2),
    "institution_detail": (lambda c: c.body.get_absolute_url(), 5),
    "organisation_detail": (lambda c: c.organisation.get_absolute_url(), 6),
    "theme_list": (lambda c: reverse("catalog:theme_list"), 2),
    "theme_detail": (lambda c: c.theme.get_absolute_url(), 3),
    "category_list": (lambda c: reverse("catalog:category_list"), 2),
    "category_detail": (lambda c: c.category.get_absolute_url(), 2),
    # The count, the page of documents with their bodies, the milestones, and the form's
    # three lists.
    "timeline": (lambda c: reverse("catalog:timeline"), 7),
    "timeline_by_theme": (lambda c: reverse("catalog:timeline") + "?theme=grown-theme", 9),
    # The categories, the column totals, the classified count, the count and the page of
    # commitments with their categories, and the form's two lists.
    "matrix": (lambda c: reverse("catalog:matrix"), 9),
    "matrix_by_theme": (lambda c: reverse("catalog:matrix") + "?theme=grown-theme", 11),
    "about": (lambda c: reverse("catalog:about"), 4),
    # The index: a count and a latest modification per section.
    "sitemap": (lambda c: "/sitemap.xml", 12),
    # One query: the records (listed per language) are read once, and counted in Python.
    "sitemap_commitments": (lambda c: "/sitemap-commitments.xml", 1),
}


def just_grown():
    """The cache as the growth left it: a write ends with a version step (tests/factories.py
    `batch`), which a page counted right after a growth finds."""
    caching.new_catalogue_version()


@pytest.fixture(scope="class")  # undone when the class below is done
def counts_with_five(django_db_setup, django_db_blocker):
    """The catalogue grown to 5 records, each page's count taken (from an empty cache, as a
    test starts), then grown to 50: once for the class, inside a transaction rolled back
    after it (like Django's `setUpTestData`)."""
    with built_once(django_db_blocker):
        catalogue = Catalogue()
        catalogue.grow_to(5)
        counts = {}
        for name, (url, _expected) in PAGES.items():
            cache.clear()  # as tests/conftest.py's empty_cache before each test
            if "fragments" in settings.CACHES:
                caches["fragments"].clear()
            translation.activate(settings.LANGUAGE_CODE)
            just_grown()
            counts[name] = page_queries(Client(), url(catalogue))
        translation.activate(settings.LANGUAGE_CODE)
        catalogue.grow_to(50)
        yield catalogue, counts


class TestPageQueryCountDoesNotGrowWithTheRecords:
    """Each page's queries with 5 records and with 50 (the catalogue is grown once for all
    the pages: `counts_with_five`), both the pinned count."""

    @pytest.mark.parametrize("name", PAGES)
    def test_page_query_count_does_not_grow_with_the_records(
        self, counts_with_five, count_queries, name
    ):
        catalogue, counts = counts_with_five
        url, expected = PAGES[name]
        assert Commitment.objects.count() == 100
        just_grown()  # the cache was emptied when this test began
        with_fifty = count_queries(url(catalogue))
        assert (counts[name], with_fifty) == (expected, expected)
