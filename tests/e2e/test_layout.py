"""The public pages read on a 320 px wide phone without sideways scrolling."""

import pytest

from .conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.e2e

PAGES = [
    "/",
    "/commitments/",
    "/commitments/?kind=foo&year_from=2015&year_to=2010",
    "/commitments/pc-dec-1063/",
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
