"""Browser tests: Playwright for Python driving Debian's Chromium against `live_server`.

Skipped when Chromium is missing, except in CI (OSCE_REQUIRE_TOOLS: then they fail); `make test`
installs it as root (scripts/install-test-tools). Playwright's sync API runs an event loop in
this thread, so Django's guard against ORM calls from async code is lifted for these tests.
"""

import contextlib
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests import resources
from tests.snapshots import SeedSnapshot

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def skip_module(message):
    """Skip a test module whose tool is missing; in CI, fail instead (OSCE_REQUIRE_TOOLS)."""
    if resources.tools_required():
        raise pytest.UsageError(message)
    pytest.skip(message, allow_module_level=True)


def require_chromium():
    if not CHROMIUM.exists():
        skip_module(f"Chromium is not installed at {CHROMIUM} (scripts/install-test-tools)")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def seed_snapshot(django_db_setup, django_db_blocker):
    """The seed catalogue as `load_seed` leaves it, loaded once in this process and put back
    in milliseconds for every browser test after (tests/snapshots.py)."""
    snapshot = SeedSnapshot()
    yield snapshot
    with django_db_blocker.unblock():
        snapshot.drop()


@pytest.fixture
def site(live_server, transactional_db, seed_snapshot):
    """The live site holding the real seed catalogue, loaded for this test alone (it may write;
    the database is emptied after it)."""
    seed_snapshot.load()
    return live_server.url


@pytest.fixture(scope="module")
def module_site(live_server, django_db_setup, django_db_blocker):
    """The live site for a module of tests that only read; emptied after the module, as a
    transactional test's database is."""
    yield live_server.url
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def seeded_site(module_site, django_db_blocker, seed_snapshot):
    """The live site holding the seed catalogue, for a test that only reads (committed, so the
    live server's thread sees it). Such a test is not transactional (`_live_server_helper`):
    the seed is put back — from the process's snapshot, in milliseconds (tests/snapshots.py) —
    only when the database holds none, at the module's first test or after a test that wrote
    (`site`, whose database is emptied afterwards)."""
    from catalog.models import Commitment

    with django_db_blocker.unblock():
        if not Commitment.objects.exists():
            seed_snapshot.load()
    return module_site


@pytest.fixture(autouse=True)
def _live_server_helper(request):
    """pytest-django's own helper (this one, of the same name, replaces it for the browser
    tests), except for a test that only reads its module's seed catalogue (`seeded_site`,
    asking for no `transactional_db`): it gets no transactional database of its own, so the
    seed is not emptied after each such test and put back before the next (0.3 s a test on
    SQLite, 0.55 s on PostgreSQL); `module_site` empties the database after the module.
    (The database is unblocked for the test, so the live server's thread, in this process,
    can read it.)"""
    if "live_server" not in request.fixturenames:
        yield
        return
    reads_only = "seeded_site" in request.fixturenames
    if reads_only and "transactional_db" not in request.fixturenames:
        unblocked = request.getfixturevalue("django_db_blocker").unblock()
    else:
        request.getfixturevalue("transactional_db")
        unblocked = contextlib.nullcontext()
    live_server = request.getfixturevalue("live_server")
    live_server._live_server_modified_settings.enable()  # noqa: SLF001 - as pytest-django does
    with unblocked:
        yield
    live_server._live_server_modified_settings.disable()  # noqa: SLF001


# How long a test's page waits for an element or a navigation before failing.
TIMEOUT_MS = 10_000


def open_page(browser, **options):
    """A page in a browser context of its own (`options`: Playwright's context options); close
    it with `page.context.close()`."""
    page = browser.new_context(**options).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def signed_in_page(browser, base_url, user, **options):
    """A page (`open_page`) whose context carries `user`'s session, made on the server as
    `Client.force_login` makes it, for tests about what a signed-in user meets rather than
    about signing in: the log-in form's round trip (two page loads) is the subject of
    test_editor_tasks.py and of test_admin_layout.py's review journey."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page = open_page(browser, **options)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
    )
    return page


@pytest.fixture
def page(browser):
    page = open_page(browser, accept_downloads=True)
    yield page
    page.context.close()


def fresh(page):
    """`page` as a new page of its context would be for the next test that reuses it: on a
    blank document (the last one's scripts and timers gone), with no cookie and no session
    storage left by the site (the JavaScript keeps a form's focus there across a submit), and
    the default timeout. For tests that only navigate, read and fill forms: a listener, an
    init script or a route a test adds would stay."""
    if page.url.startswith("http"):  # (evaluate works with the page's JavaScript off too)
        page.evaluate("() => sessionStorage.clear()")
    page.goto("about:blank")
    page.context.clear_cookies()
    page.set_default_timeout(TIMEOUT_MS)


@pytest.fixture(scope="module")
def scan_page(browser):
    """One browser page for a module's read-only scans, one test per page scanned (a context of
    its own per scan cost more than the scan: ~0.3 s)."""
    page = open_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def page_without_js(browser):
    page = open_page(browser, accept_downloads=True, java_script_enabled=False)
    yield page
    page.context.close()
