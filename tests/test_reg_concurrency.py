"""Never overbook: 60 simultaneous registrations against a real gunicorn with 4 workers.

Runs on the test database: the temporary SQLite file by default, PostgreSQL when
TEST_DATABASE_URL points at one (as in CI). Each client fetches the form with its own
cookie jar and posts with its own CSRF token, like a browser.
"""

from __future__ import annotations

import datetime as dt
import email
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from email import policy
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.factories import make_event, make_session
from wid_events.core.web import hash_token
from wid_events.enums import Attendance, RegistrationStatus, SessionAttendance
from wid_events.extensions import db
from wid_events.registration import services
from wid_events.registration.models import Registration, RegistrationSession

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FORM_KEY_RE = re.compile(r'name="form_key" type="hidden" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """A real gunicorn (``workers`` processes) on the given database, configured like production."""

    def __init__(self, database_url: str, workers: int = 4):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.instance = Path(tempfile.mkdtemp(prefix="wid-gunicorn-"))
        self.log_path = Path(tempfile.mkdtemp(prefix="wid-gunicorn-log-")) / "gunicorn.log"
        env = {k: v for k, v in os.environ.items() if k != "WID_TESTING"}
        env.update(
            DATABASE_URL=database_url,
            WID_INSTANCE_PATH=str(self.instance),
            SECRET_KEY="gunicorn-test-" + "k3y" * 12,
            RATELIMIT_ENABLED="0",
            JOBS_INLINE="1",  # mail is sent in the request: the tests read the outbox right after
        )
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.proc = subprocess.Popen(
            [gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{self.port}", "--timeout", "60", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log_path, "wb"),
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(self.url + "/", timeout=30)
                break
            except (requests.ConnectionError, requests.Timeout):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "gunicorn did not start: " + self.log_path.read_text()[-3000:]
                    ) from None
                time.sleep(0.2)

    def outbox(self):
        folder = self.instance / "outbox"
        return [
            email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(folder.glob("*.eml"))
        ]

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        shutil.rmtree(self.instance, ignore_errors=True)


@pytest.fixture(scope="module")
def gunicorn(_app):
    # The test database (temporary SQLite file, or PostgreSQL from TEST_DATABASE_URL), whose
    # tables the session fixture created; each test's rows are committed, so gunicorn sees them.
    server = Gunicorn(_app.config["SQLALCHEMY_DATABASE_URI"])
    yield server
    server.stop()


def fire(base_url: str, slug: str, n: int, extra=None) -> list[tuple[int, str]]:
    """n clients each GET the form, wait at a barrier, then POST together. Returns (status, location).

    ``extra``: more form fields, a dict for every client or a function of the client's number."""
    barrier = threading.Barrier(n)
    results: list[tuple[int, str] | None] = [None] * n
    errors: list[BaseException] = []

    def client(i: int):
        try:
            s = requests.Session()
            page = s.get(f"{base_url}/events/{slug}/register", timeout=120)
            html = page.text
            assert CSRF_RE.search(html), (page.status_code, html[:300])
            data = {
                "csrf_token": CSRF_RE.search(html).group(1),
                "form_key": FORM_KEY_RE.search(html).group(1),
                "name": f"Racer {i}",
                "email": f"racer{i}@example.org",
                "attendance": "in_person",
                "consent": "y",
                **((extra(i) if callable(extra) else extra) or {}),
            }
            barrier.wait(timeout=60)
            r = s.post(f"{base_url}/events/{slug}/register", data=data, allow_redirects=False, timeout=120)
            results[i] = (r.status_code, r.headers.get("Location", ""))
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def cancel_via_http(base_url: str, token: str) -> int:
    s = requests.Session()
    html = s.get(f"{base_url}/registrations/{token}/cancel", timeout=30).text
    r = s.post(
        f"{base_url}/registrations/{token}/cancel",
        data={"csrf_token": CSRF_RE.search(html).group(1)},
        allow_redirects=False,
        timeout=30,
    )
    return r.status_code


def test_sixty_registrations_for_twenty_seats(app, gunicorn):
    event = make_event(capacity_in_person=20, capacity_online=None)
    slug = event.slug
    db.session.remove()

    results = fire(gunicorn.url, slug, 60)
    statuses = [s for s, _ in results]
    assert all(s < 500 for s in statuses), statuses
    assert statuses == [303] * 60, statuses
    tokens = [loc.rsplit("/", 1)[-1] for _, loc in results]
    assert len(set(tokens)) == 60

    facts = {t: requests.get(f"{gunicorn.url}/registrations/{t}.json", timeout=30).json() for t in tokens}
    by_status = {}
    for t, f in facts.items():
        by_status.setdefault(f["status"], []).append(t)
    assert len(by_status["confirmed"]) == 20
    assert len(by_status["waitlisted"]) == 40
    assert set(by_status) == {"confirmed", "waitlisted"}
    positions = sorted(facts[t]["waitlist_position"] for t in by_status["waitlisted"])
    assert positions == list(range(1, 41))
    confirmed_in_db = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
        )
    )
    assert confirmed_in_db == 20

    first = next(t for t in by_status["waitlisted"] if facts[t]["waitlist_position"] == 1)
    second = next(t for t in by_status["waitlisted"] if facts[t]["waitlist_position"] == 2)
    assert cancel_via_http(gunicorn.url, by_status["confirmed"][0]) == 303
    assert (
        requests.get(f"{gunicorn.url}/registrations/{first}.json", timeout=30).json()["status"] == "confirmed"
    )
    assert (
        requests.get(f"{gunicorn.url}/registrations/{second}.json", timeout=30).json()["waitlist_position"]
        == 1
    )
    db.session.remove()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Registration.id)).where(
                Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
            )
        )
        == 20
    )
    promoted_name = db.session.scalar(
        sa.select(Registration.email).where(Registration.token_hash == hash_token(first))
    )
    assert any(
        m["To"].addresses[0].addr_spec == promoted_name and m["Subject"].startswith("Good news")
        for m in gunicorn.outbox()
    )


def test_workshop_race_never_overbooks(app, gunicorn):
    event = make_event(capacity_in_person=None, capacity_online=None)
    workshop = make_session(event, "Hands-on AI", requires_signup=True, capacity=5)
    slug, sid = event.slug, workshop.id
    db.session.remove()

    results = fire(gunicorn.url, slug, 30, {"sessions": str(sid)})
    assert [s for s, _ in results] == [303] * 30
    tokens = [loc.rsplit("/", 1)[-1] for _, loc in results]
    for t in tokens:
        assert (
            requests.get(f"{gunicorn.url}/registrations/{t}.json", timeout=30).json()["status"] == "confirmed"
        )

    choices = db.session.scalars(
        sa.select(RegistrationSession).where(RegistrationSession.session_id == sid)
    ).all()
    confirmed = [c for c in choices if c.status == RegistrationStatus.CONFIRMED]
    waiting = [c for c in choices if c.status == RegistrationStatus.WAITLISTED]
    assert len(confirmed) == 5 and len(waiting) == 25
    positions = {c.id: services.choice_position(c) for c in waiting}
    assert sorted(positions.values()) == list(range(1, 26))
    head = min(waiting, key=lambda c: positions[c.id])
    head_id, head_reg = head.id, head.registration_id

    token_of_confirmed = next(
        t
        for t in tokens
        if db.session.scalar(sa.select(Registration.id).where(Registration.token_hash == hash_token(t)))
        == confirmed[0].registration_id
    )
    db.session.remove()
    assert cancel_via_http(gunicorn.url, token_of_confirmed) == 303
    assert db.session.get(RegistrationSession, head_id).status == RegistrationStatus.CONFIRMED
    assert services.count_session(sid) == 5
    assert db.session.get(Registration, head_reg).status == RegistrationStatus.CONFIRMED


def test_simultaneous_double_submit_is_one_registration(app, gunicorn):
    """The same form (same cookie, CSRF token and form key) posted 5 times at once."""
    event = make_event(capacity_in_person=3)
    slug, event_id = event.slug, event.id
    db.session.remove()
    s = requests.Session()
    html = s.get(f"{gunicorn.url}/events/{slug}/register", timeout=60).text
    data = {
        "csrf_token": CSRF_RE.search(html).group(1),
        "form_key": FORM_KEY_RE.search(html).group(1),
        "name": "Impatient Clicker",
        "email": "clicker@example.org",
        "attendance": "in_person",
        "consent": "y",
    }
    barrier = threading.Barrier(5)
    results = []

    def post():
        barrier.wait(timeout=60)
        r = s.post(f"{gunicorn.url}/events/{slug}/register", data=data, allow_redirects=False, timeout=120)
        results.append((r.status_code, r.headers.get("Location", "")))

    threads = [threading.Thread(target=post) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [code for code, _ in results] == [303] * 5
    assert len({loc for _, loc in results}) == 1
    count = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(Registration.event_id == event_id)
    )
    assert count == 1


def test_online_racers_never_hold_an_in_person_seat(app, gunicorn):
    """30 in-person and 30 online registrants post together for an in-person-only workshop."""
    event = make_event(capacity_in_person=None, capacity_online=None)
    start = dt.datetime.combine(event.start_date, dt.time(14, 0))
    workshop = make_session(event, "Room-only workshop", start=start, requires_signup=True, capacity=10)
    assert workshop.attendance_mode == SessionAttendance.IN_PERSON  # the hybrid event's default
    slug, ws_id = event.slug, workshop.id
    db.session.remove()

    def fields(i: int) -> dict:
        online = i % 2 == 1
        data = {"attendance": "online" if online else "in_person"}
        if not (online and i % 4 == 3):  # half the online racers choose no workshop
            data["sessions"] = str(ws_id)
        return data

    results = fire(gunicorn.url, slug, 60, extra=fields)
    statuses = [s for s, _ in results]
    assert all(s < 500 for s in statuses), statuses
    refused = [i for i, (s, _) in enumerate(results) if s == 400]
    assert refused == [i for i in range(60) if i % 4 == 1]  # online with the workshop
    assert all(results[i][0] == 303 for i in range(60) if i not in refused)

    holders = db.session.execute(
        sa.select(Registration.attendance, RegistrationSession.status)
        .join(RegistrationSession, RegistrationSession.registration_id == Registration.id)
        .where(RegistrationSession.session_id == ws_id)
    ).all()
    assert {attendance for attendance, _ in holders} == {Attendance.IN_PERSON}
    by_status = Counter(status for _, status in holders)
    assert by_status == {RegistrationStatus.CONFIRMED: 10, RegistrationStatus.WAITLISTED: 20}
    assert (
        db.session.scalar(sa.select(sa.func.count(Registration.id)).where(Registration.event_id == event.id))
        == 45
    )
