"""A visitor's journey through the catalogue, with and without JavaScript."""

import csv
import io
import re

import pytest

from .conftest import require_chromium

require_chromium()
pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.e2e


@pytest.fixture
def site(seeded_site):
    """These tests only read: the seed catalogue is loaded once for the module."""
    return seeded_site


THEME = re.compile(r"^Countering the use of the internet for terrorist purposes")
RECORD = "Decision No. 1063: OSCE Consolidated Framework for the Fight against Terrorism"
RELATED = "Bucharest Plan of Action for Combating Terrorism"


def filter_by_theme_and_years(page, site, javascript):
    page.goto(f"{site}/en/commitments/")
    theme = page.get_by_role("checkbox", name=THEME)
    if javascript:
        # The filters apply as soon as a box is ticked.
        with page.expect_navigation():
            theme.check()
        # Keyboard users keep their place after the reload.
        expect(page.get_by_role("checkbox", name=THEME)).to_be_focused()
    else:
        theme.check()
    page.locator("#id_year_from").fill("2010")
    page.locator("#id_year_to").fill("2013")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name=re.compile(r"^2 commitments"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Theme: Countering the use"))).to_be_visible()
    return page.url


def open_record_and_follow_a_relation(page):
    page.get_by_role("link", name=RECORD).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(RECORD)
    expect(page.get_by_role("heading", name="Builds on")).to_be_visible()
    page.get_by_role("link", name=RELATED).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(RELATED)
    # The relation reads the other way round on the related record.
    expect(page.get_by_role("heading", name="Built on by")).to_be_visible()
    expect(page.get_by_role("link", name=RECORD)).to_be_visible()


def download_csv(page, url):
    page.goto(url)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "osce-commitments.csv"
    with open(download.path(), encoding="utf-8-sig") as handle:
        return list(csv.DictReader(io.StringIO(handle.read())))


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_visitor_filters_opens_a_record_follows_a_relation_and_downloads_csv(
    request, site, javascript
):
    page = request.getfixturevalue("page" if javascript else "page_without_js")
    filtered = filter_by_theme_and_years(page, site, javascript)
    assert "theme=terrorist-use-of-internet" in filtered
    assert "year_from=2010" in filtered
    open_record_and_follow_a_relation(page)
    rows = download_csv(page, filtered)
    assert sorted(row["symbol"] for row in rows) == ["PC.DEC/1063", "PC.DEC/1106"]
