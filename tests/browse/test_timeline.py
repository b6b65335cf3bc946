"""The chronology: documents on a time axis by adopting body, with milestones and the
catalogue's filters."""

import pytest
from django.urls import reverse

from tests.factories import CommitmentFactory, InstitutionFactory, ThemeFactory

pytestmark = pytest.mark.django_db

URL = reverse("catalog:timeline")


def timeline_html(client, params=None, status=200):
    response = client.get(URL, params or {})
    assert response.status_code == status
    return response.content.decode()


def table(html):
    return html[html.index('<table class="data-table chronology-table"') : html.index("</table>")]


def test_each_document_is_a_dot_in_its_body_lane_linking_to_the_record(client):
    council = InstitutionFactory(acronym="MC")
    first = CommitmentFactory(
        year=2001, adopting_body=council, symbol="MC.DEC/1/01", symbol_status="verified"
    )
    second = CommitmentFactory(year=2006, adopting_body=council)
    html = timeline_html(client)
    chart = html[html.index('<svg class="chronology-chart"') : html.index("</svg>")]
    assert chart.count('<g class="chronology-lane lane-0">') == 1
    assert f'<a href="{first.get_absolute_url()}" aria-label="2001: MC.DEC/1/01 — MC">' in chart
    assert f'<a href="{second.get_absolute_url()}"' in chart
    assert ">2001</text>" in chart and ">2006</text>" in chart


def test_documents_of_one_year_and_body_stack_instead_of_overlapping(client):
    body = InstitutionFactory()
    CommitmentFactory.create_batch(3, year=2016, adopting_body=body)
    html = timeline_html(client)
    cys = {part.split('"')[0] for part in html.split('cy="')[1:]}
    assert len(cys) == 3


def test_milestones_frame_the_documents_whatever_the_filters(client):
    theme = ThemeFactory(slug="youth")
    CommitmentFactory(year=2012, symbol="PC.DEC/1063", symbol_status="verified")
    CommitmentFactory(year=2002, kind="charter", short_title="Porto Charter (2002)")
    CommitmentFactory(year=2018, themes=[theme])
    html = timeline_html(client, {"theme": "youth"})
    milestones = html[
        html.index('id="milestones-heading"') : html.index(
            "</section>", html.index('id="milestones-heading"')
        )
    ]
    assert "Consolidated Framework" in milestones
    assert "Porto Charter (2002)" in milestones
    assert "Consolidated Framework (2012)</text>" in html
    # Only the theme's document is in the table.
    assert table(html).count("<tr>") == 3  # the header, the one document and the total


def test_filters_use_the_catalogue_query_string_and_link_to_it(client):
    parent = InstitutionFactory(slug="secretariat")
    unit = InstitutionFactory(slug="unit", parent=parent, organisation=parent.organisation)
    CommitmentFactory(title="Adopted by the unit", adopting_body=unit)
    CommitmentFactory(title="Adopted elsewhere")
    html = timeline_html(client, {"body": "secretariat", "include_sub_bodies": "on"})
    assert "Adopted by the unit" in table(html)
    assert "Adopted elsewhere" not in table(html)
    assert 'href="/en/commitments/?body=secretariat&amp;include_sub_bodies=on"' in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_empty_filter_parameters_redirect_to_the_clean_url(client, db):
    response = client.get(URL + "?theme=&category=&body=youth-body")
    assert (response.status_code, response["Location"]) == (302, URL + "?body=youth-body")


def test_invalid_filters_answer_400_with_a_message(client, db):
    html = timeline_html(client, {"theme": "no-such-theme"}, status=400)
    assert "Some filters could not be used" in html


def test_table_groups_the_documents_by_year(client):
    CommitmentFactory.create_batch(2, year=2016)
    CommitmentFactory(year=2001)
    rows = table(timeline_html(client))
    assert '<th scope="rowgroup" rowspan="2">2016</th>' in rows
    assert '<th scope="rowgroup" rowspan="1">2001</th>' in rows
    assert rows.index(">2001<") < rows.index(">2016<")


def test_timeline_without_published_records_says_so(client, db):
    CommitmentFactory(draft=True)
    html = timeline_html(client)
    assert "No published commitments yet" in html
    assert "<svg" not in html
