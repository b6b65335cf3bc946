"""The home page's latency while other clients ask for the heaviest bounded pages.

Against a running site (`BASE` address): two clients request the home page for `DURATION`
seconds alone, then again while four more clients request the matrix and the timeline (with
random pages and random unknown parameters), the sitemap index and its largest section, and
searches for random words. Prints the home page's p50/p99 in both runs and every answer that
was a 5xx or failed; exits non-zero when one was. Used for the 20,000-record figures in
docs/benchmark.md (`make bench-mix BENCH_ADDRESS=http://127.0.0.1:8000`):

    python scripts/bench_mix.py http://127.0.0.1:8000 30

tests/test_bench_mix.py runs it for a moment against the test server, so it cannot rot.
"""

import random
import sys
import threading
import time
import urllib.error
import urllib.request

HOME = [lambda: "/en/"]
HEAVY = [
    lambda: f"/en/matrix/?x={random.random()}",
    lambda: f"/en/timeline/?x={random.random()}",
    lambda: "/en/matrix/",
    lambda: f"/en/matrix/?page={random.randint(1, 200)}",
    lambda: f"/en/timeline/?page={random.randint(1, 100)}",
    lambda: "/sitemap.xml",
    lambda: f"/sitemap-commitments.xml?p={random.randint(1, 2)}",
    lambda: f"/en/commitments/?search=terror{random.randint(0, 99999)}",
    lambda: f"/en/themes/?y={random.random()}",
]


def hit(base, path, answers):
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    except OSError as error:
        status = f"failed: {type(error).__name__}"
    answers.append((path, status, time.perf_counter() - start))


def client(base, paths, answers, stop):
    while time.time() < stop:
        hit(base, random.choice(paths)(), answers)


def quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def run(base, duration, with_heavy):
    home, heavy = [], []
    stop = time.time() + duration
    clients = [threading.Thread(target=client, args=(base, HOME, home, stop)) for _ in range(2)]
    if with_heavy:
        clients += [
            threading.Thread(target=client, args=(base, HEAVY, heavy, stop)) for _ in range(4)
        ]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    latencies = [seconds for _path, _status, seconds in home]
    failed = [
        (path, status)
        for path, status, _seconds in home + heavy
        if not (isinstance(status, int) and status < 500)
    ]
    print(
        f"{'with' if with_heavy else 'without'} the heavy pages: home n={len(latencies)} "
        f"p50={quantile(latencies, 0.5):.3f}s p99={quantile(latencies, 0.99):.3f}s; "
        f"heavy n={len(heavy)}; 5xx or failed: {len(failed)} {failed[:3]}"
    )
    return quantile(latencies, 0.99), failed, len(latencies), len(heavy)


def main():
    base, duration = sys.argv[1].rstrip("/"), float(sys.argv[2] if len(sys.argv) > 2 else 30)
    for path in ("/en/", "/en/matrix/", "/en/timeline/", "/sitemap.xml"):
        hit(base, path, [])  # warm the caches
    alone, _failed, _home, _heavy = run(base, duration, with_heavy=False)
    mixed, failed, _home, _heavy = run(base, duration, with_heavy=True)
    print(f"home p99 with the heavy pages / without: {mixed / alone:.1f}x")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
