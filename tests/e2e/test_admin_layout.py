"""The admin at 1280 px: the commitment change form without sideways scrolling, the whole
title visible, the change list's status column in full, import errors readable in place."""

import pytest
import tablib

from catalog.models import Commitment
from tests.conftest import make_staff

from .conftest import open_page, require_chromium, signed_in_page

require_chromium()
pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.e2e

WIDTH = 1280
PASSWORD = "a-long-test-password-for-the-browser"


@pytest.fixture
def admin_page(site, browser, django_user_model):
    user = make_staff(django_user_model, "paul", "Publisher")
    page = signed_in_page(browser, site, user, viewport={"width": WIDTH, "height": 900})
    yield page
    page.context.close()


def assert_fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = []
    if width > WIDTH:  # name the culprits in the failure
        wide = page.evaluate(
            """width => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > width)
              .slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' '
              + Math.round(e.getBoundingClientRect().right))""",
            WIDTH,
        )
    assert width <= WIDTH, wide


@pytest.mark.parametrize("status", ["draft", "published"])
def test_the_change_form_fits_1280_pixels_and_shows_the_whole_title(site, admin_page, status):
    record = max(Commitment.objects.filter(status=status), key=lambda c: len(c.title))
    admin_page.goto(f"{site}/admin/catalog/commitment/{record.pk}/change/")

    assert_fits(admin_page)
    title = admin_page.locator("#id_title")
    fits = title.evaluate(
        "el => [el.scrollWidth <= el.clientWidth, el.scrollHeight <= el.clientHeight + 1]"
    )
    assert fits == [True, True]
    assert title.input_value() == record.title


def test_the_change_list_shows_the_status_column_in_full(site, admin_page):
    admin_page.goto(f"{site}/admin/catalog/commitment/")

    assert_fits(admin_page)
    cells = admin_page.locator("td.field-workflow_status")
    assert cells.count() > 0
    clipped = cells.evaluate_all(
        "cells => cells.filter(c => c.scrollWidth > c.clientWidth"
        " || c.getBoundingClientRect().right > window.innerWidth).length"
    )
    assert clipped == 0


def test_import_errors_are_readable_without_hovering(site, admin_page, tmp_path):
    headers = ["slug", "title", "kind", "organisation", "adopting_body", "year", "summary"]
    rows = [("bad-row", "A title", "decision", "osce", "NOPE", "not a year", "Summary.")]
    upload = tmp_path / "bad.csv"
    upload.write_text(tablib.Dataset(*rows, headers=headers).csv)
    admin_page.goto(f"{site}/admin/catalog/commitment/import/")
    admin_page.set_input_files("#id_import_file", str(upload))
    admin_page.select_option("#id_format", "0")
    admin_page.click("form input[type=submit].default")

    admin_page.wait_for_selector("table.import-preview")

    message = admin_page.get_by_text("No institution is called “NOPE”").first
    assert message.is_visible()
    shown = message.evaluate(
        "el => { const box = getComputedStyle(el.closest('.validation-error-container'));"
        " return [box.opacity, box.position]; }"
    )
    assert shown == ["1", "static"]  # in place, not a tooltip that needs hovering
    box = message.bounding_box()
    assert box["width"] > 0 and box["x"] + box["width"] <= WIDTH
    assert_fits(admin_page)


def log_in(browser, site, username, group_name, django_user_model):
    """A page signed in through the log-in form, as the user would; close its context."""
    make_staff(django_user_model, username, group_name, password=PASSWORD)
    page = open_page(browser, viewport={"width": WIDTH, "height": 900})
    page.goto(site + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(site + "/admin/")
    return page


def test_a_published_record_is_corrected_through_review_while_its_page_stays_live(
    site, browser, django_user_model
):
    record = Commitment.objects.published().first()
    visitor = browser.new_page()
    editor = log_in(browser, site, "erin", "Editor", django_user_model)
    editor.goto(f"{site}/admin/catalog/commitment/{record.pk}/change/")
    editor.fill("#id_title", "A corrected official title")
    editor.click("input[name=_save]")
    editor.wait_for_selector(".messagelist")
    assert "Saved as pending changes" in editor.inner_text(".messagelist")
    visitor.goto(site + record.get_absolute_url())
    assert visitor.inner_text("h1") == record.title

    editor.goto(f"{site}/admin/catalog/commitment/{record.pk}/change/")
    editor.click("button[value=submit]")
    editor.wait_for_selector(".messagelist")
    editor.context.close()

    publisher = log_in(browser, site, "paul", "Publisher", django_user_model)
    assert "Changes to published records awaiting review (1)" in publisher.inner_text("#content")
    publisher.goto(f"{site}/admin/catalog/commitment/{record.pk}/change/")
    publisher.click("button[value=approve]")
    publisher.wait_for_selector(".messagelist")
    publisher.context.close()

    visitor.goto(site + record.get_absolute_url())
    assert visitor.inner_text("h1") == "A corrected official title"
    visitor.close()
