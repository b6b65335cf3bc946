"""Compare side by side and suggest a correction in the browser, with and without JavaScript."""

import re

import pytest

from participation.models import Suggestion

from .conftest import require_chromium

require_chromium()
pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["js", "no-js"])
def any_page(request):
    """The test's page with JavaScript or without it (only that one browser context opened)."""
    return request.getfixturevalue("page" if request.param == "js" else "page_without_js")


def test_compare_from_the_catalogue(site, any_page):
    page = any_page
    page.goto(f"{site}/en/commitments/?kind=decision&body=ministerial-council")
    page.get_by_role("checkbox", name="Compare MC.DEC/4/16").check()
    page.get_by_role("checkbox", name="Compare MC.DEC/5/16").check()
    page.get_by_role("button", name="Compare selected").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare commitments")
    assert re.search(
        r"/en/compare/\?r=mc-dec-5-16&r=mc-dec-4-16$|/en/compare/\?r=mc-dec-4-16&r=mc-dec-5-16$",
        page.url,
    )
    expect(page.get_by_role("row", name=re.compile(r"^Title differs"))).to_be_visible()
    expect(page.get_by_role("columnheader", name="MC.DEC/4/16")).to_be_visible()


def test_compare_with_from_a_record_page(site, any_page):
    page = any_page
    page.goto(f"{site}/en/commitments/mc-dec-7-06/")
    page.get_by_role("link", name="Compare with…").click()
    expect(page.get_by_text("Compare “")).to_be_visible()
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.get_by_role("table")).to_be_visible()
    expect(page.get_by_role("columnheader", name="MC.DEC/7/06")).to_be_visible()


def test_a_missing_record_is_a_clear_not_found_page(site, any_page):
    response = any_page.goto(f"{site}/en/compare/?r=mc-dec-7-06&r=no-such-record")
    assert response.status == 404
    expect(any_page.get_by_role("heading", level=1)).to_have_text("Record not found")


def test_suggest_a_correction(site, any_page):
    page = any_page
    page.goto(f"{site}/en/commitments/mc-dec-7-06/")
    page.get_by_role("link", name="Suggest a correction").click()
    page.get_by_label("What is wrong").fill("The place of adoption is missing.")
    page.get_by_label("Source (web address)").fill("https://www.osce.org/mc/23078")
    page.get_by_label("Your e-mail address, for a reply (optional)").fill("reader@example.org")
    page.get_by_role("button", name="Send the suggestion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your suggestion was sent")
    suggestion = Suggestion.objects.get()
    assert suggestion.commitment.slug == "mc-dec-7-06"
    assert suggestion.email == "reader@example.org"


def test_a_refused_suggestion_says_why(site, any_page):
    page = any_page
    page.goto(f"{site}/en/suggest/")
    page.get_by_label("What is wrong").fill("A record is missing.")
    page.get_by_label("Source (web address)").fill("ftp://example.org/x")
    with page.expect_response(re.compile(r"/en/suggest/$")) as info:
        page.get_by_role("button", name="Send the suggestion").click()
    assert info.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Source (web address): Enter a valid URL.")
    assert Suggestion.objects.count() == 0


def test_subscribe_to_alerts_from_the_catalogue(site, any_page, settings):
    from participation.models import Subscription

    page = any_page
    page.goto(f"{site}/en/commitments/?kind=decision")
    page.get_by_role(
        "link", name="E-mail me when records matching these filters are published or changed"
    ).click()
    expect(page.get_by_text("Kind: Decision")).to_be_visible()
    page.get_by_label("Your e-mail address").fill("not-an-address")
    with page.expect_response(re.compile(r"/en/alerts/$")) as info:
        page.get_by_role("button", name="Subscribe").click()
    assert info.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("enter a valid e-mail address")
    page.get_by_label("Your e-mail address").fill("reader@example.org")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_text("Check your inbox")).to_be_visible()
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.query) == ("reader@example.org", "kind=decision")
