"""Public agenda of a 300-session event through gunicorn (2 workers), its .ics and frab XML.

    .venv/bin/python -m bench.agenda                                   # temporary SQLite file
    createdb -h 127.0.0.1 -U postgres wid_a11y_bench
    .venv/bin/python -m bench.agenda --database-url postgresql+psycopg://postgres@127.0.0.1:5432/wid_a11y_bench

What it does:

1. generates the event package with ``bench/generate_event.py`` (300 sessions, 3 days, 8 rooms,
   speakers, panels, workshops) and imports it with ``flask events import`` (the real CLI);
2. starts ``gunicorn -w 2`` on 127.0.0.1 with rate limits off (``RATELIMIT_ENABLED=0``);
3. for ``--seconds`` each, ``--clients`` concurrent clients request ``/healthz`` (the trivial
   route) and then ``/events/<slug>/agenda``: requests/s of each and the agenda's ratio to it;
4. times ``/events/<slug>/calendar.ics`` and ``/events/<slug>/schedule.xml`` one at a time
   (median of ``--repeat``) and reports their size.

The load generator runs on the same machine as the server, as it would in CI; the ratio to
``/healthz`` is the figure that carries over to other machines. A PostgreSQL database given
with ``--database-url`` is emptied first (its name must contain "bench", as a safety catch).
Everything runs against 127.0.0.1 only and takes well under a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent

RESET = """
import sys
from wid_events import create_app
from wid_events.extensions import db
app = create_app()
with app.app_context():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    else:
        db.drop_all()
    db.create_all()
    # The schema is the models' (create_all), marked as the newest migration so /healthz says ok.
    from flask_migrate import stamp
    stamp(directory=sys.argv[1])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_label(url: str) -> str:
    if url.startswith("sqlite"):
        return "SQLite (temporary file)"
    return "PostgreSQL " + url.rsplit("@", maxsplit=1)[-1]


def hammer(url: str, seconds: float, clients: int) -> dict:
    """``clients`` threads requesting ``url`` back to back for ``seconds``: requests/s and latency."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        nonlocal errors
        s = requests.Session()
        mine, bad = [], 0
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            r = s.get(url, timeout=60)
            mine.append(time.perf_counter() - t0)
            if r.status_code != 200:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors += bad

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "errors": errors,
        "seconds": round(elapsed, 2),
        "rps": round(n / elapsed, 1),
        "median_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[max(0, int(n * 0.95) - 1)] * 1000, 1),
    }


def timed(url: str, repeat: int) -> dict:
    times, size = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = requests.get(url, timeout=120)
        times.append(time.perf_counter() - t0)
        r.raise_for_status()
        size = len(r.content)
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "min_ms": round(min(times) * 1000, 1),
        "bytes": size,
    }


def run(
    database_url: str | None, *, sessions: int, seconds: float, clients: int, repeat: int, workers: int
) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="wid-bench-agenda-"))
    db_url = database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    if not db_url.startswith("sqlite") and "bench" not in db_url.rsplit("/", 1)[-1]:
        sys.exit("refusing to empty a database whose name does not contain 'bench'")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("WID_TESTING", "REDIS_URL")},
        "DATABASE_URL": db_url,
        "WID_INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_ENABLED": "0",
        # No worker recycling mid-run (gunicorn.conf.py restarts workers every ~1,000 requests).
        "GUNICORN_MAX_REQUESTS": "0",
    }
    py = sys.executable
    slug = f"bench-agenda-{sessions}"
    package = tmp / "event.json"
    proc = None
    try:
        subprocess.run(
            [py, "-c", RESET, str(ROOT / "migrations")], cwd=ROOT, env=env, check=True, capture_output=True
        )
        subprocess.run(
            [
                py,
                "-m",
                "bench.generate_event",
                "--sessions",
                str(sessions),
                "--slug",
                slug,
                "-o",
                str(package),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        t0 = time.perf_counter()
        subprocess.run(
            [str(Path(py).parent / "flask"), "--app", "wsgi", "events", "import", str(package)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        import_seconds = time.perf_counter() - t0

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(tmp / "gunicorn.log", "wb")
        proc = subprocess.Popen(
            [str(Path(py).parent / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=30).status_code in (200, 503):
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                sys.exit("gunicorn did not start; see " + str(tmp / "gunicorn.log"))
            time.sleep(0.3)
        agenda_url = f"{base}/events/{slug}/agenda"
        page = requests.get(agenda_url, timeout=60)
        page.raise_for_status()
        for _ in range(2 * workers):  # warm every worker (templates, imports)
            requests.get(agenda_url, timeout=60)
            requests.get(f"{base}/healthz", timeout=60)

        health = hammer(f"{base}/healthz", seconds, clients)
        agenda = hammer(agenda_url, seconds, clients)
        single = timed(agenda_url, repeat)
        ics = timed(f"{base}/events/{slug}/calendar.ics", repeat)
        frab = timed(f"{base}/events/{slug}/schedule.xml", repeat)
        frab_json = timed(f"{base}/events/{slug}/schedule.json", repeat)
        return {
            "database": database_label(db_url),
            "sessions": sessions,
            "workers": workers,
            "clients": clients,
            "import_seconds": round(import_seconds, 1),
            "agenda_bytes": len(page.content),
            "healthz": health,
            "agenda": agenda,
            "agenda_to_healthz": round(agenda["rps"] / health["rps"], 3) if health["rps"] else None,
            "agenda_single": single,
            "ics": ics,
            "frab_xml": frab,
            "frab_json": frab_json,
        }
    except BaseException:
        log_file = tmp / "gunicorn.log"
        if log_file.exists():
            print("--- gunicorn log (last lines) ---", file=sys.stderr)
            print("\n".join(log_file.read_text(errors="replace").splitlines()[-40:]), file=sys.stderr)
        raise
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cpu = model or platform.processor()
    return f"{os.cpu_count()} CPUs ({cpu}), {platform.platform()}, Python {platform.python_version()}"


def print_result(r: dict) -> None:
    h, a, ics, xml = r["healthz"], r["agenda"], r["ics"], r["frab_xml"]
    size = r["agenda_bytes"] / 1024
    print(f"database:      {r['database']}")
    print(f"event:         {r['sessions']} sessions (import {r['import_seconds']} s); page {size:.0f} KiB")
    print(
        f"gunicorn:      {r['workers']} sync workers, {r['clients']} concurrent clients on the same machine"
    )
    print(f"/healthz:      {h['rps']} req/s (median {h['median_ms']} ms, p95 {h['p95_ms']} ms)")
    print(f"agenda page:   {a['rps']} req/s (median {a['median_ms']} ms, p95 {a['p95_ms']} ms)")
    print(f"ratio:         agenda / healthz = {r['agenda_to_healthz']}")
    print(f"non-200:       /healthz {h['errors']}, agenda {a['errors']}")
    one = r["agenda_single"]
    print(f"agenda alone:  {one['median_ms']} ms median ({one['min_ms']} min), one request at a time")
    print(f"calendar.ics:  {ics['median_ms']} ms median ({ics['min_ms']} min), {ics['bytes']:,} bytes")
    print(f"schedule.xml:  {xml['median_ms']} ms median ({xml['min_ms']} min), {xml['bytes']:,} bytes")
    print(f"schedule.json: {r['frab_json']['median_ms']} ms median, {r['frab_json']['bytes']:,} bytes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=8.0, help="load duration per route (default 8)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--repeat", type=int, default=5, help="timed fetches of .ics and XML (default 5)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = run(
        args.database_url,
        sessions=args.sessions,
        seconds=args.seconds,
        clients=args.clients,
        repeat=args.repeat,
        workers=args.workers,
    )
    result["machine"] = machine()
    result["load_average"] = round(os.getloadavg()[0], 1)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"machine:       {result['machine']}; load average {result['load_average']}")
        print_result(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
