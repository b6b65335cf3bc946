"""axe-core finds no serious or critical accessibility violation on any page type."""

import pytest

from .conftest import require_chromium

require_chromium()
pytest.importorskip("axe_playwright_python")

from axe_playwright_python.sync_playwright import Axe  # noqa: E402

pytestmark = pytest.mark.e2e


@pytest.fixture
def site(seeded_site):
    """These tests only read: the seed catalogue is loaded once for the module."""
    return seeded_site


PAGES = {
    "home": "/",
    "catalogue": "/commitments/?theme=terrorist-use-of-internet&year_from=2010",
    "empty catalogue": "/commitments/?search=no+such+words",
    "search results": "/commitments/?search=terrorist+financing",
    "invalid filters": "/commitments/?kind=foo&year_from=abc",
    "commitment": "/commitments/pc-dec-1063/",
    "institution list": "/institutions/",
    "institution": "/institutions/ministerial-council/",
    "institution with sub-bodies": "/institutions/osce-secretariat/",
    "theme list": "/themes/",
    "theme": "/themes/terrorist-use-of-internet/",
    "category list": "/categories/",
    "category": "/categories/radicalization/",
    "organisation": "/organisations/osce/",
    "timeline": "/timeline/",
    "filtered timeline": "/timeline/?theme=cyber-ict-security",
    "matrix": "/matrix/",
    "filtered matrix": "/matrix/?classified=on&body=ministerial-council",
    "about": "/about/",
    "compare": "/compare/?r=mc-dec-4-16&r=mc-dec-5-16&r=pc-dec-1063",
    "compare with": "/compare/?r=mc-dec-7-06",
    "suggest a correction": "/commitments/mc-dec-7-06/suggest/",
    "changes to a record": "/commitments/mc-dec-7-06/changes/",
    "e-mail alerts": "/alerts/?theme=cyber-ict-security",
    "not found": "/no-such-page/",
}
# Dark mode changes only colours: scan the page types with the most colour variety.
DARK_PAGES = [
    "home",
    "catalogue",
    "search results",
    "invalid filters",
    "commitment",
    "institution list",
    "timeline",
    "matrix",
]
BLOCKING = {"serious", "critical"}


def violations(page, url):
    page.goto(url)
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


def scan(browser, site, scheme, names):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    found = {name: violations(page, site + PAGES[name]) for name in names}
    context.close()
    return {name: problems for name, problems in found.items() if problems}


def test_no_serious_or_critical_violations_on_any_page_type(site, browser):
    assert scan(browser, site, "light", PAGES) == {}


def test_no_serious_or_critical_violations_in_dark_mode(site, browser):
    assert scan(browser, site, "dark", DARK_PAGES) == {}
