"""The Nu HTML Checker (vnu.jar, from the npm package vnu-jar) finds no error on any page type.

The checker needs Java and the jar: `make test` installs the jar into `.cache/vnu/`
(scripts/install-test-tools); set VNU_JAR to use another copy. Skipped when either is missing,
except in CI (OSCE_REQUIRE_TOOLS).
"""

import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from .conftest import skip_module
from .test_accessibility import PAGES

pytestmark = pytest.mark.e2e

VNU_JAR = Path(
    os.environ.get(
        "VNU_JAR", settings.BASE_DIR / ".cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
    )
)
if not VNU_JAR.exists():
    skip_module(f"The Nu HTML Checker is not installed at {VNU_JAR} (scripts/install-test-tools)")
if not shutil.which("java"):
    skip_module("Java is not installed (scripts/install-test-tools)")

# The checker, as one short JVM run: C1, the quick JIT, only (a run spends most of its CPU
# compiling with C2 code it will not run long enough to repay: 52 pages 5.0 s -> 2.4 s of CPU,
# the same messages), the serial collector, and the thread stack the checker's schema needs
# with C1's larger frames.
VNU = ["java", "-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(VNU_JAR)]

# Page types beyond the accessibility scan's: an invalid value echoed into the year fields.
EXTRA_PAGES = {
    "invalid years": "/en/commitments/?year_from=abc&year_to=1800",
    "invalid timeline": "/en/timeline/?theme=no-such-theme",
    "invalid matrix": "/en/matrix/?body=no-such-body",
    "organisation of a partner": "/en/organisations/un/",
    "compare error": "/en/compare/?r=mc-dec-7-06&r=no-such-record",
    "suggestion sent": "/en/suggest/sent/?r=mc-dec-7-06",
    "general suggestion": "/en/suggest/",
}


def fetch(url):
    try:
        with urllib.request.urlopen(url) as response:  # noqa: S310 - the live test server
            return response.read()
    except urllib.error.HTTPError as error:  # 400 and 404 pages are checked too
        return error.read()


def test_every_page_type_is_valid_html(site, tmp_path):
    from catalog.models import Commitment
    from participation.history import published_versions

    version = published_versions(Commitment.objects.get(slug="mc-dec-7-06"))[-1]
    pages = {
        **PAGES,
        **EXTRA_PAGES,
        "version": f"/en/commitments/mc-dec-7-06/versions/{version.id}/",
    }
    files = {}
    for index, (name, path) in enumerate(pages.items()):
        target = tmp_path / f"page-{index}.html"
        target.write_bytes(fetch(site + path))
        files[str(target)] = name
    assert nu_errors(files) == []


def nu_errors(files):
    """The checker's errors in `files` ({path: page name}), each named by its page and line."""
    result = subprocess.run(
        [*VNU, "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr)["messages"]
    assert messages is not None
    return [
        f"{files.get(message.get('url', '').removeprefix('file:'), message.get('url'))}: "
        f"line {message.get('lastLine')}: "
        f"{message['message']}"
        for message in messages
        if message["type"] == "error" or message.get("subType") == "fatal"
    ]


def test_the_checker_reports_errors(tmp_path):
    """The check above can fail: the checker flags the markup the site used to have."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!doctype html><html lang="en"><head><title>x</title></head><body>'
        '<pre aria-labelledby="a">x</pre><input type="number" value="abc"></body></html>'
    )
    result = subprocess.run(
        [*VNU, "--format", "json", "--exit-zero-always", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    kinds = [message["type"] for message in json.loads(result.stderr)["messages"]]
    assert kinds == ["error", "error"]
