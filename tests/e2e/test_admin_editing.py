"""The editorial admin as an editor meets it in Chromium: the change list's buttons clicked,
"OSCE Portal" branding, date fields without a server-time notice."""

import pytest
from django.urls import reverse

from tests.conftest import make_staff
from tests.factories import CommitmentFactory

from .conftest import require_chromium, signed_in_page

require_chromium()
pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.e2e


@pytest.fixture
def publisher_page(live_server, transactional_db, browser, django_user_model):
    """A publisher logged in, in a browser whose clock is on UTC (the portal's is Vienna)."""
    user = make_staff(django_user_model, "paula", "Publisher")
    page = signed_in_page(
        browser, live_server.url, user, viewport={"width": 1280, "height": 900}, timezone_id="UTC"
    )
    yield page
    page.context.close()


@pytest.mark.parametrize(
    ("button", "landing"),
    [
        ("Import", "File to import"),
        ("Export", "Format"),
        ("Recover deleted commitments", "Choose a date from the list below to recover"),
    ],
)
def test_the_commitment_list_buttons_lead_to_their_pages(
    live_server, publisher_page, button, landing
):
    CommitmentFactory()
    publisher_page.goto(live_server.url + reverse("admin:catalog_commitment_changelist"))
    publisher_page.locator(".object-tools").get_by_role("link", name=button).click()
    publisher_page.wait_for_load_state()
    assert landing in publisher_page.inner_text("#content")


def test_the_admin_is_branded_osce_portal(live_server, publisher_page):
    publisher_page.goto(live_server.url + reverse("admin:index"))
    assert publisher_page.inner_text("#site-name") == "OSCE Portal editing"
    assert "Django administration" not in publisher_page.content()


def test_date_fields_show_no_server_time_notice(live_server, publisher_page):
    record = CommitmentFactory(draft=True)
    publisher_page.goto(
        live_server.url + reverse("admin:catalog_commitment_change", args=[record.pk])
    )
    publisher_page.wait_for_load_state("load")
    # The calendar and clock shortcuts are there; the relative notice is not.
    assert publisher_page.locator(".datetimeshortcuts").count() > 0
    assert publisher_page.locator(".timezonewarning").count() == 0
    assert "behind server time" not in publisher_page.inner_text("#content")
    assert "Times are in the portal's time zone, Europe/Vienna." in publisher_page.inner_text(
        ".field-publish_at"
    )


def test_object_tools_do_not_overlap_the_record_title(live_server, publisher_page):
    record = CommitmentFactory(
        draft=True,
        title="Decision on enhancing the efforts to reduce the risks of conflict stemming from "
        "the use of information and communication technologies in the OSCE area, with a "
        "very long official title",
    )
    publisher_page.goto(
        live_server.url + reverse("admin:catalog_commitment_change", args=[record.pk])
    )
    tools = publisher_page.locator(".object-tools").bounding_box()
    for selector in ("#content h1", "#content h2"):
        heading = publisher_page.locator(selector).first
        if heading.count() == 0:
            continue
        box = heading.bounding_box()
        apart = (
            tools["x"] >= box["x"] + box["width"]
            or box["x"] >= tools["x"] + tools["width"]
            or tools["y"] >= box["y"] + box["height"]
            or box["y"] >= tools["y"] + tools["height"]
        )
        assert apart, (selector, tools, box)


def test_leaving_an_edited_form_asks_first(live_server, publisher_page):
    record = CommitmentFactory(draft=True)
    publisher_page.goto(
        live_server.url + reverse("admin:catalog_commitment_change", args=[record.pk])
    )
    dialogs = []
    publisher_page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    publisher_page.fill("#id_summary", "An edit not saved yet.")
    publisher_page.locator("#site-name a").click()
    publisher_page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert "/change/" in publisher_page.url  # the reader stayed on the form
