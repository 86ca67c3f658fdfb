"""Run every benchmark with one command: ``make bench`` (= ``python -m bench``), in about 4 minutes.

    .venv/bin/python -m bench                       # PostgreSQL too when one answers on 127.0.0.1
    .venv/bin/python -m bench --database-url postgresql+psycopg://postgres@127.0.0.1:5432/wid_bench
    .venv/bin/python -m bench --only agenda         # one of: agenda, badges, registrations, mail
    .venv/bin/python -m bench --root ../main        # "before" figures of another checkout

Prints each figure of issue 15's table as the same ratio, with the machine and load average:

* agenda, event page, ``calendar.ics``, ``schedule.xml``/``.json``: req/s ÷ ``/healthz`` req/s with
  2 gunicorn workers, p50/p90/p99; ``/healthz`` p99 ÷ p50 under load; in-process cold and warm
  renders and ``create_app``; the event page beside ten simultaneous PDF agenda downloads
  (``bench/agenda.py``, SQLite);
* 1,000 badges (``a4-8up``) ÷ a plain 1,000-page WeasyPrint document, and peak memory of all
  rendering processes (``bench/badges.py``);
* registrations/s on SQLite and on PostgreSQL, checked for overbooking, with the jobs worker
  running beside gunicorn (as ``make run``) and started after the burst (the web tier alone)
  (``bench/registrations.py``);
* the CPU of one registration POST and of its confirmation mail job on a 300-session event
  (``bench/confirmation_mail.py``).

Not part of it (many minutes): the soak, ``python -m bench.soak --requests 100000 --workers 2``
(``bench/soak.py``): 100,000 public requests through gunicorn with each worker's RSS sampled.

``--database-url`` (or ``BENCH_DATABASE_URL``) names the PostgreSQL database (emptied: its name must
contain "bench"); without it, ``wid_bench`` on 127.0.0.1:5432 is created and used when a server
answers there. On a shared machine the absolute numbers move with the load: read the ratios
and the load average printed beside them. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/wid_bench"


def step(title: str, argv: list[str]) -> int:
    print(f"\n=== {title} === (load average {' '.join(f'{x:.1f}' for x in os.getloadavg())})", flush=True)
    print(f"$ {' '.join(argv)}", flush=True)
    t0 = time.perf_counter()
    rc = subprocess.call([sys.executable, *argv], cwd=ROOT)
    print(f"({time.perf_counter() - t0:.0f} s, exit status {rc})", flush=True)
    return rc


def local_postgres() -> str | None:
    """``wid_bench`` on the local PostgreSQL, created if missing; None when no server answers."""
    try:
        import psycopg
    except ImportError:
        return None
    try:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2) as conn:
            conn.autocommit = True
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'wid_bench'").fetchone():
                conn.execute('CREATE DATABASE "wid_bench"')
    except psycopg.Error:
        return None
    return DEFAULT_POSTGRES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parts = ["agenda", "badges", "registrations", "mail"]
    parser.add_argument("--only", choices=parts, action="append")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout served by the agenda benchmark")
    args = parser.parse_args(argv)
    wanted = set(args.only or parts)
    postgres = args.database_url or local_postgres()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(
        f"machine: {os.cpu_count()} CPUs ({cpu}), {platform.platform()}, Python {platform.python_version()}"
    )
    print("note: ratios carry over between machines; absolute numbers follow the load average.")

    failures = 0
    if "agenda" in wanted:
        title = "public pages of a 300-session event, 2 gunicorn workers (SQLite)"
        failures += step(title, ["-m", "bench.agenda", "--root", str(args.root)]) != 0
    if "badges" in wanted:
        argv_badges = ["-m", "bench.badges", "-n", "1000", "--layout", "a4-8up", "--plain"]
        failures += step("badges: 1,000 registrations vs a plain 1,000-page document", argv_badges) != 0
    if "registrations" in wanted:
        for url in [None] + ([postgres] if postgres else []):
            label = "PostgreSQL" if url else "SQLite"
            extra = ["--database-url", url] if url else []
            for worker in ("beside", "after"):
                argv_reg = ["bench/registrations.py", "--registrations", "200", "--jobs-worker", worker]
                argv_reg += extra
                where = "beside them" if worker == "beside" else "after the burst"
                failures += step(f"registrations/s ({label}; jobs worker {where})", argv_reg) != 0
        if postgres is None:
            print("\n(PostgreSQL: no server on 127.0.0.1:5432 and no --database-url: skipped)")
    if "mail" in wanted:
        title = "CPU of a registration and its confirmation mail, 300-session event (SQLite)"
        failures += step(title, ["-m", "bench.confirmation_mail"]) != 0
    print(f"\n{failures} benchmark(s) failed" if failures else "\nall benchmarks ran")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
