"""Compare side by side: only published records, every public field, differences marked."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CategoryAssignmentFactory,
    CommitmentFactory,
    CommitmentRelationFactory,
    InstitutionFactory,
    SourceFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("participation:compare")


def compare(client, *slugs):
    return client.get(URL, [("r", slug) for slug in slugs])


def row(html, label):
    """The text of the table row whose header starts with `label` (tags stripped)."""
    for match in re.finditer(r"<tr class=\"compare__row[^\"]*\">(.*?)</tr>", html, re.S):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()
        if text.startswith(label):
            return match.group(0), text
    return None, None


@pytest.fixture
def pair(db):
    body = InstitutionFactory(name="Ministerial Council", slug="mc")
    shared = ThemeFactory(name="Cyber security", slug="cyber")
    only_b = ThemeFactory(name="Youth", slug="youth")
    a = CommitmentFactory(
        slug="a",
        title="Decision A",
        symbol="MC.DEC/1/20",
        symbol_status="verified",
        adopting_body=body,
        year=2010,
        themes=[shared],
    )
    b = CommitmentFactory(
        slug="b",
        title="Decision B",
        symbol="MC.DEC/2/20",
        symbol_status="verified",
        adopting_body=body,
        year=2012,
        themes=[shared, only_b],
    )
    CategoryAssignmentFactory(commitment=a, category__name="Propaganda", note="Paragraph 3.")
    SourceFactory(commitment=a, url="https://www.osce.org/a", label="Text of A")
    CommitmentRelationFactory(source=b, target=a, kind="builds_on")
    return a, b


def test_two_records_side_by_side_with_differences_marked(client, pair):
    response = compare(client, "a", "b")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, follow">' in html
    tr, text = row(html, "Title")
    assert "compare__row--differs" in tr and text == "Title differs Decision A Decision B"
    tr, text = row(html, "Adopted by")
    assert "compare__row--differs" not in tr
    assert text == "Adopted by Ministerial Council Ministerial Council"
    tr, text = row(html, "Themes")
    assert (
        "compare__row--differs" in tr
        and text == "Themes differs Cyber security Cyber security Youth"
    )
    _, text = row(html, "Online-activity categories")
    assert (
        text == "Online-activity categories (with evidence) differs Propaganda Paragraph 3. — none"
    )
    # Relations both ways: B builds on A, so A is "built on by" B.
    _, text = row(html, "Related documents")
    assert (
        text == "Related documents (both ways) differs built on by: MC.DEC/2/20 Decision B "
        "builds on: MC.DEC/1/20 Decision A"
    )
    _, text = row(html, "Sources")
    assert text == "Sources differs Text of A — none"
    # Rows empty in both records are left out.
    assert row(html, "Meeting") == (None, None)


def test_order_of_records_follows_the_address(client, pair):
    html = compare(client, "b", "a").content.decode()
    assert html.index(">MC.DEC/2/20</a></th>") < html.index(">MC.DEC/1/20</a></th>")


@pytest.mark.parametrize("trait", ["draft", "in_review", "archived", "scheduled"])
def test_unpublished_slug_is_a_404_like_a_missing_one(client, pair, trait):
    CommitmentFactory(slug="zz-hidden", title="Secret draft title", **{trait: True})
    hidden = compare(client, "a", "zz-hidden")
    missing = compare(client, "a", "no-such-record")
    assert hidden.status_code == missing.status_code == 404
    html = hidden.content.decode()
    assert "Record not found" in html and "<code>zz-hidden</code>" in html
    assert "Secret draft title" not in html
    # The same page for both, apart from the slug echoed back.
    assert html.replace("zz-hidden", "X") == missing.content.decode().replace("no-such-record", "X")


def test_relations_to_unpublished_records_are_not_shown(client, pair):
    a, b = pair
    draft = CommitmentFactory(slug="d", title="Hidden draft", draft=True)
    CommitmentRelationFactory(source=a, target=draft, kind="references")
    html = compare(client, "a", "b").content.decode()
    assert "Hidden draft" not in html


@pytest.mark.parametrize("slugs", [(), ("a", "b", "c", "e"), ("",)])
def test_no_or_too_many_records_is_a_400(client, pair, slugs):
    for slug in ("c", "e"):
        CommitmentFactory(slug=slug)
    response = compare(client, *slugs)
    assert response.status_code == 400
    assert "Choose two or three records to compare" in response.content.decode()


def test_a_repeated_slug_counts_once(client, pair):
    response = compare(client, "a", "a")
    assert response.status_code == 200
    assert "Compare “Decision A” with another record" in response.content.decode()


def test_three_records(client, pair):
    CommitmentFactory(slug="c", title="Decision C")
    html = compare(client, "a", "b", "c").content.decode()
    _, text = row(html, "Title")
    assert text == "Title differs Decision A Decision B Decision C"


def test_one_record_offers_its_relations_and_its_body_to_pick_from(client, pair):
    a, b = pair
    CommitmentFactory(slug="other-body", title="Elsewhere")
    CommitmentFactory(
        slug="hidden", title="Draft same body", adopting_body=a.adopting_body, draft=True
    )
    response = compare(client, "a")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'name="r" value="([^"]+)"', html) == ["a", "b"]


def test_record_page_links_to_compare_with(client, pair):
    html = client.get(reverse("catalog:commitment_detail", args=["a"])).content.decode()
    assert f'href="{URL}?r=a"' in html


def test_catalogue_rows_carry_compare_checkboxes_in_a_get_form(client, pair):
    html = client.get(reverse("catalog:commitment_list")).content.decode()
    form = re.search(
        r'<form method="get" action="/en/compare/" class="compare-form"[^>]*>(.*?)</form>',
        html,
        re.S,
    )
    assert form
    assert re.findall(r'type="checkbox" name="r" value="([^"]+)"', form.group(1)) == ["b", "a"]
    assert "Compare selected" in form.group(1)


def queries(client, *slugs):
    with CaptureQueriesContext(connection) as context:
        response = compare(client, *slugs)
    assert response.status_code == 200
    return sum(1 for q in context.captured_queries if "SAVEPOINT" not in q["sql"].upper())


def test_query_count_is_fixed(client, pair):
    a, b = pair
    # Six, and the terms publishers added to the thesaurus (titles show expanded
    # abbreviations; read once per catalogue version, and the catalogue just changed).
    assert queries(client, "a", "b") == 7
    c = CommitmentFactory(slug="c", themes=[ThemeFactory(), ThemeFactory()])
    for kind in ("builds_on", "reaffirms", "endorses"):
        CategoryAssignmentFactory(commitment=c)
        SourceFactory(commitment=c)
        CommitmentRelationFactory(source=c, target=a, kind=kind)
    assert queries(client, "a", "b", "c") == 7
    # One record and the picker: the same six and one for the records of the same body (the
    # thesaurus is read already for this catalogue version).
    assert queries(client, "a") == 7


def test_compare_keeps_only_the_records_in_its_address(client, pair):
    response = client.get(
        reverse("participation:compare"), {"kind": "decision", "page": "2", "r": ["b", "a"]}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('participation:compare')}?r=b&r=a"
