"""axe-core finds no accessibility violation of any impact (minor to critical) on any page."""

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
    "home": "/en/",
    "catalogue": "/en/commitments/?theme=terrorist-use-of-internet&year_from=2010",
    "empty catalogue": "/en/commitments/?search=no+such+words",
    "search results": "/en/commitments/?search=terrorist+financing",
    "invalid filters": "/en/commitments/?kind=foo&year_from=abc",
    "commitment": "/en/commitments/pc-dec-1063/",
    "institution list": "/en/institutions/",
    "institution": "/en/institutions/ministerial-council/",
    "institution with sub-bodies": "/en/institutions/osce-secretariat/",
    "theme list": "/en/themes/",
    "theme": "/en/themes/terrorist-use-of-internet/",
    "category list": "/en/categories/",
    "category": "/en/categories/radicalization/",
    "organisation": "/en/organisations/osce/",
    "timeline": "/en/timeline/",
    "filtered timeline": "/en/timeline/?theme=cyber-ict-security",
    "matrix": "/en/matrix/",
    "filtered matrix": "/en/matrix/?classified=on&body=ministerial-council",
    "about": "/en/about/",
    "compare": "/en/compare/?r=mc-dec-4-16&r=mc-dec-5-16&r=pc-dec-1063",
    "compare with": "/en/compare/?r=mc-dec-7-06",
    "suggest a correction": "/en/commitments/mc-dec-7-06/suggest/",
    "changes to a record": "/en/commitments/mc-dec-7-06/changes/",
    "e-mail alerts": "/en/alerts/?theme=cyber-ict-security",
    "not found": "/no-such-page/",
    "API guide": "/api/v1/docs/",
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


def violations(page, url):
    page.goto(url)
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
    ]


# One test per page (not one sweep of every page): the pages are shared out among the test
# processes instead of one process spending 15-25 s on a sweep while the others wait for it.
@pytest.mark.parametrize("name", PAGES)
def test_no_violations_on_any_page_type(site, scan_page, name):
    scan_page.emulate_media(color_scheme="light")
    assert violations(scan_page, site + PAGES[name]) == []


@pytest.mark.parametrize("name", DARK_PAGES)
def test_no_violations_in_dark_mode(site, scan_page, name):
    scan_page.emulate_media(color_scheme="dark")
    assert scan_page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") is True
    assert violations(scan_page, site + PAGES[name]) == []
