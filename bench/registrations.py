"""Registrations per second through a real gunicorn (2 sync workers by default, as the issue measures).

    .venv/bin/python bench/registrations.py                      # temporary SQLite file
    .venv/bin/python bench/registrations.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/wid_bench
    .venv/bin/python bench/registrations.py --jobs-worker after  # the web tier alone

Each client thread fetches the form once (its own session cookie and CSRF token, like a
browser), then posts registrations back to back (http.client, lighter than requests: the
clients share the machine's cores), each with a fresh idempotency key. Half the in-person
seats run out during the run, so both the confirm and the waitlist paths are timed. At the end
the script checks that no more seats were confirmed than the capacity.
The jobs worker that sends the confirmations runs beside gunicorn during the burst, niced as
`make run` starts it (``--jobs-worker beside``, the default), or starts after the burst
(``--jobs-worker after``: the web tier alone, as with the worker on another machine); either
way the time it takes to send every confirmation is printed.
Rate limits are switched off (RATELIMIT_ENABLED=0), as the contract says for load tests.
"""

from __future__ import annotations

import argparse
import ast
import http.client
import itertools
import os
import platform
import re
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
from urllib.parse import urlencode

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
SEATS_RE = re.compile(r"(\d+) of \d+ places left")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

SETUP = """
import datetime as dt, sys
import sqlalchemy as sa
from wid_events import create_app
from wid_events.extensions import db
from wid_events.events.models import Event
from wid_events.agenda.models import Session
from wid_events.enums import EventMode
app = create_app()
with app.app_context():
    db.create_all()
    slug, capacity = sys.argv[1], int(sys.argv[2])
    event = Event(slug=slug, title="Benchmark " + slug, timezone="Europe/Brussels",
                  start_date=dt.date(2030, 9, 11), end_date=dt.date(2030, 9, 11), mode=EventMode.HYBRID,
                  capacity_in_person=capacity, capacity_online=None, registration_open=True, published=True)
    db.session.add(event)
    db.session.add(Session(event=event, key="ws", title="Workshop", requires_signup=True,
                           capacity=capacity // 4, start=dt.datetime(2030, 9, 11, 14),
                           end=dt.datetime(2030, 9, 11, 15)))
    db.session.commit()
    print(db.session.scalar(sa.select(Session.id).where(Session.event_id == event.id)))
"""

COUNT = """
import sys
import sqlalchemy as sa
from wid_events import create_app
from wid_events.extensions import db
from wid_events.events.models import Event
from wid_events.registration.models import Registration
app = create_app()
with app.app_context():
    eid = db.session.scalar(sa.select(Event.id).where(Event.slug == sys.argv[1]))
    rows = db.session.execute(sa.select(Registration.attendance, Registration.status, sa.func.count())
                              .where(Registration.event_id == eid).group_by(Registration.attendance,
                              Registration.status)).all()
    print({f"{a.value}/{s.value}": n for a, s, n in rows})
"""


def form_data(csrf_token: str, n: str, attendance: str, session_id: str | None = None) -> dict:
    """One registration form as a browser posts it: a fresh form key, registrant ``n``."""
    data = {
        "csrf_token": csrf_token,
        "form_key": secrets.token_urlsafe(24),
        "name": f"Bench {n}",
        "email": f"bench{n}@example.org",
        "attendance": attendance,
        "consent": "y",
    }
    if session_id is not None:
        data["sessions"] = session_id
    return data


def cpu_seconds_by_kind(gunicorn_pid: int, worker_pid: int | None) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the web server, the jobs worker, the
    PostgreSQL backends and this client, read from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = {"web": 0.0, "jobs worker": 0.0, "postgres": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, _, rest = text.partition("(")[2].rpartition(")")
        fields = rest.split()
        pid, ppid, used = int(stat.parent.name), int(fields[1]), (int(fields[11]) + int(fields[12])) / tick
        if gunicorn_pid in (pid, ppid):
            totals["web"] += used
        elif worker_pid is not None and worker_pid in (pid, ppid):
            totals["jobs worker"] += used
        elif name.startswith("postgres"):
            totals["postgres"] += used
    self_usage = os.times()
    totals["client"] = self_usage.user + self_usage.system
    return totals


def mail_queue_drain_seconds(db_url: str, limit: float = 120.0) -> float | None:
    """Seconds until the jobs worker has taken every queued confirmation mail (None: not within
    ``limit``)."""
    engine = sa.create_engine(db_url)
    start = time.perf_counter()
    try:
        while time.perf_counter() - start < limit:
            with engine.connect() as conn:
                left = conn.scalar(sa.text("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')"))
            if not left:
                return time.perf_counter() - start
            time.sleep(0.2)
    finally:
        engine.dispose()
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--registrations", type=int, default=600)
    parser.add_argument(
        "--jobs-worker",
        choices=["beside", "after"],
        default="beside",
        help="run the jobs worker during the burst on this machine (as `make run`), or start it "
        "after the burst (the web tier alone, as with the worker on another machine)",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="wid-bench-"))
    db_url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("WID_TESTING",)},
        "DATABASE_URL": db_url,
        "WID_INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_ENABLED": "0",
    }
    slug = "bench-" + secrets.token_hex(4)
    capacity = args.registrations // 2
    py = sys.executable
    session_id = (
        subprocess.run(
            [py, "-c", SETUP, slug, str(capacity)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(tmp / "gunicorn.log", "wb")
    proc = subprocess.Popen(
        [str(Path(py).parent / "gunicorn"), "-w", str(args.workers), "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )

    def start_worker() -> subprocess.Popen:
        # As in production without Redis: confirmation mails wait in the jobs table for this worker,
        # niced as `make run` and docs/deploy start it: web requests first, the mail follows.
        flask = str(Path(py).parent / "flask")
        return subprocess.Popen(
            ["nice", "-n", "10", flask, "--app", "wsgi", "jobs", "worker", "--poll", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )

    worker = start_worker() if args.jobs_worker == "beside" else None
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                requests.get(f"{url}/events/{slug}/register", timeout=30)
                break
            except (requests.ConnectionError, requests.Timeout):
                if proc.poll() is not None or time.monotonic() > deadline:
                    sys.exit("gunicorn did not start; see " + str(tmp / "gunicorn.log"))
                time.sleep(0.3)
        time.sleep(3)  # let every worker finish booting

        per_client = args.registrations // args.clients
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        lock = threading.Lock()
        barrier = threading.Barrier(args.clients + 1)

        def client(c: int) -> None:
            # A browser's first visit (requests), then the posts with http.client, which costs less
            # CPU: the load generator runs on the same two cores. (gunicorn's sync workers close
            # the connection after each answer; http.client opens a new one for the next post.)
            s = requests.Session()
            html = s.get(f"{url}/events/{slug}/register", timeout=60).text
            token = CSRF_RE.search(html).group(1)
            cookie = "; ".join(f"{k}={v}" for k, v in s.cookies.items())
            headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            barrier.wait()
            for i in range(per_client):
                attendance = "in_person" if i % 4 else "online"
                body = urlencode(form_data(token, f"{c}-{i}", attendance, session_id if i % 2 else None))
                t0 = time.perf_counter()
                conn.request("POST", f"/events/{slug}/register", body=body, headers=headers)
                r = conn.getresponse()
                r.read()
                dt_ = time.perf_counter() - t0
                with lock:
                    latencies.append(dt_)
                    statuses[r.status] = statuses.get(r.status, 0) + 1
            conn.close()

        seats: list[int] = []  # places left the agenda showed during the burst, in order
        agenda_times: list[float] = []
        done = threading.Event()

        def watch_agenda() -> None:
            """The public agenda during the burst: its seat note may only ever go down."""
            s = requests.Session()
            while not done.is_set():
                t0 = time.perf_counter()
                page = s.get(f"{url}/events/{slug}/agenda", timeout=60).text
                agenda_times.append(time.perf_counter() - t0)
                left = SEATS_RE.search(page)
                seats.append(int(left.group(1)) if left else 0 if "Full (" in page else -1)
                time.sleep(0.05)

        threads = [threading.Thread(target=client, args=(c,)) for c in range(args.clients)]
        watcher = threading.Thread(target=watch_agenda)
        for t in threads:
            t.start()
        barrier.wait()
        watcher.start()
        cpu_before = cpu_seconds_by_kind(proc.pid, worker.pid if worker else None)
        start = time.perf_counter()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        cpu_after = cpu_seconds_by_kind(proc.pid, worker.pid if worker else None)
        done.set()
        watcher.join()
        final = requests.get(f"{url}/events/{slug}/agenda", timeout=60).text
        if worker is None:
            worker = start_worker()
        drained = mail_queue_drain_seconds(db_url)
    finally:
        for process in (proc, worker):
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)

    counts = (
        subprocess.run([py, "-c", COUNT, slug], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    n = len(latencies)
    latencies.sort()
    print(f"database:        {db_url.split('@')[-1] if '@' in db_url else 'SQLite (temporary file)'}")
    print(f"machine:         {platform.node()} · {os.cpu_count()} CPUs · {platform.platform()}")
    print(f"load average:    {os.getloadavg()[0]:.1f} (1 min, at the end)")
    print(
        f"gunicorn:        {args.workers} sync workers, {args.clients} concurrent clients; jobs worker "
        + ("beside them during the burst" if args.jobs_worker == "beside" else "started after the burst")
    )
    print(f"registrations:   {n} in {elapsed:.1f} s → {n / elapsed:.1f} registrations/s")
    print(
        f"latency:         median {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {latencies[int(n * 0.95) - 1] * 1000:.0f} ms"
    )
    cpu = {k: (cpu_after[k] - cpu_before[k]) * 1000 / max(n, 1) for k in cpu_after}
    print(
        "CPU per registration: "
        + ", ".join(f"{k} {v:.1f} ms" for k, v in cpu.items())
        + f" (total {sum(cpu.values()):.1f} ms on {os.cpu_count()} CPUs; the agenda watcher included)"
    )
    when = "the last registration" if args.jobs_worker == "beside" else "the worker started"
    print(
        "mail queue:      "
        + (
            f"every confirmation job taken {drained:.1f} s after {when}"
            if drained is not None
            else "not drained within 120 s"
        )
        + " (jobs worker at nice 10)"
    )
    print(f"HTTP statuses:   {statuses}")
    print(f"stored:          {counts} (in-person capacity {capacity})")
    confirmed = ast.literal_eval(counts).get("in_person/confirmed", 0)
    print(f"overbooked:      {'YES' if confirmed > capacity else 'no'} ({confirmed} of {capacity} confirmed)")
    went_up = any(b > a for a, b in itertools.pairwise(seats))
    print(
        f"agenda meanwhile: {len(agenda_times)} fetches, median "
        f"{statistics.median(agenda_times or [0]) * 1000:.0f} ms; workshop places left shown: "
        f"{seats[0] if seats else '-'} → {seats[-1] if seats else '-'}"
        f"{' (WENT UP: a stale page)' if went_up else ', never up'}; after the burst: "
        f"{'Full' if 'Full (' in final and not SEATS_RE.search(final) else 'places left'}"
    )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
