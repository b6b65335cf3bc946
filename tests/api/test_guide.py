"""The API guide (/api/v1/docs/): the site's own page, rendered on the server from the OpenAPI
schema — worked examples with the portal's own address, every operation with its parameters and
answers, links back to the site and to the interactive explorer, no script of its own and the
strict security policy."""

import re

import pytest
import yaml
from django.urls import reverse

pytestmark = pytest.mark.django_db

GUIDE = "/api/v1/docs/"


@pytest.fixture
def guide(client):
    response = client.get(GUIDE)
    assert response.status_code == 200
    return response


def test_every_operation_of_the_schema_is_documented_with_its_parameters(client, guide):
    schema = yaml.safe_load(
        client.get(reverse("api:schema"), headers={"Accept": "application/vnd.oai.openapi"}).content
    )
    html = guide.content.decode()
    documented = re.findall(r'<h3 id="[^"]+"><code>(GET [^<]+)</code></h3>', html)
    expected = [
        f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item
    ]
    assert documented == expected
    commitments = html[html.index('id="get-api-v1-commitments"') :]
    commitments = commitments[: commitments.index("</section>")]
    for parameter in schema["paths"]["/api/v1/commitments/"]["get"]["parameters"]:
        assert f'<th scope="row"><code>{parameter["name"]}</code>' in commitments
    assert "<dt><code>400</code></dt>" in commitments
    # The bulk export is there too.
    assert "GET /api/v1/commitments/export/" in documented


def test_worked_examples_use_the_portals_own_address(guide):
    html = guide.content.decode()
    assert "curl 'http://testserver/api/v1/commitments/?symbol=MC.DEC/7/06'" in html
    assert 'BASE = "http://testserver/api/v1/"' in html
    assert html.count("<pre><code>") >= 10


def test_the_guide_links_back_to_the_site_and_to_the_explorers(guide):
    html = guide.content.decode()
    for name in (
        "catalog:commitment_list",
        "catalog:about",
        "api:explorer",
        "api:redoc",
        "api:schema",
    ):
        assert f'href="{reverse(name)}"' in html


def test_the_guide_runs_no_script_of_its_own_under_the_strict_policy(guide):
    html = guide.content.decode()
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/site.js" defer>']
    assert "style=" not in html
    policy = guide["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "script-src 'self'" in policy


def test_the_guide_speaks_the_language_asked_for(client):
    response = client.get(GUIDE, {"lang": "fr"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "<h1>Guide de l’API</h1>" in html


def test_descriptions_keep_their_markup_safe():
    from catalog.api.guide import markdown

    assert markdown(
        "Use `page` and **not** <b>[this](javascript:alert(1))</b>.\n\n- a\n- [b](/x/)"
    ) == (
        # A link to anything but an address keeps only its text.
        "<p>Use <code>page</code> and <strong>not</strong> &lt;b&gt;this)&lt;/b&gt;.</p>"
        '<ul><li>a</li><li><a href="/x/">b</a></li></ul>'
    )
