"""Benchmark: the CPU a registration and its confirmation mail cost on a 300-session event.

    .venv/bin/python -m bench.confirmation_mail                 # temporary SQLite file
    .venv/bin/python -m bench.confirmation_mail --registrations 100 --sessions 600

Generates the event with ``bench/generate_event.py``, imports it with ``flask events import``
(the real CLI) into a fresh database, posts registrations with one workshop through Flask's
test client (CSRF token and all, as a browser), then lets the jobs worker build and "send"
(``instance/outbox``) every confirmation in this process. Prints the CPU time per registration
POST and per confirmation job (``time.process_time``): the mail job runs beside the web
workers during a rush, so its cost is taken from them.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.registrations import CSRF_RE, form_data

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--registrations", type=int, default=60)
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="wid-bench-mail-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        WID_INSTANCE_PATH=str(tmp / "instance"),
        SECRET_KEY=secrets.token_hex(32),
        RATELIMIT_ENABLED="0",
    )
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]
    package = tmp / "event.json"
    generate = [sys.executable, str(ROOT / "bench" / "generate_event.py"), "--sessions", str(args.sessions)]
    generate += ["--slug", "big", "-o", str(package)]
    subprocess.run(generate, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "events", "import", str(package)], cwd=ROOT, check=True, capture_output=True)

    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa

    from wid_events import create_app
    from wid_events.agenda.models import Session
    from wid_events.core import worker
    from wid_events.events.models import Event
    from wid_events.extensions import db

    app = create_app()
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "big"))
        event.published, event.registration_open, event.capacity_in_person = True, True, 100_000
        workshop = db.session.scalar(
            sa.select(Session.id).where(Session.event_id == event.id, Session.requires_signup).limit(1)
        )
        db.session.commit()
    client = app.test_client()
    token = CSRF_RE.search(client.get("/events/big/register").get_data(as_text=True)).group(1)
    n = args.registrations
    cpu = time.process_time()
    for i in range(n):
        data = form_data(token, str(i), "in_person", str(workshop))
        assert client.post("/events/big/register", data=data).status_code == 303
    post_ms = (time.process_time() - cpu) / n * 1000
    with app.app_context():
        cpu = time.process_time()
        jobs = worker.work(burst=True)
        job_ms = (time.process_time() - cpu) / max(jobs, 1) * 1000
    mails = len(list((tmp / "instance" / "outbox").glob("*.eml")))
    print(f"event:        {args.sessions} sessions (bench/generate_event.py), SQLite, one process")
    print(f"registration: {post_ms:.1f} ms CPU per POST ({n} posts with one workshop)")
    print(f"confirmation: {job_ms:.1f} ms CPU per mail job ({jobs} jobs, {mails} mails in the outbox)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
