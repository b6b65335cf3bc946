import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ActivityCategoryFactory,
    CategoryAssignmentFactory,
    CommitmentFactory,
    InstitutionFactory,
    ThemeFactory,
)

HIDDEN_TRAITS = ["draft", "in_review", "archived", "scheduled"]
HIDDEN_YEAR = 1999


@pytest.fixture
def count_queries(client):
    """Number of queries a GET of `url` runs (the response must be a 200)."""
    return lambda url: page_queries(client, url)


def page_queries(client, url):
    """Number of queries `client`'s GET of `url` runs (the response must be a 200).

    Savepoints opened by ATOMIC_REQUESTS are not queries of the page and are left out.
    """
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return sum(
        1
        for query in context.captured_queries
        if not query["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    )


@pytest.fixture
def linked(db):
    """A body, theme and category, each with one published commitment."""
    body = InstitutionFactory(name="Forum of the Test", acronym="FT", slug="forum-of-the-test")
    theme = ThemeFactory(name="Shared theme", slug="shared-theme")
    category = ActivityCategoryFactory(name="Shared category", slug="shared-category")
    public = CommitmentFactory(
        title="Public decision on the shared theme",
        slug="public-decision",
        adopting_body=body,
        year=2020,
        themes=[theme],
    )
    CategoryAssignmentFactory(commitment=public, category=category)
    return {"body": body, "theme": theme, "category": category, "public": public}


@pytest.fixture
def hidden(linked):
    """One draft, in-review, archived and scheduled commitment, linked like the public one."""
    records = []
    for trait in HIDDEN_TRAITS:
        record = CommitmentFactory(
            title=f"Hidden {trait} decision",
            slug=f"hidden-{trait.replace('_', '-')}",
            adopting_body=linked["body"],
            year=HIDDEN_YEAR,
            themes=[linked["theme"]],
            **{trait: True},
        )
        CategoryAssignmentFactory(commitment=record, category=linked["category"])
        records.append(record)
    return records
