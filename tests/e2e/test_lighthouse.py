"""Lighthouse on a phone (its mobile emulation: a mid-range phone on a slow 4G network, CPU
slowed 4×) scores the API guide at least 90 for performance and 100 for accessibility. The
interactive explorers (Swagger UI, ReDoc) score far lower, which is why the guide is the page
every "API documentation" link opens (docs/api.md)."""

import json
import os
import subprocess
import urllib.request
from pathlib import Path

import pytest

from .conftest import CHROMIUM, LAUNCH_ARGS, require_chromium, skip_module

require_chromium()

LIGHTHOUSE = (
    Path(__file__).resolve().parents[2]
    / "deploy"
    / "lighthouse"
    / "node_modules"
    / ".bin"
    / "lighthouse"
)
if not LIGHTHOUSE.exists():
    skip_module(f"Lighthouse is not installed at {LIGHTHOUSE} (scripts/install-test-tools)")

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# A score is a measurement on a shared machine: one more run when the first misses the bar, or
# when Lighthouse itself gives up (it did once in ~30 full runs, exit status 1 under load).
RUNS = 2


def scores(url, folder):
    report = folder / "lighthouse.json"
    run = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--form-factor=mobile",
            "--only-categories=performance,accessibility",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags=--headless=new {' '.join(LAUNCH_ARGS)}",
        ],
        timeout=180,
        env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        return None, f"Lighthouse failed ({run.returncode}):\n{run.stderr[-3000:]}"
    result = json.loads(report.read_text())
    failed = [
        audit["id"]
        for reference in result["categories"]["accessibility"]["auditRefs"]
        if (audit := result["audits"][reference["id"]]).get("score") not in (None, 1)
    ]
    return {
        name: round(category["score"] * 100) for name, category in result["categories"].items()
    }, failed


def test_the_api_guide_scores_90_and_100_on_a_phone(seeded_site, tmp_path):
    # The guide is built from the schema once per process: not what a visitor waits for.
    with urllib.request.urlopen(seeded_site + "/api/v1/docs/", timeout=60) as answer:
        assert answer.status == 200
    for _run in range(RUNS):
        found, failed = scores(seeded_site + "/api/v1/docs/", tmp_path)
        if found is not None and found["performance"] >= 90:
            break
    assert found is not None, failed
    assert failed == []
    assert found["accessibility"] == 100
    assert found["performance"] >= 90, found
