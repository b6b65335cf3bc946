"""The benchmark's language rows (scripts/bench.py --languages): each page in each language at
its own address, the languages alternating request by request, and the table of ratios to
English."""

import types

from tests.resources import load_script


def test_each_page_has_its_address_in_every_language():
    bench = load_script("bench")
    assert bench.in_language("/en/commitments/?search=x", "fr") == "/fr/commitments/?search=x"
    assert bench.in_language("/api/v1/commitments/", "ru") == "/api/v1/commitments/?lang=ru"
    assert bench.in_language("/api/v1/commitments/?search=x", "de") == (
        "/api/v1/commitments/?search=x&lang=de"
    )
    assert bench.in_language("/bench/bare/", "fr") == "/bench/bare/"
    assert bench.in_language("/en/", "en") == "/en/"


def test_the_languages_alternate_and_each_gets_its_median(monkeypatch):
    bench = load_script("bench")
    asked = []

    def fetch(url):
        asked.append(url.removeprefix("http://x"))
        return (0.002 if "/fr/" in url else 0.001), 200

    monkeypatch.setattr(bench, "fetch", fetch)
    medians = bench.medians_by_language("http://x", ["/en/"], ["en", "fr"], 3, warm_all=True)
    assert asked[2:] == ["/en/", "/fr/"] * 3  # after one warm-up request per language
    assert medians == {"en": 1.0, "fr": 2.0}

    options = types.SimpleNamespace(languages=["en", "fr"], requests=3, only=None)
    results = {"cached": {name: (1.0, None, medians) for name, _paths in bench.rows()}}
    table = bench.language_table(results, options)
    assert "| cached | Commitment page | 1.0 | 2.0 | 2.00 |" in table
    assert "Bare Django view" not in table
