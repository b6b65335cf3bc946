"""The editorial scenario of `make bench` (`scripts/bench.py --servers editorial`).

While wrk loads one page for DURATION seconds, an editor corrects a published record every
INTERVAL seconds (through the service layer: `scripts/bench_writer.py`), and right after each
write a probe asks once for each of the home page, the catalogue, the page of the record just
corrected and the API list — what the first visitors after a write pay. The corrected record
is one a visitor has read before (its page is asked for before the write), so its probe
measures what the edit costs, not a page nobody had asked for (the never-asked rows do that).
The probes run while wrk loads the server and the task worker warms the new state, so they are
compared with the bare view probed at the same moments (right before each page's probe). The
same page is also loaded without writes, so the table gives, per page: throughput with and
without writes, p50 and p99 under load (wrk's latency distribution), and the probes' p50 and
p99, each as a ratio to the bare view of the same server in the same run.

Then NEVER_ASKED searches and filters that nobody asked for before (random words and filter
combinations, new for each run): their p50 and p95 over the bare view's median.

The functions take the server's address and a `write()` callable (returning the slug of the
record it changed), so a test can run the scenario for a few seconds against a test server.
"""

import random
import re
import shutil
import statistics
import subprocess
import time
import urllib.parse
import urllib.request

# The pages under load: (name, address). The record page under load is one fixed record; the
# probes ask for the record just corrected.
LOADED = [
    ("Home", "/en/"),
    ("Catalogue", "/en/commitments/"),
    ("Commitment page", "/en/commitments/mc-dec-7-06/"),
    ("API list", "/api/v1/commitments/"),
]
PROBES = [
    ("Home", lambda slug: "/en/"),
    ("Catalogue", lambda slug: "/en/commitments/"),
    ("Commitment page", lambda slug: f"/en/commitments/{slug}/"),
    ("API list", lambda slug: "/api/v1/commitments/"),
]
BARE = "/bench/bare/"
WORDS = [
    "determination", "cooperation", "border", "financing", "detention", "victims", "hostage",
    "aviation", "explosives", "prisons", "education", "journalists", "tolerance", "dialogue",
    "trafficking", "passports", "sanctions", "extremism", "resilience", "community", "gender",
    "youth", "security", "energy", "container", "firearms", "biometric", "travel", "online",
    "charities", "women", "municipal", "parliament", "prevention", "rehabilitation",
]  # fmt: skip
KINDS = ["decision", "declaration", "resolution", "statement", "plan_of_action"]


def fetch(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
        status = response.status
    if status != 200:
        raise SystemExit(f"{url} answered {status}")
    return (time.perf_counter() - started) * 1000


def percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def bare_median(base, requests=30):
    fetch(base + BARE)
    return statistics.median(fetch(base + BARE) for _ in range(requests))


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output):
    """{'rps', 'p50', 'p99'} (ms) from `wrk --latency` output."""
    result = {}
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result["rps"] = float(match.group(1)) if match else None
    for share in ("50", "99"):
        match = re.search(rf"^\s+{share}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        result[f"p{share}"] = float(match.group(1)) * UNITS[match.group(2)] if match else None
    if "Non-2xx" in output:
        raise SystemExit(f"wrk saw error answers:\n{output}")
    return result


def wrk_command(wrk, duration, connections, threads, *arguments):
    """wrk's command line as every benchmark runs it (a request may take a minute)."""
    return [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "60s",
        *arguments,
    ]


def start_load(base, path, duration, connections, threads):
    """wrk on `path` for `duration` seconds in the background, or None without wrk."""
    wrk = shutil.which("wrk")
    if not wrk or connections < 1:
        return None
    return subprocess.Popen(
        wrk_command(wrk, duration, connections, threads, "--latency", base + path),
        stdout=subprocess.PIPE,
        text=True,
    )


def finish_load(process, duration):
    if process is None:
        return {"rps": None, "p50": None, "p99": None}
    output, _ = process.communicate(timeout=duration + 120)
    return parse_wrk(output)


def run(base, write, *, duration, interval, connections=8, threads=2, log=print, pick=None):
    """Per loaded page: {'quiet': wrk figures, 'editing': wrk figures}; per probed page: the
    probes' timings (ms), and the bare view's probed at the same moments (key BARE); and the
    number of writes. `pick()`: the slug of the record the next `write(slug)` corrects (its
    page is read first, as a visitor had); without it, `write()` chooses."""
    loaded, probes, writes = {}, {name: [] for name, _ in [*PROBES, (BARE, None)]}, 0
    for name, path in LOADED:
        log(f"  editorial: {name}, no writes")
        fetch(base + path)
        quiet = finish_load(start_load(base, path, duration, connections, threads), duration)
        log(f"  editorial: {name}, a write every {interval:g} s")
        load = start_load(base, path, duration, connections, threads)
        deadline = time.monotonic() + duration
        next_write = time.monotonic() + min(interval, duration / 2)
        while True:
            pause = next_write - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            if time.monotonic() >= deadline:
                break
            if pick is not None:
                slug = pick()
                fetch(base + PROBES[2][1](slug))  # a visitor reads it before the edit
                slug = write(slug)
            else:
                slug = write()
            writes += 1
            for probe, address in PROBES:
                probes[BARE].append(fetch(base + BARE))
                probes[probe].append(fetch(base + address(slug)))
            next_write += interval
        loaded[name] = {"quiet": quiet, "editing": finish_load(load, duration)}
    return loaded, probes, writes


def never_asked(base, count=30, rng=None, themes=()):
    """`count` addresses nobody asked before: searches for a word within a random year range,
    and filter combinations (theme, kind, years) with a random year range."""
    rng = rng or random.Random()
    addresses = []
    for number in range(count):
        year_from = rng.randint(1975, 2015)
        query = {"year_from": year_from, "year_to": rng.randint(year_from, 2026)}
        if number % 2 == 0:
            query["search"] = rng.choice(WORDS)
        else:
            query["kind"] = rng.choice(KINDS)
            if themes:
                query["theme"] = rng.choice(themes)
        addresses.append(f"/en/commitments/?{urllib.parse.urlencode(query)}")
    return addresses


def measure_never_asked(base, addresses):
    return [fetch(base + address) for address in addresses]


def ratio(value, bare):
    return f"{value / bare:.1f}×" if value and bare else "–"


def table(bare_ms, bare_load, loaded, probes, writes, asked, interval):
    """The scenario's rows (Markdown)."""
    bare_probes = probes.get(BARE, [])
    bare_p50, bare_p99 = percentile(bare_probes, 0.5), percentile(bare_probes, 0.99)
    lines = [
        f"Bare view: median {bare_ms:.1f} ms sequential"
        + (
            f"; under load {bare_load['rps']:,.0f} req/s, p50 {bare_load['p50']:.1f} ms, "
            f"p99 {bare_load['p99']:.1f} ms"
            if bare_load.get("rps")
            else ""
        )
        + (
            f"; probed right after the writes p50 {bare_p50:.1f} ms, p99 {bare_p99:.1f} ms"
            if bare_probes
            else ""
        )
        + f". {writes} writes, one every {interval:g} s.",
        "",
        "| Page | req/s, no writes | req/s, writes | throughput change | p50 under load × bare "
        "| p99 under load × bare | first request after a write: p50 × bare | p99 × bare |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, _path in LOADED:
        quiet, editing = loaded[name]["quiet"], loaded[name]["editing"]
        change = (
            f"{(editing['rps'] - quiet['rps']) / quiet['rps'] * 100:+.0f} %"
            if quiet["rps"] and editing["rps"]
            else "–"
        )
        timings = probes.get(name, [])
        lines.append(
            f"| {name} | {quiet['rps'] or 0:,.0f} | {editing['rps'] or 0:,.0f} | {change} | "
            f"{ratio(editing['p50'], bare_load.get('p50'))} | "
            f"{ratio(editing['p99'], bare_load.get('p99'))} | "
            f"{ratio(percentile(timings, 0.5), bare_p50)} | "
            f"{ratio(percentile(timings, 0.99), bare_p99)} |"
        )
    lines += [
        "",
        f"{len(asked)} never-asked searches and filters: p50 "
        f"{ratio(percentile(asked, 0.5), bare_ms)}, p95 {ratio(percentile(asked, 0.95), bare_ms)}"
        f" the bare view's median (slowest {max(asked):.0f} ms).",
    ]
    return "\n".join(lines)


def scenario(
    base,
    write,
    *,
    duration,
    interval,
    connections=8,
    threads=2,
    asked=30,
    log=print,
    pick=None,
    seed=None,
):
    """The whole scenario against a running server; returns the Markdown table."""
    bare_ms = bare_median(base)
    bare_load = finish_load(start_load(base, BARE, duration, connections, threads), duration)
    loaded, probes, writes = run(
        base,
        write,
        duration=duration,
        interval=interval,
        connections=connections,
        threads=threads,
        log=log,
        pick=pick,
    )
    themes = _themes(base)
    log(f"  editorial: {asked} never-asked searches and filters")
    # A seed asks the same addresses in every run (a before/after comparison); none, new ones.
    addresses = never_asked(base, asked, rng=random.Random(seed), themes=themes)
    timings = measure_never_asked(base, addresses)
    return table(bare_ms, bare_load, loaded, probes, writes, timings, interval)


def _themes(base):
    import json

    with urllib.request.urlopen(base + "/api/v1/themes/?page_size=100", timeout=60) as response:
        return [row["id"] for row in json.load(response)["results"]]


def writer(command, env, cwd):
    """`write(slug=None)` and `pick()`, which ask the writer process (scripts/bench_writer.py)
    for one write (of that record) and for the next record to correct, and the process (to
    stop)."""
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    if process.stdout.readline().strip() != "ready":
        raise SystemExit("the benchmark's writer did not start")

    def ask(line):
        process.stdin.write(f"{line}\n")
        process.stdin.flush()
        return process.stdout.readline().strip()

    def write(slug=None):
        return ask(f"write {slug}" if slug else "write")

    write.pick = lambda: ask("pick")
    return write, process
