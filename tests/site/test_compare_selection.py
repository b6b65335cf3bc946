"""Ticks for comparison live in the address (`r`): kept across pages and filters without
JavaScript, and carried to the compare page."""

import pytest
from django.urls import reverse

from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("catalog:commitment_list")


@pytest.fixture
def records():
    return [CommitmentFactory(year=2000 + n) for n in range(25)]  # two pages of 20


def test_ticked_records_on_this_page_are_checked(client, records):
    html = client.get(CATALOGUE, {"r": records[-1].slug}).content.decode()
    assert f'name="r" value="{records[-1].slug}" checked>' in html
    assert "1 record ticked." in html


def test_a_row_ticked_on_one_address_is_not_ticked_on_the_next(client, records):
    newest = records[-1]
    ticked = f'name="r" value="{newest.slug}" checked>'
    assert ticked in client.get(CATALOGUE, {"r": newest.slug}).content.decode()
    # The same row, from the fragment cache, on addresses that do not tick it.
    assert ticked not in client.get(CATALOGUE).content.decode()
    assert ticked not in client.get(CATALOGUE, {"r": records[-2].slug}).content.decode()
    assert ticked in client.get(CATALOGUE, {"r": newest.slug, "kind": "decision"}).content.decode()


def test_a_row_of_a_search_is_ticked_only_where_the_address_ticks_it(client):
    first, second = (CommitmentFactory(title=f"Decision on harbours {n}") for n in (1, 2))
    ticked = f'name="r" value="{first.slug}" checked>'
    unticked = f'name="r" value="{first.slug}">'

    plain = client.get(CATALOGUE, {"search": "harbours"}).content.decode()
    with_tick = client.get(CATALOGUE, {"search": "harbours", "r": first.slug}).content.decode()
    other = client.get(CATALOGUE, {"search": "harbours", "r": second.slug}).content.decode()

    assert unticked in plain and ticked not in plain
    assert ticked in with_tick
    assert unticked in other and f'name="r" value="{second.slug}" checked>' in other


def test_ticks_from_another_page_travel_as_hidden_fields(client, records):
    oldest = records[0]  # on page 2 (newest first)
    html = client.get(CATALOGUE, {"r": oldest.slug}).content.decode()
    compare_form = html[
        html.index('id="compare-form"') : html.index("</form>", html.index('id="compare-form"'))
    ]
    assert f'<input type="hidden" name="r" value="{oldest.slug}">' in compare_form
    # Paging and filtering keep them.
    assert f"r={oldest.slug}" in html[html.index('class="pagination"') :]
    filters = html[html.index('id="filters"') : html.index("</form>", html.index('id="filters"'))]
    assert f'<input type="hidden" name="r" value="{oldest.slug}">' in filters


def test_keep_ticks_reloads_the_same_view_at_the_results(client, records):
    html = client.get(CATALOGUE, {"kind": "decision", "page": "2"}).content.decode()
    compare_form = html[html.index('id="compare-form"') :]
    assert f'formaction="{CATALOGUE}#results">Keep ticks</button>' in compare_form
    assert '<input type="hidden" name="kind" value="decision" data-kept>' in compare_form
    assert '<input type="hidden" name="page" value="2" data-kept>' in compare_form


def test_odd_tick_values_are_ignored(client, records):
    response = client.get(CATALOGUE, {"r": ['"><script>', "x" * 200]})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]
