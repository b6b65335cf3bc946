import pytest
from django.urls import reverse

from catalog.views.browse import nice_step, timeline_chart
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db


def timeline_html(client):
    response = client.get(reverse("catalog:timeline"))
    assert response.status_code == 200
    return response.content.decode()


def test_timeline_table_leaves_out_years_without_records(client):
    CommitmentFactory(year=2001)
    CommitmentFactory(year=2005)
    html = timeline_html(client)
    table = html[html.index("<table") :]
    assert '<th scope="row">2003</th>' not in table
    assert '<th scope="row">2005</th>' in table


def test_timeline_axis_runs_through_empty_years_without_linking_them(client):
    CommitmentFactory(year=2001)
    CommitmentFactory(year=2003)
    html = timeline_html(client)
    assert "year_from=2002" not in html
    assert 'class="timeline-year"' in html
    assert ">2002</text>" in html


def test_timeline_without_published_records_says_so(client, db):
    CommitmentFactory(draft=True)
    html = timeline_html(client)
    assert "No published commitments yet" in html
    assert "<svg" not in html


def test_tallest_bar_fills_the_plot_and_others_scale_to_it():
    chart = timeline_chart({2010: 4, 2011: 2})
    tall, short = chart.bars
    assert tall.y == chart.plot_top
    assert short.height == pytest.approx(tall.height / 2)
    assert tall.y + tall.height == chart.plot_bottom


def test_gridline_step_is_a_round_number():
    assert [nice_step(n) for n in (1, 4, 7, 12, 48, 230)] == [1, 1, 2, 5, 10, 50]
