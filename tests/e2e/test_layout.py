"""The public pages read on a 320 px wide phone without sideways scrolling."""

import pytest

from catalog.models import Commitment

from .conftest import require_chromium

require_chromium()
pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.e2e


@pytest.fixture
def site(seeded_site):
    """These tests only read: the seed catalogue is loaded once for the module."""
    return seeded_site


PAGES = [
    "/en/",
    "/en/commitments/",
    "/en/commitments/?kind=foo&year_from=2015&year_to=2010",
    "/en/commitments/pc-dec-1063/",
    "/en/institutions/",
    "/en/institutions/osce-secretariat/",
    "/en/timeline/",
    "/en/matrix/",
    "/api/v1/docs/",
]


def test_pages_fit_a_320_pixel_screen(site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    widths = {}
    for path in PAGES:
        page.goto(site + path)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert widths == dict.fromkeys(PAGES, 320)


def test_matrix_fits_1280_pixels_and_keeps_its_column_headers_in_view(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site + "/en/matrix/")
    assert page.evaluate("document.documentElement.scrollWidth") == 1280
    table = page.locator("table.matrix").bounding_box()
    assert table["x"] + table["width"] <= 1280
    page.mouse.wheel(0, 2000)
    # Polled from here: a page-side wait_for_function would evaluate a string, which the
    # strict CSP (no unsafe-eval) refuses.
    for _ in range(50):
        if page.evaluate("() => window.scrollY") > 1500:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("() => window.scrollY") > 1500
    header = page.locator("table.matrix thead th").first.bounding_box()
    assert 0 <= header["y"] <= 2  # stuck to the top of the viewport
    context.close()


def test_matrix_becomes_one_list_per_category_at_375_pixels(site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 667})
    page = context.new_page()
    page.goto(site + "/en/matrix/")
    assert page.evaluate("document.documentElement.scrollWidth") == 375
    assert not page.locator("table.matrix").is_visible()
    financing = page.locator("#list-financing")
    assert financing.is_visible()
    section = page.locator(".matrix-lists section").filter(has=financing)
    financed = Commitment.objects.published().filter(activity_categories__slug="financing")
    assert section.locator(".matrix-list li").count() == financed.distinct().count() > 0
    context.close()


def test_timeline_is_a_chart_on_wide_screens_and_a_table_at_375_pixels(site, browser):
    wide = browser.new_context(viewport={"width": 1280, "height": 800})
    page = wide.new_page()
    page.goto(site + "/en/timeline/")
    chart = page.locator("svg.chronology-chart")
    assert chart.is_visible()
    assert chart.bounding_box()["width"] > 1000
    # Dots link to the records.
    page.locator('svg.chronology-chart a[href="/en/commitments/mc-dec-7-06/"]').click()
    assert page.url.endswith("/en/commitments/mc-dec-7-06/")
    wide.close()
    narrow = browser.new_context(viewport={"width": 375, "height": 667})
    page = narrow.new_page()
    page.goto(site + "/en/timeline/?theme=cyber-ict-security")
    assert page.evaluate("document.documentElement.scrollWidth") == 375
    assert not page.locator("svg.chronology-chart").is_visible()
    assert page.locator("table.chronology-table").is_visible()
    assert page.locator(
        'table.chronology-table a[href="/en/commitments/pc-dec-1106/"]'
    ).is_visible()
    narrow.close()
