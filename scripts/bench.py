#!/usr/bin/env python3
"""Benchmark the public pages and the API against a bare Django view (`make bench`).

Fills the database (DATABASE_URL: PostgreSQL or SQLite) to COUNT synthetic commitments (added
to the seed catalogue with `manage.py seed_synthetic`; remove them with `--delete`), then serves
the site with gunicorn on 127.0.0.1, debug off, once per server mode:

- cold: a dummy cache backend, so no page, facet count, count or ETag state is ever reused
  and every request pays the full price, catalogue-wide aggregates included;
- no page cache: the configured cache for the aggregates (computed once per catalogue
  version), every page rendered;
- cached: the configured cache (REDIS_URL when set, else each worker's memory) for everything,
  so repeated requests come from the page cache;
- editorial: the cached server while an editor corrects a published record every
  `--interval` seconds, with a task worker (`manage.py db_worker`) for the writes' follow-up
  work (scripts/bench_editorial.py: throughput, p50/p99 and the first request after a write
  per page, and never-asked searches and filters).

For each page it measures the median of REQUESTS sequential requests and, with wrk (Debian
package `wrk`), the throughput under concurrency (`wrk -t2 -c8` for DURATION seconds), and
reports both as ratios to the bare view measured by the same server in the same run. Rows
with several addresses (the search rows) rotate through them.

With `--languages en,fr,de,ru`, each page is also measured in those languages (its `/fr/…`
address; the API with `?lang=fr`): the languages' requests alternate in one loop (en, fr, de, ru,
en, fr, …), so the machine's other load falls on all of them alike, and a second table gives
each language's median and its ratio to the English one of the same page and server. wrk's
throughput stays the English page's.

Usage: DATABASE_URL=... python scripts/bench.py [--count 100000] [--requests 50] [--duration 5]
       [--servers "cold,no page cache,cached,editorial"] [--interval 5] [--editorial-duration 15]
       [--languages en,fr,de,ru]
"""

import argparse
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

QUERIES = [
    "internet",
    "money laundering",
    "recruitment of youth",
    "radicalisation",
    "confidance building",
    "ODIHR",
    "Permanent Council",
    "MC.DEC/7/06",
    "mc dec 7/06",
    "1039",
    "critical energy infrastructure",
    "propaganda social media",
    "foreign terrorist fighters",
    "crypto",
    "human rights",
    "kidnapping for ransom",
    "encrypted communications",
    "cyber attacks",
    "public-private partnerships",
    "terr",
]


def rows():
    q = urllib.parse.urlencode
    return [
        ("Bare Django view", ["/bench/bare/"]),
        ("Home (`/en/`)", ["/en/"]),
        ("Catalogue (`/en/commitments/`)", ["/en/commitments/"]),
        (
            "Catalogue, theme + kind",
            ["/en/commitments/?theme=cyber-ict-security&kind=decision"],
        ),
        (
            "Search, most common word (`/en/commitments/?search=internet`)",
            ["/en/commitments/?search=internet"],
        ),
        (
            "Search, one match (`/en/commitments/?search=bishkek`)",
            ["/en/commitments/?search=bishkek"],
        ),
        (
            "Search, 20 queries (`/en/commitments/?search=…`)",
            [f"/en/commitments/?{q({'search': w})}" for w in QUERIES],
        ),
        ("Commitment page", ["/en/commitments/mc-dec-7-06/"]),
        ("API list (`/api/v1/commitments/`)", ["/api/v1/commitments/"]),
        (
            "API search (`/api/v1/commitments/?search=internet`)",
            ["/api/v1/commitments/?search=internet"],
        ),
    ]


def text_rows(reading):
    """Rows of the text corpus (`--texts N`): `reading` is (slug, language) of one text."""
    slug, language = reading
    return [
        ("Search inside texts (`?search=surveiller`)", ["/en/commitments/?search=surveiller"]),
        ("Commitment page with an official text", [f"/en/commitments/{slug}/"]),
        ("Reading view (20 paragraphs)", [f"/en/commitments/{slug}/texts/{language}/"]),
        (
            "API paragraphs search",
            ["/api/v1/paragraphs/?search=propaganda"],
        ),
    ]


def first_text(env):
    code = (
        "from texts.models import Text;"
        "t = Text.objects.public().filter(commitment__slug__startswith='synthetic-')"
        ".select_related('commitment').order_by('pk').first();"
        "print(t.commitment.slug, t.language)"
    )
    return tuple(manage("shell", "-c", code, env=env, capture=True).split()[-2:])


def manage(*args, env, capture=False):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout


def count_synthetic(env):
    code = (
        "from catalog.models import Commitment;"
        "print(Commitment.objects.filter(slug__startswith='synthetic-').count())"
    )
    return int(manage("shell", "-c", code, env=env, capture=True).strip().splitlines()[-1])


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
        status = response.status
    return time.perf_counter() - started, status


def median_ms(base, paths, requests, warm_all):
    # Warm-up: connections and compiled templates; with a cache, every address once, so the
    # cached figures are those of cached answers only.
    for path in paths if warm_all else paths[:2]:
        fetch(base + path)
    timings = []
    for number in range(requests):
        path = paths[number % len(paths)]
        elapsed, status = fetch(base + path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        timings.append(elapsed)
    return statistics.median(timings) * 1000


def in_language(path, code):
    """The address of the same page in language `code`: its prefix, or the API's `?lang=`."""
    if code == "en":
        return path
    if path.startswith("/en/"):
        return f"/{code}/{path.removeprefix('/en/')}"
    if path.startswith("/api/"):
        return f"{path}{'&' if '?' in path else '?'}lang={code}"
    return path


def medians_by_language(base, paths, languages, requests, warm_all):
    """{language: median ms} of `paths` in each language, the languages' requests alternating
    in one loop (en, fr, de, ru, en, …) so that noise falls on every language alike."""
    addresses = {code: [in_language(path, code) for path in paths] for code in languages}
    for code in languages:
        for path in addresses[code] if warm_all else addresses[code][:2]:
            fetch(base + path)
    timings = {code: [] for code in languages}
    for number in range(requests):
        for code in languages:
            path = addresses[code][number % len(paths)]
            elapsed, status = fetch(base + path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
            timings[code].append(elapsed)
    return {code: statistics.median(values) * 1000 for code, values in timings.items()}


LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def throughput(base, paths, duration, connections, threads):
    """Requests per second from wrk, or None without wrk. Non-2xx answers fail the run."""
    import bench_editorial  # beside this script: wrk's command line and output

    wrk = shutil.which("wrk")
    if not wrk:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ", ".join(f'"{path}"' for path in paths))
    try:
        output = subprocess.run(
            bench_editorial.wrk_command(
                wrk, duration, connections, threads, "-s", script.name, base
            ),
            capture_output=True,
            text=True,
            timeout=duration + 120,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    if "Non-2xx" in output:
        raise SystemExit(f"wrk saw error answers for {paths[0]}:\n{output}")
    return bench_editorial.parse_wrk(output)["rps"]


def serve(env, port, workers):
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--pythonpath",
            f"{ROOT},{ROOT / 'scripts'}",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "300",
            "--log-level",
            "warning",
            "bench_wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        if server.poll() is not None:
            raise SystemExit("gunicorn did not start")
        try:
            fetch(base + "/bench/bare/")
            return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer")


def selected_rows(options):
    return [
        (name, paths)
        for name, paths in rows() + getattr(options, "text_rows", [])
        if name == "Bare Django view" or not options.only or options.only.lower() in name.lower()
    ]


# What the scheduler (`manage.py run_scheduler`, beside every production server) does in its
# first minute for a cache that holds no spelling-check words yet: count them. Without it a
# search finds none kept, offers no spelling and is not kept whole (catalog/search.py).
FIRST_MINUTE = "from catalog import search; search.vocabulary(); search.count_vocabulary()"


def measure(env, options, label):
    server, base = serve(env, options.port, options.workers)
    if label != "cold":
        manage("shell", "-c", FIRST_MINUTE, env=env)
    results = {}
    try:
        for name, paths in selected_rows(options):
            print(f"  {label}: {name}", file=sys.stderr, flush=True)
            warm_all = label != "cold"
            if options.languages == ["en"]:
                median = median_ms(base, paths, options.requests, warm_all)
                by_language = {"en": median}
            else:
                by_language = medians_by_language(
                    base, paths, options.languages, options.requests, warm_all
                )
                median = by_language["en"]
            rps = throughput(base, paths, options.duration, options.connections, options.threads)
            results[name] = (median, rps, by_language)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    return results


def ratio(value, bare):
    return f"{value / bare:.1f}×" if value and bare else "–"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="synthetic commitments")
    parser.add_argument("--requests", type=int, default=50, help="sequential requests per row")
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per row")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--servers",
        type=lambda value: [part.strip() for part in value.split(",")],
        default=["cold", "no page cache", "cached", "editorial"],
        help="comma-separated: cold (a dummy cache: nothing reused), no page cache (aggregates "
        "cached, pages rendered), cached (everything), editorial (cached, with a write every "
        "--interval seconds)",
    )
    parser.add_argument("--interval", type=float, default=5, help="seconds between writes")
    parser.add_argument(
        "--editorial-duration", type=int, default=15, help="seconds of wrk per editorial run"
    )
    parser.add_argument("--never-asked", type=int, default=30, help="never-asked queries")
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        help="the never-asked queries' random seed: the same addresses in every run, to compare "
        "two commits (default: new ones each run)",
    )
    parser.add_argument(
        "--languages",
        type=lambda value: [part.strip() for part in value.split(",") if part.strip()],
        default=["en"],
        help="comma-separated language codes to measure each page in, alternating (e.g. "
        "en,fr,de,ru); English is always included: the others are compared with it",
    )
    parser.add_argument("--only", help="only the rows whose name contains this (e.g. API)")
    parser.add_argument(
        "--texts",
        type=int,
        default=0,
        help="give this many synthetic records a 20-paragraph official text and add the text "
        "rows (search inside texts, record page and reading view)",
    )
    options = parser.parse_args()
    options.languages = ["en", *[code for code in options.languages if code != "en"]]
    options.port = options.port or free_port()

    database = os.environ.get("DATABASE_URL", "")
    vendor = "PostgreSQL" if database.startswith("postgres") else "SQLite"
    env = {
        **os.environ,
        "DJANGO_DEBUG": "off",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "off",
        "DJANGO_LOG_LEVEL": "WARNING",
        "API_ANON_THROTTLE_RATE": "",  # the benchmark is one client sending many requests
    }

    manage("migrate", "--noinput", "-v0", env=env)
    manage("load_seed", "--if-empty", "-v0", env=env)
    missing = options.count - count_synthetic(env)
    if missing > 0:
        print(f"Creating {missing} synthetic commitments…", file=sys.stderr, flush=True)
        manage("seed_synthetic", "--count", str(missing), env=env)
    elif missing < 0:
        print(
            f"The database holds {-missing} more synthetic commitments than asked "
            "(manage.py seed_synthetic --delete removes them all).",
            file=sys.stderr,
        )
    if options.texts:
        manage("seed_synthetic_texts", "--count", str(options.texts), env=env)
        options.text_rows = text_rows(first_text(env))
    manage("collectstatic", "--noinput", "-v0", env=env)

    servers = {
        "cold": {"BENCH_UNCACHED": "1"},
        "no page cache": {"PAGE_CACHE_ENABLED": "off"},
        "cached": {},
    }
    results = {
        label: measure({**env, **servers[label]}, options, label)
        for label in options.servers
        if label in servers
    }
    editorial = editorial_table(env, options) if "editorial" in options.servers else None

    total = count_synthetic(env)
    print()
    if results:
        print(
            f"{total:,} synthetic commitments + the seed catalogue on {vendor}; gunicorn, "
            f"{options.workers} workers; medians of {options.requests} sequential requests; "
            f"throughput from `wrk -t{options.threads} -c{options.connections} "
            f"-d{options.duration}s`; ratios to the bare view of the same server."
        )
        print()
        header = "| Page |"
        rule = "|---|"
        for label in results:
            header += f" {label} median (ms) | × bare | {label} req/s | bare ÷ page |"
            rule += "---:|---:|---:|---:|"
        print(header)
        print(rule)
        for name, _paths in selected_rows(options):
            line = f"| {name} |"
            for measured in results.values():
                bare_median, bare_rps, _languages = measured["Bare Django view"]
                median, rps, _languages = measured[name]
                line += (
                    f" {median:.1f} | {ratio(median, bare_median)} | "
                    f"{rps:,.0f} | {ratio(bare_rps, rps)} |"
                    if rps
                    else f" {median:.1f} | {ratio(median, bare_median)} | – | – |"
                )
            print(line)
    if results and len(options.languages) > 1:
        print()
        print(language_table(results, options))
    if editorial:
        print()
        print(
            f"Editorial scenario ({vendor}, cache: {'Redis' if env.get('REDIS_URL') else 'memory'}"
            f"; `wrk -t{options.threads} -c{options.connections} -d{options.editorial_duration}s`"
            " per page):"
        )
        print()
        print(editorial)


def language_table(results, options):
    """Each page's median per language and its ratio to the English median (same server)."""
    others = options.languages[1:]
    lines = [
        f"Languages: medians of {options.requests} requests per language, the languages "
        f"alternating ({', '.join(options.languages)}); × en = the language's median over the "
        "English one of the same page and server.",
        "",
    ]
    header, rule = "| Server | Page | en (ms) |", "|---|---|---:|"
    for code in others:
        header += f" {code} (ms) | × en |"
        rule += "---:|---:|"
    lines += [header, rule]
    for label, measured in results.items():
        for name, _paths in selected_rows(options):
            if name == "Bare Django view":
                continue
            by_language = measured[name][2]
            english = by_language["en"]
            line = f"| {label} | {name} | {english:.1f} |"
            for code in others:
                line += f" {by_language[code]:.1f} | {by_language[code] / english:.2f} |"
            lines.append(line)
    return "\n".join(lines)


def editorial_table(env, options):
    """The editorial scenario on the cached server, with a task worker and the writer."""
    import bench_editorial

    server_env = {**env, "SITE_URL": f"http://127.0.0.1:{options.port}"}
    server, base = serve(server_env, options.port, options.workers)
    manage("shell", "-c", FIRST_MINUTE, env=server_env)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-reload"],
        cwd=ROOT,
        env=server_env,
    )
    write, writer = bench_editorial.writer(
        [sys.executable, str(ROOT / "scripts" / "bench_writer.py")], server_env, ROOT
    )
    try:
        return bench_editorial.scenario(
            base,
            write,
            duration=options.editorial_duration,
            interval=options.interval,
            connections=options.connections,
            threads=options.threads,
            asked=options.never_asked,
            seed=options.seed,
            log=lambda text: print(text, file=sys.stderr, flush=True),
            pick=write.pick,
        )
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)
        for process in (worker, server):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


if __name__ == "__main__":
    main()
