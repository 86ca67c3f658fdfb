"""Soak: 100,000 public requests through gunicorn, with the RSS of each worker sampled (issue 15).

    .venv/bin/python -m bench.soak                                  # 100,000 requests, 2 workers
    .venv/bin/python -m bench.soak --requests 20000 --workers 2 --clients 4 --sample-every 2

Not part of ``python -m bench`` (it takes many minutes). What it does:

1. sets up the 300-session event of ``bench/agenda.py`` (its helpers: ``bench/generate_event.py``
   and ``flask events import``, SQLite in a temporary folder unless ``--database-url``);
2. starts ``gunicorn -w 2`` with the checkout's ``gunicorn.conf.py`` (worker recycling off,
   ``preload_app`` on, unless the environment says otherwise; rate limits off);
3. ``--clients`` client processes (plain ``requests`` sessions) share ``--requests`` requests of a
   fixed mix: event page, agenda, ``calendar.ics``, ``schedule.xml``/``.json``, session pages
   (random among all of the event's), ``/healthz``, and a few conditional GETs sending the
   ``ETag`` of an earlier answer in ``If-None-Match`` (answered 304 when unchanged);
4. every ``--sample-every`` seconds reads ``VmRSS`` of each child of the gunicorn master from
   ``/proc/<pid>/status``, with the number of requests done so far.

Prints requests done, req/s, p50/p90/p99 latency, the count of answers other than 200/304
(errors included), worker restarts (worker pids that changed) and each worker's RSS at the
start, at 10 % and 50 % of the requests, at the end, and its growth. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import shutil
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import requests

from bench.agenda import (
    ROOT,
    _wait_healthy,
    database_label,
    environment,
    load_event,
    machine,
    percentile,
    print_log_tail,
    start_gunicorn,
)

#: (weight, path) of the public mix; ``{session}`` is one of the event's session ids.
MIX = [
    (10, "/healthz"),
    (14, "/events/{slug}/"),
    (14, "/events/{slug}/agenda"),
    (5, "/events/{slug}/calendar.ics"),
    (5, "/events/{slug}/schedule.xml"),
    (5, "/events/{slug}/schedule.json"),
    (42, "/events/{slug}/sessions/{session}"),
]
#: Share of requests sent again with the ETag of an earlier answer for the same URL.
CONDITIONAL = 0.05


def worker_pids(master: int) -> list[int]:
    """The children of the gunicorn master (its workers), from ``/proc/*/stat``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == master:
            pids.append(int(entry.name))
    return sorted(pids)


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class Sampler(threading.Thread):
    """Every ``every`` seconds: (requests done, {worker pid: RSS in KiB})."""

    def __init__(self, master: int, done, every: float) -> None:
        super().__init__(daemon=True)
        self.master, self.done, self.every = master, done, every
        self.samples: list[tuple[int, dict[int, int]]] = []
        self.seen: set[int] = set()
        self._stop_event = threading.Event()

    def sample(self) -> None:
        rss = {pid: kib for pid in worker_pids(self.master) if (kib := rss_kib(pid)) is not None}
        self.seen.update(rss)
        self.samples.append((self.done.value, rss))

    def run(self) -> None:
        while not self._stop_event.wait(self.every):
            self.sample()

    def stop(self) -> None:
        self._stop_event.set()
        self.join()
        self.sample()

    def at(self, requests_done: int) -> tuple[int, dict[int, int]]:
        """The first sample taken once ``requests_done`` requests were done (else the last)."""
        return next((s for s in self.samples if s[0] >= requests_done), self.samples[-1])


#: What the client processes share, handed over by the pool's initializer: the request counter.
_SHARED: dict = {}


def _client(base: str, slug: str, sessions: list[int], count: int, seed: int) -> dict:
    """``count`` requests of the mix, one after the other. Returns latencies and status counts."""
    done = _SHARED["done"]
    rng = random.Random(seed)
    http = requests.Session()
    weights = [w for w, _path in MIX]
    etags: dict[str, str] = {}
    latencies, statuses = [], {}
    for _ in range(count):
        (path,) = rng.choices([p for _w, p in MIX], weights)
        url = base + path.format(slug=slug, session=rng.choice(sessions))
        headers = {}
        if url in etags and rng.random() < CONDITIONAL:
            headers["If-None-Match"] = etags[url]
        t0 = time.perf_counter()
        try:
            r = http.get(url, headers=headers, timeout=120)
            status = r.status_code
            if status == 200 and "ETag" in r.headers:
                etags[url] = r.headers["ETag"]
        except requests.RequestException as exc:
            status = type(exc).__name__
        latencies.append(time.perf_counter() - t0)
        statuses[status] = statuses.get(status, 0) + 1
        with done.get_lock():
            done.value += 1
    return {"latencies": latencies, "statuses": statuses}


def session_ids(base: str, slug: str) -> list[int]:
    agenda = requests.get(f"{base}/events/{slug}/agenda", timeout=120)
    agenda.raise_for_status()
    ids = sorted({int(i) for i in re.findall(rf"/events/{re.escape(slug)}/sessions/(\d+)", agenda.text)})
    if not ids:
        sys.exit("no session links found on the agenda")
    return ids


def soak(base: str, slug: str, master: int, *, total: int, clients: int, every: float) -> dict:
    sessions = session_ids(base, slug)
    for path in {p for _w, p in MIX}:  # warm every worker's caches a little
        for _ in range(4):
            requests.get(base + path.format(slug=slug, session=sessions[0]), timeout=120)
    context = multiprocessing.get_context("fork")
    done = context.Value("l", 0)
    sampler = Sampler(master, done, every)
    sampler.sample()  # the start: before the load
    sampler.start()
    shares = [total // clients + (i < total % clients) for i in range(clients)]
    start = time.perf_counter()
    with ProcessPoolExecutor(
        clients, mp_context=context, initializer=_SHARED.__setitem__, initargs=("done", done)
    ) as pool:
        futures = [pool.submit(_client, base, slug, sessions, n, seed) for seed, n in enumerate(shares)]
        results = [f.result() for f in futures]
    elapsed = time.perf_counter() - start
    sampler.stop()
    latencies = sorted(x for r in results for x in r["latencies"])
    statuses: dict = {}
    for r in results:
        for status, n in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    n = len(latencies)
    return {
        "requests": n,
        "seconds": round(elapsed, 1),
        "rps": round(n / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p90_ms": round(percentile(latencies, 90) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
        "bad": sum(v for k, v in statuses.items() if k not in (200, 304)),
        "sessions": len(sessions),
        "sampler": sampler,
    }


def rss_table(sampler: Sampler, total: int) -> tuple[list[str], dict]:
    """Lines of RSS per worker at the start, 10 %, 50 % and the end, and the figures."""
    points = {
        "start": sampler.samples[0],
        "10 %": sampler.at(total // 10),
        "50 %": sampler.at(total // 2),
        "end": sampler.samples[-1],
    }
    first_pids = sorted(points["start"][1])
    pids = first_pids + sorted(sampler.seen - set(first_pids))
    lines = ["worker pid   " + "".join(f"{name:>10s}" for name in points) + "    growth"]
    figures = {}
    for pid in pids:
        values = [points[name][1].get(pid) for name in points]
        cells = "".join(f"{v / 1024:7.1f} MB" if v is not None else f"{'-':>10s}" for v in values)
        growth = ""
        if values[0] is not None and values[-1] is not None:
            growth = (
                f"{(values[-1] - values[0]) / 1024:+7.1f} MB ({(values[-1] / values[0] - 1) * 100:+.1f} %)"
            )
        lines.append(f"{pid:<12d} {cells}   {growth}")
        figures[pid] = values
    lines.append(
        f"samples: {len(sampler.samples)} (requests done at start/10 %/50 %/end: "
        + ", ".join(str(points[name][0]) for name in points)
        + ")"
    )
    return lines, figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=100_000, help="requests in all (default 100,000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--clients", type=int, default=4, help="client processes (default 4)")
    parser.add_argument("--sessions", type=int, default=300, help="sessions of the event (default 300)")
    parser.add_argument("--sample-every", type=float, default=3.0, help="seconds between RSS samples")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    tmp, db_url, env = environment(args.database_url, ROOT, prefix="wid-bench-soak-")
    log_path = tmp / "server.log"
    master = None
    try:
        slug = load_event(ROOT, env, tmp, args.sessions)
        with open(log_path, "wb") as log:
            master, base = start_gunicorn(ROOT, env, args.workers, log)
        _wait_healthy(base, master, log_path)
        result = soak(
            base, slug, master.pid, total=args.requests, clients=args.clients, every=args.sample_every
        )
        load_after = os.getloadavg()
        sampler = result["sampler"]
        start_pids = set(sampler.samples[0][1])
        restarts = len(sampler.seen - start_pids)
        print(f"machine:   {machine()}")
        print(
            f"load avg:  {' '.join(f'{x:.1f}' for x in load_before)} before, "
            f"{' '.join(f'{x:.1f}' for x in load_after)} after (1, 5, 15 min)"
        )
        print(
            f"server:    gunicorn -w {args.workers} (gunicorn.conf.py), {database_label(db_url)}, "
            f"{result['sessions']} session pages; {args.clients} client processes"
        )
        print(f"requests:  {result['requests']:,} in {result['seconds']} s = {result['rps']} req/s")
        print(f"latency:   p50 {result['p50_ms']} ms, p90 {result['p90_ms']} ms, p99 {result['p99_ms']} ms")
        print(f"statuses:  {result['statuses']}; not 200/304: {result['bad']}")
        print(f"restarts:  {restarts} (worker pids seen: {len(sampler.seen)}, at start: {len(start_pids)})")
        lines, _figures = rss_table(sampler, args.requests)
        print("RSS (VmRSS of each child of the gunicorn master):")
        for line in lines:
            print("  " + line)
        return 1 if result["bad"] else 0
    except BaseException:
        print_log_tail(log_path)
        raise
    finally:
        if master is not None:
            os.killpg(master.pid, signal.SIGTERM)
            master.wait(timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
