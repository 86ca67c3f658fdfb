"""Run every benchmark with one command: ``make bench`` (= ``python -m bench``).

    .venv/bin/python -m bench                       # SQLite only
    .venv/bin/python -m bench --database-url postgresql+psycopg://postgres@127.0.0.1:5432/wid_a11y_bench
    .venv/bin/python -m bench --only agenda         # one of: agenda, badges, registrations

``BENCH_DATABASE_URL`` in the environment does the same as ``--database-url``: the agenda and
registration benchmarks then run on SQLite *and* on that PostgreSQL database (which is emptied:
its name must contain "bench"). Each benchmark runs in its own process (so peak-memory figures
are its own), against 127.0.0.1 only, and is sized to finish in well under a minute or two on a
2-core machine; their own scripts take options for bigger runs (see bench/README.md).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def step(title: str, argv: list[str]) -> int:
    print(f"\n=== {title} ===\n$ {' '.join(argv)}", flush=True)
    t0 = time.perf_counter()
    rc = subprocess.call([sys.executable, *argv], cwd=ROOT)
    print(f"({time.perf_counter() - t0:.0f} s, exit status {rc})", flush=True)
    return rc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--only", choices=["agenda", "badges", "registrations"], action="append")
    args = parser.parse_args(argv)
    wanted = set(args.only or ["agenda", "badges", "registrations"])
    databases = [None] + ([args.database_url] if args.database_url else [])

    failures = 0
    if "agenda" in wanted:
        for url in databases:
            extra = ["--database-url", url] if url else []
            label = "PostgreSQL" if url else "SQLite"
            failures += (
                step(
                    f"agenda page, .ics and frab XML, 300 sessions ({label})", ["-m", "bench.agenda", *extra]
                )
                != 0
            )
    if "badges" in wanted:
        failures += (
            step(
                "badges: 1,000 registrations to PDF",
                ["-m", "bench.badges", "-n", "1000", "--layout", "a4-8up"],
            )
            != 0
        )
    if "registrations" in wanted:
        for url in databases:
            extra = ["--database-url", url] if url else []
            label = "PostgreSQL" if url else "SQLite"
            failures += (
                step(
                    f"registrations/s under concurrency ({label})",
                    ["bench/registrations.py", "--registrations", "200", *extra],
                )
                != 0
            )
    print(f"\n{failures} benchmark(s) failed" if failures else "\nall benchmarks ran")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
