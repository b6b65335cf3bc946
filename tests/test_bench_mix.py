"""The load mix of docs/benchmark.md (scripts/bench_mix.py) runs against the test server for
a moment: every page of its mix answers without a 5xx, so the script cannot rot."""

import pytest
from django.db import connection

from tests.factories import CommitmentFactory
from tests.resources import load_script


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent clients: the live server's threads share SQLite's in-memory connection",
)
def test_the_load_mix_runs_without_errors(live_server):
    CommitmentFactory.create_batch(3)
    bench_mix = load_script("bench_mix")
    _p99, failed, home, heavy = bench_mix.run(live_server.url, 1.5, with_heavy=True)
    assert failed == []
    assert home > 0 and heavy > 0


@pytest.mark.django_db(transaction=True)
def test_the_mix_asks_for_real_pages(live_server):
    """Its addresses are the site's (a renamed page would otherwise only give 404s)."""
    CommitmentFactory.create_batch(3)
    bench_mix = load_script("bench_mix")
    answers = []
    for path in (
        "/en/",
        "/en/matrix/?x=1",
        "/en/timeline/?x=2",
        "/sitemap.xml",
        "/sitemap-commitments.xml?p=1",
        "/en/commitments/?search=terror1",
        "/en/themes/?y=3",
    ):
        bench_mix.hit(live_server.url, path, answers)
    assert [status for _path, status, _seconds in answers] == [200] * 7
