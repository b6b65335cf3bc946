"""The MDN HTTP Observatory's score of a production-style deployment (see conftest.py).

The build fails when a public page scores below A+ (100) or the admin or the API
documentation below A (90). The scores are printed, and written to observatory.json in the
folder OSCE_TEST_RESULTS names (CI: test-results/).
"""

import gzip
import json
import os
from pathlib import Path

import pytest

from .conftest import THROTTLE_PER_MINUTE

# One deployment (a module-scoped fixture) serves every test here, on a copy of the seeded
# database the backup tests copy too: one worker runs them all.
pytestmark = [pytest.mark.deploy, pytest.mark.xdist_group("deploy")]

PUBLIC = [
    "/en/",
    "/en/commitments/pc-dec-1063/",
    "/en/commitments/",
    "/api/v1/commitments/",
    "/api/v1/docs/",
]
STAFF_AND_DOCS = ["/admin/login/", "/api/v1/explorer/", "/api/v1/redoc/"]


@pytest.fixture(scope="module")
def report(deployment):
    results = deployment.scan(PUBLIC + STAFF_AND_DOCS)
    if os.environ.get("OSCE_TEST_RESULTS"):  # CI keeps the scores; a local run only prints them
        folder = Path(os.environ["OSCE_TEST_RESULTS"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "observatory.json").write_text(json.dumps(results, indent=2))
    print("\nMDN HTTP Observatory")
    for path, result in results.items():
        failing = [name for name, test in result.get("tests", {}).items() if not test["pass"]]
        print(
            f"  {path:32} {result.get('score')!s:>4} {result.get('grade')!s:3} failing: {failing}"
        )
    return results


def summary(result):
    return json.dumps(result, indent=1)


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_score_a_plus(report, path):
    result = report[path]
    assert result.get("status") == 200, summary(result)
    assert result["score"] >= 100 and result["grade"] == "A+", summary(result)
    assert all(test["pass"] for test in result["tests"].values()), summary(result)


@pytest.mark.parametrize("path", STAFF_AND_DOCS)
def test_admin_and_api_docs_score_at_least_a(report, path):
    result = report[path]
    assert result.get("status") == 200, summary(result)
    assert result["score"] >= 90 and result["grade"] in ("A", "A+"), summary(result)


def test_plain_http_redirects_to_https_on_every_path(deployment):
    for path in ("/en/", "/en/commitments/?kind=decision", "/admin/login/"):
        status, headers, _ = deployment.get(path, base=f"http://localhost:{deployment.http_port}")
        assert status == 301
        assert headers["Location"] == f"https://localhost:{deployment.https_port}{path}"


def test_what_carries_no_secret_is_compressed_and_what_carries_a_token_is_not(deployment):
    gzip_accept = {"Accept-Encoding": "gzip"}
    for path, accept in [
        ("/en/commitments/", "text/html"),
        ("/en/commitments/pc-dec-1063/", "text/html"),
        ("/api/v1/commitments/", "application/json"),
        ("/en/commitments/export.csv", "*/*"),
    ]:
        status, headers, body = deployment.get(path, {**gzip_accept, "Accept": accept})
        assert (path, status, headers["Content-Encoding"]) == (path, 200, "gzip")
        assert b"csrf" not in gzip.decompress(body).lower()  # nothing secret to leak
    for path in ("/admin/login/", "/api/v1/commitments/"):  # the latter as the browsable API
        status, headers, body = deployment.get(path, {**gzip_accept, "Accept": "text/html"})
        assert (path, status, headers.get("Content-Encoding")) == (path, 200, None)
        assert b"csrf" in body.lower()


def test_static_files_are_served_by_nginx_with_long_caching(deployment):
    _, _, page = deployment.get("/en/")
    start = page.index(b"/static/css/site.")
    href = page[start : page.index(b'"', start)].decode()
    status, headers, body = deployment.get(href)
    assert status == 200
    assert "immutable" in headers["Cache-Control"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert body


def test_behind_nginx_a_forged_forwarded_for_does_not_make_a_new_client(deployment):
    """nginx appends the real address; the app (one trusted proxy) counts only that one, so
    a client writing a new X-Forwarded-For on every request is still limited."""
    statuses = [
        deployment.get(
            "/api/v1/organisations/?page_size=1", {"X-Forwarded-For": f"198.51.100.{n}"}
        )[0]
        for n in range(THROTTLE_PER_MINUTE + 2)
    ]
    assert statuses[-1] == 429
    assert statuses.count(200) <= THROTTLE_PER_MINUTE


def test_health_answers_through_the_proxy(deployment):
    status, headers, body = deployment.get("/health/ready")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}
    status, _, body = deployment.get("/health/live")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
