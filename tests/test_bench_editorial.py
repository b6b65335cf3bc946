"""The editorial scenario of `make bench` (scripts/bench_editorial.py) runs for a few seconds
against the test server, writes through the services and reports every row, so it cannot rot.
(The load itself is wrk's, whose output is parsed here from a sample.)"""

import itertools
import random
from pathlib import Path

import pytest

from tests.factories import CommitmentFactory, ThemeFactory
from tests.writes import correct

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8000/en/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.10ms    1.20ms  40.00ms   90.00%
    Req/Sec     1.30k   100.00     1.50k    70.00%
  Latency Distribution
     50%    2.50ms
     75%    3.00ms
     90%    4.00ms
     99%    1.20s
  13000 requests in 5.00s, 100.00MB read
Requests/sec:   2600.00
Transfer/sec:     20.00MB
"""


@pytest.fixture
def bench_editorial(monkeypatch, settings):
    monkeypatch.syspath_prepend(str(SCRIPTS))
    settings.ROOT_URLCONF = "bench_urls"  # the bare view the ratios are taken to
    settings.API_ANON_THROTTLE_RATE = ""
    import bench_editorial

    return bench_editorial


def test_wrk_output_is_read(bench_editorial):
    assert bench_editorial.parse_wrk(WRK_OUTPUT) == {"rps": 2600.0, "p50": 2.5, "p99": 1200.0}


def test_a_seed_asks_the_same_never_asked_addresses_in_every_run(bench_editorial):
    themes = ("internet", "youth")
    first = bench_editorial.never_asked("", 6, rng=random.Random(7), themes=themes)
    again = bench_editorial.never_asked("", 6, rng=random.Random(7), themes=themes)
    other = bench_editorial.never_asked("", 6, rng=random.Random(8), themes=themes)

    assert first == again
    assert first != other
    assert [("search=" in address, "theme=" in address) for address in first] == [
        (True, False),
        (False, True),
    ] * 3


@pytest.mark.django_db(transaction=True)
def test_the_scenario_runs_for_a_few_seconds(live_server, bench_editorial):
    theme = ThemeFactory()
    CommitmentFactory(slug="mc-dec-7-06", themes=[theme])  # the record page under load
    records = itertools.cycle(CommitmentFactory.create_batch(2, themes=[theme]))
    picked, written = [], []

    def pick():
        picked.append(next(records))
        return picked[-1].slug

    def write(slug):
        record = picked[-1]
        assert slug == record.slug
        correct(record, title=f"Corrected {len(written)}")
        written.append(record.slug)
        return record.slug

    table = bench_editorial.scenario(
        live_server.url,
        write,
        duration=1,
        interval=0.4,
        connections=0,  # no wrk here: the probes and the never-asked queries still run
        asked=4,
        log=lambda _text: None,
        pick=pick,
    )

    assert len(written) >= 4  # at least one write per loaded page
    for name in ("Home", "Catalogue", "Commitment page", "API list"):
        assert f"| {name} |" in table
    assert "4 never-asked searches and filters" in table
    assert f"{len(written)} writes" in table
    assert "probed right after the writes p50" in table
