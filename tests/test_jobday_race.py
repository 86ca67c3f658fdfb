"""The slot race over HTTP: 10 attendees book the same 2-recruiter slot at once against a real
gunicorn with 4 worker processes (CSRF on, own cookie jar each). Exactly 2 get it.

Runs on the test database: the temporary SQLite file by default, PostgreSQL when
TEST_DATABASE_URL points at one (as in CI).
"""

from __future__ import annotations

import re
import threading

import pytest
import requests
import sqlalchemy as sa

from tests.factories import make_event, make_exhibitor, make_registration_with_token, make_slots
from tests.test_jobday_booking import at
from tests.test_reg_concurrency import Gunicorn
from wid_events.extensions import db
from wid_events.jobday.models import BookingStatus, InterviewBooking

pytestmark = pytest.mark.slow

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def gunicorn(_app):
    server = Gunicorn(_app.config["SQLALCHEMY_DATABASE_URI"])
    yield server
    server.stop()


def test_ten_attendees_race_for_a_slot_with_two_recruiters(app, gunicorn):
    event = make_event("race-jobday")
    exhibitor = make_exhibitor(event, "Race Ltd", booth="R1")
    slot = make_slots(exhibitor, at(10), at(10, 20), recruiters=2)[0]
    tokens = [make_registration_with_token(event, f"Racer {i}")[1] for i in range(10)]
    exhibitor_id, slot_id = exhibitor.id, slot.id  # the threads have no app context
    barrier = threading.Barrier(len(tokens))
    results: list = [None] * len(tokens)
    errors: list = []

    def client(i: int, token: str) -> None:
        try:
            s = requests.Session()
            page = s.get(
                f"{gunicorn.url}/registrations/{token}/interviews?exhibitor={exhibitor_id}", timeout=120
            )
            match = CSRF_RE.search(page.text)
            assert match, (page.status_code, page.text[:300])
            data = {
                "csrf_token": match.group(1),
                "slot": str(slot.id),
                "exhibitor": str(exhibitor.id),
                "offer": "",
            }
            barrier.wait(timeout=60)
            r = s.post(
                f"{gunicorn.url}/registrations/{token}/interviews/book",
                data=data,
                allow_redirects=False,
                timeout=120,
            )
            results[i] = r.status_code
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=client, args=(i, t)) for i, t in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(results) == [303, 303] + [409] * 8, results
    db.session.rollback()
    booked = db.session.scalar(
        sa.select(sa.func.count(InterviewBooking.id)).where(
            InterviewBooking.slot_id == slot_id, InterviewBooking.status == BookingStatus.BOOKED
        )
    )
    assert booked == 2
