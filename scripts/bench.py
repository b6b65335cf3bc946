#!/usr/bin/env python3
"""Benchmark search and the catalogue against a bare Django view (`make bench`).

Needs PostgreSQL (DATABASE_URL). Fills the database to COUNT synthetic commitments (added to
the seed catalogue with `manage.py seed_synthetic`; remove them with `--delete`), serves the
site with gunicorn on 127.0.0.1, and measures the median of REQUESTS sequential requests for
each page, reported as a ratio to the bare view served by the same gunicorn in the same run.

Usage: DATABASE_URL=postgres://... python scripts/bench.py [--count 100000] [--requests 100]
"""

import argparse
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
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


def manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def count_synthetic(env):
    code = (
        "from catalog.models import Commitment;"
        "print(Commitment.objects.filter(slug__startswith='synthetic-').count())"
    )
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(output.strip().splitlines()[-1])


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        status = response.status
    return time.perf_counter() - started, status


def median_ms(base, paths, requests):
    for path in paths[:5]:  # warm-up: connections, caches, compiled templates
        fetch(base + path)
    timings = []
    for number in range(requests):
        elapsed, status = fetch(base + paths[number % len(paths)])
        if status != 200:
            raise SystemExit(f"{paths[number % len(paths)]} answered {status}")
        timings.append(elapsed)
    return statistics.median(timings) * 1000


def answers(url):
    try:
        return fetch(url)[1] == 200
    except urllib.error.HTTPError:
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="synthetic commitments")
    parser.add_argument("--requests", type=int, default=100, help="requests per measurement")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database; the benchmark runs there.")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "off",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "off",
        "DJANGO_LOG_LEVEL": "WARNING",
    }

    manage("migrate", "--noinput", "-v0", env=env)
    manage("load_seed", "--if-empty", "-v0", env=env)
    missing = options.count - count_synthetic(env)
    if missing > 0:
        print(f"Creating {missing} synthetic commitments…", flush=True)
        manage("seed_synthetic", "--count", str(missing), env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    port = options.port or free_port()

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
            str(options.workers),
            "--log-level",
            "warning",
            "bench_wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            try:
                fetch(base + "/bench/bare/")
                break
            except OSError:
                time.sleep(0.2)
        catalogue = "/commitments/" if answers(base + "/commitments/") else "/bench/catalogue/"
        search_paths = [f"/search/?{urllib.parse.urlencode({'q': q})}" for q in QUERIES]
        filtered = [f"{catalogue}?{urllib.parse.urlencode({'search': q})}" for q in QUERIES]
        rows = [
            ("Bare Django view", ["/bench/bare/"]),
            (f"Catalogue page ({catalogue})", [catalogue]),
            (f"Catalogue search ({catalogue}?search=…)", filtered),
            ("Search page (/search/?q=…)", search_paths),
        ]
        results = [(label, median_ms(base, paths, options.requests)) for label, paths in rows]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    bare = results[0][1]
    total = count_synthetic(env)
    print()
    print(
        f"{total:,} synthetic commitments + the seed catalogue on PostgreSQL; "
        f"gunicorn, {options.workers} workers; median of {options.requests} requests."
    )
    print()
    print("| Page | Median (ms) | Ratio to the bare view |")
    print("|---|---:|---:|")
    for label, median in results:
        print(f"| {label} | {median:.1f} | {median / bare:.1f}× |")


if __name__ == "__main__":
    main()
