"""Public pages of a 300-session event through gunicorn (2 workers), as ratios to ``/healthz``.

    .venv/bin/python -m bench.agenda                                   # temporary SQLite file
    .venv/bin/python -m bench.agenda --database-url postgresql+psycopg://postgres@127.0.0.1:5432/wid_a11y_bench
    .venv/bin/python -m bench.agenda --root /path/to/another/checkout  # "before" figures

What it does:

1. generates the event package with ``bench/generate_event.py`` (300 sessions, 3 days, 8 rooms,
   speakers, panels, workshops) and imports it with ``flask events import`` (the real CLI);
2. times the pages in process (``bench/inprocess.py``: ``create_app``, cold and warm renders);
3. starts ``gunicorn -w 2`` on 127.0.0.1 with the checkout's own ``gunicorn.conf.py`` (rate
   limits off) and, where the checkout has it, ``flask jobs worker`` beside it;
4. for ``--seconds`` each, ``--clients`` client processes request ``/healthz``, then the event
   page, the agenda, ``calendar.ics``, ``schedule.xml`` and ``schedule.json`` back to back:
   requests/s, p50/p90/p99 and each route's **ratio to /healthz** (the figure that carries over
   to other machines; absolute numbers depend on what else the machine is doing);
5. the event page's median latency alone, then while ten ``agenda.pdf`` downloads start at the
   same moment (``--pdf-clients``, ``--repeat`` rounds): the ratio of the two.

The load generator runs on the same machine as the server. A PostgreSQL database given with
``--database-url`` is emptied first (its name must contain "bench", as a safety catch).
Everything runs against 127.0.0.1 only and takes about a minute and a half.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
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
from concurrent.futures import ProcessPoolExecutor
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


def _client(url: str, stop_at: float) -> tuple[list[float], int]:
    session = requests.Session()
    latencies, bad = [], 0
    while time.time() < stop_at:
        t0 = time.perf_counter()
        r = session.get(url, timeout=120)
        latencies.append(time.perf_counter() - t0)
        bad += r.status_code != 200
    return latencies, bad


def percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def hammer(url: str, seconds: float, clients: int) -> dict:
    """``clients`` processes requesting ``url`` back to back for ``seconds``: requests/s and latency."""
    stop_at = time.time() + seconds
    start = time.perf_counter()
    with ProcessPoolExecutor(clients, mp_context=multiprocessing.get_context("fork")) as pool:
        results = list(pool.map(_client, [url] * clients, [stop_at] * clients))
    elapsed = time.perf_counter() - start
    latencies = sorted(x for lat, _bad in results for x in lat)
    n = len(latencies)
    return {
        "requests": n,
        "errors": sum(bad for _lat, bad in results),
        "seconds": round(elapsed, 2),
        "rps": round(n / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p90_ms": round(percentile(latencies, 90) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
    }


def print_log_tail(log_path: Path, lines: int = 40) -> None:
    """The server log's last lines on stderr (a benchmark that failed says why)."""
    if log_path.exists():
        print("--- server log (last lines) ---", file=sys.stderr)
        print("\n".join(log_path.read_text(errors="replace").splitlines()[-lines:]), file=sys.stderr)


def _timer(conn) -> None:
    """Child process: for each URL received, GET it and send back the milliseconds it took
    (negative when it failed). None stops it."""
    session = requests.Session()
    while (url := conn.recv()) is not None:
        t0 = time.perf_counter()
        try:
            ok = session.get(url, timeout=300).status_code == 200
        except requests.RequestException:
            ok = False
        took = (time.perf_counter() - t0) * 1000
        conn.send(took if ok else -took)


class Timer:
    """Times single requests from a process of its own, so that the download threads of this
    process (and the GIL they hold while they read) never delay the timed request client-side:
    only the server's contention is measured."""

    def __init__(self) -> None:
        self.conn, child = multiprocessing.get_context("fork").Pipe()
        self.process = multiprocessing.get_context("fork").Process(target=_timer, args=(child,), daemon=True)
        self.process.start()

    def get(self, url: str) -> float:
        self.conn.send(url)
        return self.conn.recv()

    def close(self) -> None:
        self.conn.send(None)
        self.process.join(timeout=10)


def median_latency(timer: Timer, url: str, repeat: int) -> float:
    return statistics.median(timer.get(url) for _ in range(repeat))


def pdf_downloads(base: str, slug: str, clients: int, rounds: int, repeat: int) -> dict:
    """The event page's median latency alone, and while ``clients`` PDF agenda downloads start at
    the same moment as it (``rounds`` times). The event page is timed from a separate process
    (:class:`Timer`). A failed request (a worker killed by gunicorn's timeout while it rendered)
    counts as a failure, with the time it took to fail."""
    pdf_url = f"{base}/events/{slug}/agenda.pdf"
    deadline = time.monotonic() + 180
    first = requests.get(pdf_url, timeout=300)
    while first.status_code == 202 and time.monotonic() < deadline:  # "being prepared"
        time.sleep(1)
        first = requests.get(pdf_url, timeout=300)
    page_url = f"{base}/events/{slug}/"
    timer = Timer()
    try:
        alone = median_latency(timer, page_url, repeat)
        during, failures = [], 0
        for _ in range(rounds):
            gate = threading.Barrier(clients + 1)

            def download(gate: threading.Barrier = gate) -> None:
                gate.wait()
                try:
                    requests.get(pdf_url, timeout=300)
                except requests.RequestException:
                    pass

            threads = [threading.Thread(target=download) for _ in range(clients)]
            for t in threads:
                t.start()
            gate.wait()
            took = timer.get(page_url)
            during.append(abs(took))
            failures += took < 0
            for t in threads:
                t.join()
    finally:
        timer.close()
    loaded = statistics.median(during)
    return {
        "pdf_status": first.status_code,
        "pdf_bytes": len(first.content),
        "simultaneous": clients,
        "rounds": rounds,
        "event_page_alone_ms": round(alone, 1),
        "event_page_with_pdf_ms": round(loaded, 1),
        "event_page_failures": failures,
        "slowdown": round(loaded / alone, 2) if alone else None,
    }


ROUTES = {
    "event page": "/events/{slug}/",
    "agenda": "/events/{slug}/agenda",
    "calendar.ics": "/events/{slug}/calendar.ics",
    "schedule.xml": "/events/{slug}/schedule.xml",
    "schedule.json": "/events/{slug}/schedule.json",
}


def _start(argv: list[str], root: Path, env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(argv, cwd=root, env=env, stdout=log, stderr=log, start_new_session=True)


def _wait_healthy(base: str, proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=30).status_code in (200, 503):
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            sys.exit("gunicorn did not start; see " + str(log_path))
        time.sleep(0.3)


def _has_jobs_worker(root: Path) -> bool:
    return (root / "wid_events" / "core" / "worker.py").exists()


def environment(
    database_url: str | None, root: Path, prefix: str = "wid-bench-agenda-"
) -> tuple[Path, str, dict]:
    """A temporary folder, the database URL (a SQLite file in it by default) and the server's
    environment (rate limits off, no Redis, no worker recycling)."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    db_url = database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    if not db_url.startswith("sqlite") and "bench" not in db_url.rsplit("/", 1)[-1]:
        sys.exit("refusing to empty a database whose name does not contain 'bench'")
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("WID_TESTING", "REDIS_URL", "GUNICORN_MAX_REQUESTS")
        },
        "DATABASE_URL": db_url,
        "WID_INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_ENABLED": "0",
        "PYTHONPATH": str(root),
    }
    return tmp, db_url, env


def load_event(root: Path, env: dict, tmp: Path, sessions: int) -> str:
    """Empties the database, generates a ``sessions``-session event with
    ``bench/generate_event.py`` and imports it with ``flask events import``. Returns its slug."""
    py = sys.executable
    slug = f"bench-agenda-{sessions}"
    package = tmp / "event.json"
    subprocess.run(
        [py, "-c", RESET, str(root / "migrations")], cwd=root, env=env, check=True, capture_output=True
    )
    generate = [py, str(ROOT / "bench" / "generate_event.py"), "--sessions", str(sessions), "--slug", slug]
    subprocess.run([*generate, "-o", str(package)], cwd=root, env=env, check=True, capture_output=True)
    subprocess.run(
        [str(Path(py).parent / "flask"), "--app", "wsgi", "events", "import", str(package)],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    return slug


def start_gunicorn(root: Path, env: dict, workers: int, log) -> tuple[subprocess.Popen, str]:
    """``gunicorn -w workers`` on a free port of 127.0.0.1, with the checkout's own
    ``gunicorn.conf.py`` (read from the working directory). Returns the master and the base URL."""
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    argv = [gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "wsgi:app"]
    return _start(argv, root, env, log), f"http://127.0.0.1:{port}"


def run(database_url: str | None, *, root: Path, sessions: int, seconds: float, clients: int, **opts) -> dict:
    tmp, db_url, env = environment(database_url, root)
    py = sys.executable
    procs: list[subprocess.Popen] = []
    log_path = tmp / "server.log"
    try:
        slug = load_event(root, env, tmp, sessions)
        flask = str(Path(py).parent / "flask")
        inprocess = subprocess.run(
            [py, str(ROOT / "bench" / "inprocess.py"), slug],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        in_process = json.loads(inprocess.stdout.strip().splitlines()[-1])

        log = open(log_path, "wb")
        master, base = start_gunicorn(root, env, opts["workers"], log)
        procs.append(master)
        if _has_jobs_worker(root):
            procs.append(_start([flask, "--app", "wsgi", "jobs", "worker", "--poll", "0.2"], root, env, log))
        _wait_healthy(base, procs[0], log_path)
        urls = {name: base + path.format(slug=slug) for name, path in ROUTES.items()}
        for _ in range(2 * opts["workers"]):  # warm every worker (templates, imports, caches)
            for url in [f"{base}/healthz", *urls.values()]:
                requests.get(url, timeout=120)
        loads = {"/healthz": hammer(f"{base}/healthz", seconds, clients)}
        for name, url in urls.items():
            loads[name] = hammer(url, seconds, clients)
        health = loads["/healthz"]["rps"]
        return {
            "database": database_label(db_url),
            "root": str(root),
            "sessions": sessions,
            "workers": opts["workers"],
            "clients": clients,
            "in_process": in_process,
            "load": loads,
            "ratio_to_healthz": {
                k: round(v["rps"] / health, 3) if health else None for k, v in loads.items()
            },
            "healthz_p99_to_p50": round(
                loads["/healthz"]["p99_ms"] / max(loads["/healthz"]["p50_ms"], 0.1), 1
            ),
            "pdf": pdf_downloads(base, slug, opts["pdf_clients"], opts["pdf_rounds"], opts["repeat"]),
        }
    except BaseException:
        print_log_tail(log_path)
        raise
    finally:
        for proc in procs:
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
    print(f"database:      {r['database']}; checkout {r['root']}")
    print(
        f"gunicorn:      {r['workers']} workers (the checkout's gunicorn.conf.py), "
        f"{r['clients']} client processes"
    )
    ip = r["in_process"]
    print(f"in process:    create_app {ip['create_app_ms']} ms")
    for name in ROUTES:
        print(f"  {name:13s} cold {ip[name]['cold_ms']:7.1f} ms   warm {ip[name]['warm_ms']:6.1f} ms")
    print("under load:    req/s   ÷ /healthz    p50 ms   p90 ms   p99 ms   non-200")
    for name, load in r["load"].items():
        ratio = r["ratio_to_healthz"][name]
        print(
            f"  {name:13s} {load['rps']:7.1f}   {ratio:8.3f}   {load['p50_ms']:7.1f}  {load['p90_ms']:7.1f}  "
            f"{load['p99_ms']:7.1f}   {load['errors']}"
        )
    print(f"/healthz p99 ÷ p50 under load: {r['healthz_p99_to_p50']} (goal ≤ 10)")
    pdf = r["pdf"]
    print(
        f"PDF agenda:    {pdf['pdf_bytes']:,} bytes (status {pdf['pdf_status']}); event page "
        f"{pdf['event_page_alone_ms']} ms alone, {pdf['event_page_with_pdf_ms']} ms beside "
        f"{pdf['simultaneous']} simultaneous PDF downloads (median of {pdf['rounds']}, "
        f"{pdf['event_page_failures']} failed) → {pdf['slowdown']}x (goal ≤ 2)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve (default: this one)")
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=6.0, help="load duration per route (default 6)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client processes (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--pdf-clients", type=int, default=10, help="simultaneous PDF downloads (default 10)")
    parser.add_argument("--pdf-rounds", type=int, default=5, help="rounds of simultaneous PDF downloads")
    parser.add_argument("--repeat", type=int, default=15, help="event page fetches for its latency alone")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = run(
        args.database_url,
        root=args.root.resolve(),
        sessions=args.sessions,
        seconds=args.seconds,
        clients=args.clients,
        workers=args.workers,
        pdf_clients=args.pdf_clients,
        pdf_rounds=args.pdf_rounds,
        repeat=args.repeat,
    )
    result["machine"] = machine()
    result["load_average"] = [round(x, 1) for x in os.getloadavg()]
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"machine:       {result['machine']}; load average {result['load_average']} (1, 5, 15 min)")
        print_result(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
