"""Security headers on every kind of page: CSP (strict on public pages), Permissions-Policy,
Cross-Origin-Resource-Policy and the headers Django already sent."""

from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders

STRICT_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)

PUBLIC_PAGES = [
    "/en/",
    "/en/commitments/",
    "/en/commitments/?kind=decision&theme=cyber-ict-security",
    "/en/commitments/pc-dec-1063/",
    "/en/commitments/?search=terrorism",
    "/en/themes/",
    "/en/categories/",
    "/en/institutions/",
    "/en/institutions/ministerial-council/",
    "/en/organisations/osce/",
    "/en/timeline/",
    "/en/matrix/",
    "/en/about/",
    "/no-such-page/",
]


def directives(header):
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_send_the_strict_policy_and_the_other_headers(client, seed, path):
    response = client.get(path)
    assert response.status_code == (404 if path == "/no-such-page/" else 200)
    assert directives(response["Content-Security-Policy"]) == directives(STRICT_CSP)
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, handlers, styles."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
        if "style" in attrs:
            self.found.append(f"<{tag} style=…>")
        if tag == "style":
            self.found.append("<style> block")
        if tag == "script" and "src" not in attrs:
            self._in_script = attrs.get("type", "")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None and data.strip():
            kind = self._in_script
            # JSON data blocks are not executed and CSP does not apply to them.
            if kind not in ("application/json", "application/ld+json"):
                self.found.append(f"inline <script type={kind!r}>")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_no_inline_code_a_strict_policy_would_block(client, seed, path):
    parser = InlineCode()
    parser.feed(client.get(path).content.decode())
    assert parser.found == []


def test_public_policy_has_no_unsafe_source_and_no_nonce(client, seed):
    policy = directives(client.get("/en/").headers["Content-Security-Policy"])
    # No nonce: pages may be cached whole and shared between visitors.
    assert not any("'nonce-" in source for sources in policy.values() for source in sources)
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        (
            "/admin/login/",
            {"style-src": ["'self'", "'unsafe-inline'"], "img-src": ["'self'", "data:"]},
        ),
        (
            "/api/v1/explorer/",
            {"style-src": ["'self'", "'unsafe-inline'"], "img-src": ["'self'", "data:"]},
        ),
        (
            "/api/v1/redoc/",
            {
                "style-src": ["'self'", "'unsafe-inline'"],
                "img-src": ["'self'", "data:"],
                "worker-src": ["'self'", "blob:"],
            },
        ),
    ],
)
def test_admin_and_api_docs_relax_styles_only(client, db, path, extra):
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy == {**directives(STRICT_CSP), **extra}
    assert policy["script-src"] == ["'self'"]  # never inline or eval'd script
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_swagger_ui_init_script_is_a_file(client, db):
    page = client.get("/api/v1/explorer/").content.decode()
    parser = InlineCode()
    parser.feed(page)
    assert [item for item in parser.found if "script" in item] == []
    script = client.get("/api/v1/explorer/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_api_json_and_csv_carry_the_headers(client, seed):
    for url in ("/api/v1/commitments/?format=json", "/api/v1/commitments/?format=csv"):
        response = client.get(url)
        assert response.status_code == 200
        assert directives(response["Content-Security-Policy"]) == directives(STRICT_CSP)
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_favicon_is_served_and_named_by_every_public_page(client, seed):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
    assert "<svg" in open(finders.find("favicon.svg")).read()
    assert 'rel="icon"' in client.get("/en/").content.decode()


def test_browsable_api_html_relaxes_styles_only_and_json_stays_strict(client, seed):
    html = client.get("/api/v1/commitments/", HTTP_ACCEPT="text/html")
    assert html["Content-Type"].startswith("text/html")
    assert directives(html["Content-Security-Policy"]) == {
        **directives(STRICT_CSP),
        "style-src": ["'self'", "'unsafe-inline'"],
    }
    data = client.get("/api/v1/commitments/", HTTP_ACCEPT="application/json")
    assert directives(data["Content-Security-Policy"]) == directives(STRICT_CSP)


@pytest.mark.parametrize(
    ("path", "accept", "compressed"),
    [
        ("/en/", "text/html", True),
        ("/en/commitments/", "text/html", True),
        ("/api/v1/commitments/", "application/json", True),
        ("/admin/login/", "text/html", False),  # CSRF token on the page
        ("/api/v1/commitments/", "text/html", False),  # the browsable API: CSRF token
    ],
)
def test_only_answers_without_secrets_are_compressed(client, seed, path, accept, compressed):
    response = client.get(path, HTTP_ACCEPT=accept, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert (response.get("Content-Encoding") == "gzip") is compressed


def test_staff_are_never_served_compressed_pages(client, seed, django_user_model):
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    response = client.get("/en/commitments/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response.get("Content-Encoding") is None


def test_compressed_api_answers_keep_conditional_requests_working(client, seed):
    first = client.get("/api/v1/commitments/", HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"
    again = client.get(
        "/api/v1/commitments/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304
