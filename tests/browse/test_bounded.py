"""No browse page renders an unbounded number of records: the matrix and the timeline are
paged, theme, category, organisation and institution pages list the newest few and link to the
catalogue for the rest, and the sitemap is an index of sections of bounded size."""

import re

import pytest
from django.urls import reverse

from catalog import sitemaps
from catalog.views import browse
from tests.factories import (
    ActivityCategoryFactory,
    CategoryAssignmentFactory,
    CommitmentFactory,
    InstitutionFactory,
    ThemeFactory,
)
from tests.sitemap import whole_sitemap

pytestmark = pytest.mark.django_db


def test_the_bounds_are_those_documented():
    assert (browse.BROWSE_LIST_LENGTH, browse.MATRIX_PAGE_SIZE, browse.TIMELINE_PAGE_SIZE) == (
        50,
        100,
        200,
    )
    assert sitemaps.SITEMAP_LIMIT == 10_000


@pytest.fixture
def five(db):
    """Five published records of one body, theme and category, years 2001–2005."""
    body = InstitutionFactory(slug="the-body")
    theme = ThemeFactory(slug="the-theme")
    category = ActivityCategoryFactory(slug="the-category", name="The category")
    records = []
    for year in range(2001, 2006):
        record = CommitmentFactory(
            title=f"Record of {year}",
            slug=f"record-{year}",
            year=year,
            adopting_body=body,
            themes=[theme],
        )
        CategoryAssignmentFactory(commitment=record, category=category)
        records.append(record)
    return {"body": body, "theme": theme, "category": category, "records": records}


def titles(html, pattern=r"Record of (\d{4})"):
    return [int(year) for year in re.findall(pattern, html)]


def test_the_matrix_shows_one_page_of_rows_and_totals_over_all(client, five, monkeypatch):
    monkeypatch.setattr(browse, "MATRIX_PAGE_SIZE", 2)
    first = client.get(reverse("catalog:matrix")).content.decode()
    rows = re.findall(r'<th scope="row" class="matrix-commitment">.*?Record of (\d{4})', first)
    assert rows == ["2005", "2004"]
    assert "5 published commitments" in first
    assert "Rows 1–2 are shown on this page; the totals count them all." in first
    assert "</span>5</a>" in first  # the category's total covers the five
    assert 'href="?page=2" rel="next"' in first

    last = client.get(reverse("catalog:matrix"), {"page": 3}).content.decode()
    assert re.findall(r'class="matrix-commitment">.*?Record of (\d{4})', last) == ["2001"]
    assert client.get(reverse("catalog:matrix"), {"page": 4}).status_code == 404
    assert client.get(reverse("catalog:matrix"), {"page": "x"}).status_code == 404


def test_the_matrix_pages_keep_the_filters(client, five, monkeypatch):
    monkeypatch.setattr(browse, "MATRIX_PAGE_SIZE", 2)
    html = client.get(reverse("catalog:matrix"), {"theme": "the-theme"}).content.decode()
    assert 'href="?theme=the-theme&amp;page=2" rel="next"' in html


def test_the_timeline_shows_one_page_of_documents_oldest_first(client, five, monkeypatch):
    monkeypatch.setattr(browse, "TIMELINE_PAGE_SIZE", 3)
    first = client.get(reverse("catalog:timeline")).content.decode()
    table = first.split('<table class="data-table chronology-table">')[1]
    assert titles(table) == [2001, 2002, 2003]
    assert "5 published commitments" in first
    assert "Documents 1–3, oldest first, are shown on this page." in first
    second = client.get(reverse("catalog:timeline"), {"page": 2}).content.decode()
    assert titles(second.split('<table class="data-table chronology-table">')[1]) == [2004, 2005]
    assert client.get(reverse("catalog:timeline"), {"page": 3}).status_code == 404


@pytest.mark.parametrize(
    ("page", "catalogue"),
    [
        (lambda f: f["theme"].get_absolute_url(), "/commitments/?theme=the-theme"),
        (lambda f: f["category"].get_absolute_url(), "/commitments/?category=the-category"),
        (lambda f: f["body"].get_absolute_url(), "/commitments/?body=the-body"),
        (
            lambda f: f["body"].organisation.get_absolute_url(),
            "/commitments/?organisation=",
        ),
    ],
    ids=["theme", "category", "institution", "organisation"],
)
def test_browse_pages_list_the_newest_and_link_to_the_rest(
    client, five, monkeypatch, page, catalogue
):
    monkeypatch.setattr(browse, "BROWSE_LIST_LENGTH", 3)
    html = client.get(page(five)).content.decode()
    listed = html.split('aria-labelledby="commitments-heading"')[1]
    assert titles(listed) == [2005, 2004, 2003]
    assert "The newest 3 of 5 published commitments are listed here." in html
    assert f'<a href="{catalogue}' in html.split("The newest 3 of 5")[1]


def test_a_browse_page_within_the_bound_says_nothing_more(client, five):
    html = client.get(five["theme"].get_absolute_url()).content.decode()
    assert titles(html.split('aria-labelledby="commitments-heading"')[1]) == [
        2005,
        2004,
        2003,
        2002,
        2001,
    ]
    assert "are listed here" not in html


def test_the_sitemap_is_an_index_of_bounded_sections(client, five, monkeypatch):
    monkeypatch.setattr(sitemaps.CommitmentSitemap, "limit", 2)
    index = client.get("/sitemap.xml").content.decode()
    assert "<sitemapindex" in index
    commitment_pages = re.findall(
        r"<loc>http://testserver(/sitemap-commitments\.xml[^<]*)</loc>", index
    )
    assert commitment_pages == [
        "/sitemap-commitments.xml",
        "/sitemap-commitments.xml?p=2",
        "/sitemap-commitments.xml?p=3",
    ]
    sizes = [
        client.get("/sitemap-commitments.xml", {"p": p}).content.decode().count("<url>")
        for p in (1, 2, 3)
    ]
    assert sizes == [2, 2, 1]
    everything = whole_sitemap(client)
    for record in five["records"]:
        assert everything.count(f"{record.get_absolute_url()}</loc>") == 1
