"""The Content-Security-Policy blocks nothing the pages need, in a real browser.

Each page is loaded in Chromium with a listener for `securitypolicyviolation` events; a page
passes when no violation is reported and its content (including the script-driven parts:
Swagger UI, ReDoc, the admin's widgets) is there.
"""

import pytest
from django.contrib.auth.models import User

from .conftest import require_chromium

require_chromium()
pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def violations_on(page, url):
    page.add_init_script(RECORD_VIOLATIONS)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__cspViolations"), errors


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/en/commitments/",
        "/en/commitments/pc-dec-1063/",
        "/en/commitments/?search=terrorism",
        "/en/matrix/",
        "/api/v1/commitments/",  # the browsable API
    ],
)
def test_public_pages_break_no_rule(seeded_site, page, path):
    violations, errors = violations_on(page, seeded_site + path)
    assert violations == []
    assert errors == []  # no console error either (a missing favicon was one)


def test_swagger_ui_renders_under_its_policy(seeded_site, page):
    violations, _ = violations_on(page, seeded_site + "/api/v1/explorer/")
    expect(page.get_by_text("/api/v1/commitments/", exact=True).first).to_be_visible()
    assert violations == []


def test_redoc_renders_under_its_policy(seeded_site, page):
    violations, _ = violations_on(page, seeded_site + "/api/v1/redoc/")
    expect(page.get_by_role("heading", name="OSCE Portal API").first).to_be_visible()
    # ReDoc shows its vendor's logo from their CDN; the policy keeps third parties out, and
    # that is the only thing it blocks.
    assert [v for v in violations if "https://cdn.redoc.ly/" not in v] == []


def test_admin_works_under_its_policy(site, page):
    User.objects.create_superuser("admin", password="a long enough password")
    violations, _ = violations_on(page, site + "/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Catalogue and editorial desk")).to_be_visible()
    page.goto(site + "/admin/catalog/commitment/")
    page.wait_for_load_state("networkidle")
    seen = page.evaluate("window.__cspViolations")
    page.goto(site + "/admin/catalog/commitment/add/")
    page.wait_for_load_state("networkidle")
    # The admin's scripts ran: autocomplete widgets were built (select2)...
    expect(page.locator(".select2-container").first).to_be_visible()
    seen += page.evaluate("window.__cspViolations")
    page.goto(site + "/admin/catalog/organisation/add/")
    page.wait_for_load_state("networkidle")
    # ... the two-box filter widget for partners, and the slug filled from the acronym.
    expect(page.locator(".selector").first).to_be_visible()
    page.locator("#id_acronym").press_sequentially("TEST")
    expect(page.locator("#id_slug")).to_have_value("test")
    seen += page.evaluate("window.__cspViolations")
    assert violations + seen == []


def test_json_ld_data_blocks_need_no_nonce_under_the_strict_policy(seeded_site, page):
    """A JSON-LD block (`application/ld+json`) is data, not script: the strict public policy
    neither blocks nor reports it, so pages that carry one need no nonce (and can be cached
    whole). An inline executable script on the same page is blocked."""
    from django.conf import settings

    policy = "; ".join(
        f"{name} {' '.join(sources)}"
        for name, sources in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items()
    )
    html = (
        "<!doctype html><html><head><title>t</title>"
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "Legislation", "name": "MC.DEC/7/06"}</script>'
        "<script>window.inlineRan = true;</script>"
        "</head><body><p>x</p></body></html>"
    )
    page.add_init_script(RECORD_VIOLATIONS)
    page.route(
        seeded_site + "/json-ld-probe",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": policy},
            body=html,
        ),
    )
    page.goto(seeded_site + "/json-ld-probe")
    page.wait_for_load_state("load")
    data = page.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
    )
    assert data["name"] == "MC.DEC/7/06"
    assert page.evaluate("window.inlineRan === true") is False
    violations = page.evaluate("window.__cspViolations")
    assert violations == ["script-src-elem inline"]  # only the executable one
