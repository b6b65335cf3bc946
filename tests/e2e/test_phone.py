"""Phones first: at 375 px the first catalogue result and a record's key facts are on the
first screen, with and without JavaScript; wide screens show the filters unfolded.

Measured positions (document y of the element's top, 375 × 667 viewport, seed catalogue):
before this layout the first result started at 2,798 px and MC.DEC/7/06's key facts at
3,274 px (PC.DEC/1063's at 4,064 px), below the filters and the long text. Now: the first
result at 399 px (512 px with two filter chips), the key facts at 555 px (PC.DEC/1063: 521 px).
The bounds below pin that with a margin for font differences between machines.
"""

import re

import pytest
from django.urls import reverse

from .conftest import fresh, open_page, require_chromium

require_chromium()
pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.e2e


@pytest.fixture
def site(seeded_site):
    """These tests only read: the seed catalogue is loaded once for the module."""
    return seeded_site


PHONE = {"width": 375, "height": 667}
CATALOGUE = reverse("catalog:commitment_list")
FIRST_RESULT_MAX_Y = 450
KEY_FACTS_MAX_Y = 600

TOP = (
    "(selector) => Math.round("
    "document.querySelector(selector).getBoundingClientRect().top + scrollY)"
)


@pytest.fixture(scope="module", params=[True, False], ids=["with-js", "without-js"])
def phone_page(request, browser):
    """One phone-sized page for the module's tests, with JavaScript and without (a context
    and page per test: 27-30 s of CPU for the module, Chromium's included, against 20-22 s)."""
    page = open_page(browser, viewport=PHONE, java_script_enabled=request.param)
    yield page
    page.context.close()


@pytest.fixture
def phone(phone_page):
    """The module's phone page; each test leaves it as a new page for the next (`fresh`)."""
    yield phone_page
    fresh(phone_page)


def test_first_catalogue_result_is_on_the_first_screen(site, phone):
    phone.goto(f"{site}/en/commitments/")
    first = phone.evaluate(TOP, ".commitment-list .commitment-row")
    assert first <= FIRST_RESULT_MAX_Y
    expect(phone.locator(".commitment-row").first.get_by_role("link")).to_be_in_viewport()
    # The filters are folded behind one control.
    expect(phone.locator("#filters").get_by_role("checkbox").first).to_be_hidden()


def test_folded_filters_say_how_many_are_active_and_chips_stay_visible(site, phone):
    phone.goto(f"{site}/en/commitments/?theme=terrorist-use-of-internet&year_from=2010")
    toggle = phone.locator("summary.filters-panel__toggle")
    expect(toggle).to_have_text(re.compile(r"Filters\s+2 active"))
    chip = phone.get_by_role("link", name=re.compile("^Theme: Countering the use"))
    expect(chip).to_be_in_viewport()
    first = phone.evaluate(TOP, ".commitment-list .commitment-row")
    assert first <= FIRST_RESULT_MAX_Y + 120  # two chips, one of them on two lines
    expect(phone.locator(".commitment-row").first.get_by_role("link")).to_be_in_viewport()


def test_folded_filters_open_and_apply(site, phone):
    phone.goto(site + CATALOGUE)
    phone.locator("summary.filters-panel__toggle").click()
    theme = phone.get_by_role("checkbox", name=re.compile("^Youth"))
    expect(theme).to_be_visible()
    theme.check()
    # A tick waits for the apply step on a phone (with or without JavaScript): no reload
    # that would leave the reader deep in the open panel.
    phone.wait_for_timeout(300)
    assert phone.url == site + CATALOGUE
    apply = phone.get_by_role("button", name="Apply filters")
    expect(apply).to_be_in_viewport()  # kept in view at the bottom of the open panel
    with phone.expect_navigation():
        apply.click()
    # Empty fields never reach the address (dropped by the script or by a redirect); the page
    # opens at the results, their count in view.
    phone.wait_for_url(re.compile(r"theme=youth(#results)?$"))
    assert phone.url.startswith(f"{site}{CATALOGUE}?theme=youth")
    expect(phone.locator("#results-heading")).to_be_in_viewport()
    expect(phone.locator(".commitment-row").first.get_by_role("link")).to_be_in_viewport()
    expect(phone.locator("summary.filters-panel__toggle")).to_have_text(re.compile("1 active"))


def test_compare_selected_is_on_the_first_screen_of_a_search(site, phone):
    phone.goto(f"{site}{CATALOGUE}?search=terrorism")
    expect(phone.locator(".commitment-row").first.get_by_role("link")).to_be_in_viewport()
    expect(phone.get_by_role("button", name="Compare selected").first).to_be_in_viewport()


def test_ticks_are_kept_across_pages_and_compared(site, phone):
    phone.goto(site + CATALOGUE)
    phone.locator(".commitment-row input[name=r]").first.check()
    scripted = phone.evaluate("document.documentElement.classList.contains('js')")
    if not scripted:  # without JavaScript the ticks go into the address with "Keep ticks"
        with phone.expect_navigation():
            phone.get_by_role("button", name="Keep ticks").click()
        expect(phone.locator("[data-selected-count]")).to_contain_text("1 record ticked")
    with phone.expect_navigation():
        phone.locator(".pagination").get_by_role("link", name="Next →").click()
    assert "r=" in phone.url and "page=2" in phone.url
    phone.locator(".commitment-row input[name=r]").first.check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Compare selected").first.click()
    assert phone.url.startswith(site + reverse("participation:compare"))
    assert phone.locator(".compare-records li").count() == 2
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]


def test_compare_of_three_records_fits_a_phone(site, phone):
    phone.goto(
        f"{site}{reverse('participation:compare')}?r=mc-dec-7-06&r=pc-dec-1039&r=porto-charter-2002"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(phone.locator(".compare-records")).to_be_visible()
    first_cell = phone.locator(".compare tbody td").first
    assert "MC.DEC/7/06" in first_cell.evaluate("el => getComputedStyle(el, '::before').content")


@pytest.mark.parametrize("slug", ["mc-dec-7-06", "pc-dec-1063"])
def test_record_key_facts_come_before_the_long_text(site, phone, slug):
    phone.goto(f"{site}/en/commitments/{slug}/")
    facts = phone.evaluate(TOP, "#facts-heading")
    summary = phone.evaluate(TOP, "#summary-heading")
    assert facts <= KEY_FACTS_MAX_Y
    assert facts < summary
    expect(phone.locator(".record__facts dt").first).to_be_in_viewport()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_wide_screens_show_the_filters_unfolded(site, browser, javascript):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(f"{site}/en/commitments/")
    expect(page.get_by_role("checkbox", name=re.compile("^Youth"))).to_be_visible()
    expect(page.locator("summary.filters-panel__toggle")).to_be_hidden()
    # Key facts sit beside the text, to the right.
    page.goto(f"{site}/en/commitments/mc-dec-7-06/")
    facts = page.locator(".record__facts").bounding_box()
    text = page.locator(".record__main").bounding_box()
    assert facts["x"] > text["x"] + text["width"] - 1
    assert abs(facts["y"] - text["y"]) < 5
    context.close()


def test_forms_send_no_empty_parameters_with_javascript(site, page):
    page.goto(f"{site}/en/commitments/")
    with page.expect_request(lambda request: "/en/commitments/?" in request.url) as first:
        page.get_by_role("checkbox", name=re.compile("^Youth")).check()
    assert first.value.url.endswith("/en/commitments/?theme=youth")
    # The next address only once that page has loaded: a goto while the form's navigation is
    # in flight interrupts one of them.
    page.wait_for_url(f"{site}/en/commitments/?theme=youth")
    page.goto(f"{site}/en/timeline/")
    page.get_by_label("Theme").select_option("youth")
    with page.expect_request(lambda request: "/en/timeline/?" in request.url) as second:
        page.get_by_role("button", name="Show").click()
    assert second.value.url.endswith("/en/timeline/?theme=youth")
