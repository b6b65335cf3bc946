"""The editor's tasks, measured in Chromium: page loads and clicks (typing not counted) to add a
full record, submit it, publish it, correct it through review and revert it. The figures are
pinned: a change that adds a step to a task fails here (the closing note of the editing issue
gives them beside the figures before the one-workflow admin)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from catalog.models import Commitment
from tests.factories import InstitutionFactory

from .conftest import require_chromium
from .test_admin_layout import PASSWORD

require_chromium()
pytest.importorskip("playwright.sync_api")

# Two browsers and the admin's background requests (the autocomplete) reach the live server
# at once: its threads share SQLite's in-memory connection, so this runs on PostgreSQL.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent requests: run on PostgreSQL"
    ),
]


class Counted:
    """A logged-in browser page that counts its page loads and the clicks made through it."""

    def __init__(self, browser, base, username):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.base = base
        self.page.goto(base + reverse("admin:login"))
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_url(base + reverse("admin:index"))
        self.loads = self.clicks = 0
        self.page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1

    def open(self, path):
        self.page.goto(self.base + path)

    def click(self, locator):
        self.page.wait_for_load_state("networkidle")
        self.clicks += 1
        with self.page.expect_navigation():
            locator.click()

    def press(self, locator):
        """A click that stays on the page (a widget)."""
        self.clicks += 1
        locator.click()

    def task(self):
        """Start counting a task; returns a function giving its (page loads, clicks)."""
        loads, clicks = self.loads, self.clicks
        return lambda: (self.loads - loads, self.clicks - clicks)


def staff(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_the_editors_tasks_take_these_page_loads_and_clicks(
    live_server, transactional_db, browser, django_user_model
):
    staff(django_user_model, "erin", "Editor")
    staff(django_user_model, "paul", "Publisher")
    body = InstitutionFactory()
    editor = Counted(browser, live_server.url, "erin")
    publisher = Counted(browser, live_server.url, "paul")
    figures = {}

    # Add a full record and save it as a draft.
    done = editor.task()
    editor.open(reverse("admin:catalog_commitment_add"))
    page = editor.page
    page.fill("#id_title", "Decision on measured editing")
    page.select_option("#id_kind", "decision")
    page.select_option("#id_organisation", str(body.organisation_id))
    # The body is an autocomplete field: open it, type, pick the body.
    editor.press(page.locator(".field-adopting_body .select2-selection"))
    page.keyboard.type(body.name[:8])
    editor.press(page.locator(".select2-results__option", has_text=body.name))
    page.fill("#id_symbol", "MC.DEC/9/99")
    page.select_option("#id_symbol_status", "verified")
    page.fill("#id_year", "2021")
    page.fill("#id_summary", "What the decision says.")
    editor.click(page.get_by_role("button", name="Save as draft"))
    figures["add a full record"] = done()
    assert page.locator(".errorlist, .errornote").all_inner_texts() == []
    record = Commitment.objects.get(symbol="MC.DEC/9/99")
    assert record.status == "draft"
    change = reverse("admin:catalog_commitment_change", args=[record.pk])

    # Submit it for review (the editor is still on the record).
    done = editor.task()
    editor.click(page.get_by_role("button", name="Submit for review"))
    figures["submit for review"] = done()
    assert Commitment.objects.get(pk=record.pk).status == "in_review"

    # The publisher opens it and publishes it.
    done = publisher.task()
    publisher.open(change)
    publisher.click(publisher.page.get_by_role("button", name="Publish or schedule"))
    figures["publish"] = done()
    assert Commitment.objects.get(pk=record.pk).status == "published"

    # A correction through review: the editor proposes it, the publisher approves it.
    done = editor.task()
    editor.open(change)
    page.fill("#id_title", "Decision on measured editing, corrected")
    # Saving a live record keeps the edit as pending changes; then they are submitted.
    editor.click(page.get_by_role("button", name="Save and continue editing"))
    assert page.locator(".errorlist, .errornote").all_inner_texts() == []
    editor.click(page.get_by_role("button", name="Submit changes for review"))
    proposed = done()
    done = publisher.task()
    publisher.open(change)
    publisher.click(publisher.page.get_by_role("button", name="Approve changes"))
    approved = done()
    figures["correct through review"] = tuple(map(sum, zip(proposed, approved, strict=True)))
    assert Commitment.objects.get(pk=record.pk).title == "Decision on measured editing, corrected"

    # Revert to the version before the correction, from the history.
    done = publisher.task()
    publisher.open(reverse("admin:catalog_commitment_history", args=[record.pk]))
    publisher.click(publisher.page.locator("#change-history tbody th a").nth(1))
    publisher.click(publisher.page.get_by_role("button", name="Revert to this version"))
    figures["revert"] = done()
    assert Commitment.objects.get(pk=record.pk).title == "Decision on measured editing"

    print(figures)
    assert figures == {
        "add a full record": (2, 3),
        "submit for review": (1, 1),
        "publish": (2, 1),
        "correct through review": (5, 3),
        "revert": (3, 2),
    }
    editor.context.close()
    publisher.context.close()
