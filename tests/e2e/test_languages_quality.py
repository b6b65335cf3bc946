"""The quality bars hold in other languages: axe finds no violation (of any impact) and the
Nu HTML Checker no error on every page type in French and Russian, and at 375 px the German
and Russian pages (the longest words and labels) neither scroll sideways nor clip a button."""

import pytest

from .conftest import require_chromium

require_chromium()
pytest.importorskip("axe_playwright_python")

from .test_accessibility import PAGES, violations  # noqa: E402
from .test_html_validity import fetch, nu_errors  # noqa: E402
from .test_layout import PAGES as LAYOUT_PAGES  # noqa: E402

pytestmark = pytest.mark.e2e


@pytest.fixture
def site(seeded_site):
    return seeded_site


def in_language(path, code):
    """The same page in another language (the API guide takes ?lang=)."""
    if path.startswith("/en/"):
        return f"/{code}/{path.removeprefix('/en/')}"
    if path.startswith("/api/"):
        return f"{path}{'&' if '?' in path else '?'}lang={code}"
    return path


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("code", ["fr", "ru"])
def test_no_violations_in_french_and_russian(site, scan_page, code, name):
    assert violations(scan_page, site + in_language(PAGES[name], code)) == []


def test_every_page_type_is_valid_html_in_french_and_russian(site, tmp_path):
    files = {}
    for code in ("fr", "ru"):
        for name, path in PAGES.items():
            target = tmp_path / f"{code}-{len(files)}.html"
            target.write_bytes(fetch(site + in_language(path, code)))
            files[str(target)] = f"{name} ({code})"
    assert nu_errors(files) == []


# Every control whose text could be cut: buttons, submit inputs, the links styled as buttons.
CLIPPED = """() => [...document.querySelectorAll('button, input[type=submit], a.button')]
  .filter(element => element.offsetParent !== null)
  .filter(element => element.scrollWidth > element.clientWidth + 1)
  .map(element => element.textContent.trim() || element.value)"""


@pytest.mark.parametrize("code", ["de", "ru"])
def test_phone_layout_holds_with_german_and_russian_text(site, browser, code):
    context = browser.new_context(viewport={"width": 375, "height": 667})
    page = context.new_page()
    widths, clipped = {}, {}
    for path in LAYOUT_PAGES:
        address = in_language(path, code)
        page.goto(site + address)
        widths[address] = page.evaluate("document.documentElement.scrollWidth")
        if found := page.evaluate(CLIPPED):
            clipped[address] = found
    context.close()
    assert widths == dict.fromkeys(widths, 375)
    assert clipped == {}
