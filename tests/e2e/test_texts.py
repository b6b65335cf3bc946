"""Official texts in the browser: the record page's citation block on the first screen at
1280 px, the reading view (one language and two side by side) and the paragraph citation
page at 375 px without horizontal scrolling, without JavaScript, and clean for axe-core and
the Nu HTML Checker."""

import json
import subprocess
import urllib.request

import pytest

from tests.texts.pdfs import FRENCH_DECISION, decision_pdf

from .conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)

pytestmark = pytest.mark.e2e

ENGLISH_DECISION = {
    **FRENCH_DECISION,
    "title": "DECISION No. 7/06 COUNTERING THE USE OF THE INTERNET FOR TERRORIST PURPOSES",
    "preamble": [
        "The Ministerial Council, deeply concerned by the growing use of the internet for "
        "propaganda, recalling the commitments of the participating States,",
        "Recognizing that international co-operation is needed to meet this common challenge,",
    ],
    "chapeau": "Decides:",
    "operative": [
        "To intensify the exchange of information on the means extremist groups use.",
        "To invite the participating States to consider all appropriate measures.",
        "To monitor the websites of terrorist and violent extremist organizations.",
        ("Tasks the Secretary General to:", ["organize an expert workshop;", "report."]),
        "To encourage the private sector and civil society to take part.",
    ],
    "annex": ["National points of contact are given to the Secretariat.", "A list is kept."],
}
PAGES = {
    "record with texts": "/en/commitments/mc-dec-7-06/",
    "record with provisions": "/en/commitments/pc-dec-1106/",
    "reading view": "/en/commitments/mc-dec-7-06/texts/fr/",
    "side by side": "/en/commitments/mc-dec-7-06/texts/en/?with=fr",
    "cite a paragraph": "/en/commitments/mc-dec-7-06/texts/fr/cite/op-3/",
    "search inside texts": "/en/commitments/?search=surveiller",
}


@pytest.fixture
def texts_site(site, django_user_model, settings, tmp_path):
    from catalog.models import Commitment
    from texts import services, tasks

    settings.STORAGES = {
        **settings.STORAGES,
        "texts": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "texts", "base_url": None},
        },
    }
    publisher = django_user_model.objects.create_superuser("publisher-e2e", "p@example.org", "x")
    record = Commitment.objects.get(slug="mc-dec-7-06")
    for language, doc in (("fr", FRENCH_DECISION), ("en", ENGLISH_DECISION)):
        text = services.add_text(
            user=publisher,
            commitment=record,
            language=language,
            data=decision_pdf(doc, break_after=2),
            is_original=language == "en",
        )
        tasks.run_queued()
        services.approve_text(user=publisher, text=text)
    return site


def test_the_citation_block_is_on_the_first_screen_at_1280px(texts_site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(texts_site + "/en/commitments/mc-dec-7-06/")
    top = page.locator("#cite-heading").bounding_box()["y"]
    text = page.locator("#cite-text").bounding_box()
    context.close()
    assert top < 800
    assert text["y"] < 800


@pytest.mark.parametrize("name", ["reading view", "side by side", "cite a paragraph"])
def test_text_pages_fit_375px_without_javascript(texts_site, browser, name):
    context = browser.new_context(viewport={"width": 375, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(texts_site + PAGES[name])
    width = page.evaluate("document.documentElement.scrollWidth")
    headings = page.locator("h1").count()
    context.close()
    assert width <= 375
    assert headings == 1


def test_anchors_lead_to_the_paragraph_without_javascript(texts_site, page_without_js):
    page_without_js.goto(texts_site + "/en/commitments/mc-dec-7-06/texts/fr/#op-3")
    assert "De surveiller" in page_without_js.locator("#op-3").inner_text()
    page_without_js.click("text=Cite this paragraph >> nth=5")
    assert "/cite/" in page_without_js.url


def test_axe_finds_no_serious_violation_on_text_pages(texts_site, browser):
    pytest.importorskip("axe_playwright_python")
    from .test_accessibility import violations

    found = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        for name, path in PAGES.items():
            problems = violations(page, texts_site + path)
            if problems:
                found[f"{name} ({scheme})"] = problems
        context.close()
    assert found == {}


def test_text_pages_are_valid_html(texts_site, tmp_path):
    from .test_html_validity import VNU, VNU_JAR

    if not VNU_JAR.exists():
        pytest.skip("The Nu HTML Checker is not installed")
    files = {}
    for index, (name, path) in enumerate(PAGES.items()):
        target = tmp_path / f"text-page-{index}.html"
        with urllib.request.urlopen(texts_site + path) as response:  # noqa: S310
            target.write_bytes(response.read())
        files[str(target)] = name
    result = subprocess.run(
        [*VNU, "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: {m['message']}"
        for m in json.loads(result.stderr)["messages"]
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert errors == []
