"""Rate limits on registration POSTs, and the write transaction that guarantees capacity."""

from __future__ import annotations

import sqlite3
import threading

import pytest
import sqlalchemy as sa

from tests.factories import make_event
from tests.test_reg_form import form_data
from wid_events import create_app
from wid_events.core.database import write_transaction
from wid_events.events.models import Event
from wid_events.extensions import db, limiter


@pytest.fixture(scope="module")
def _limited_app(_app):
    """A second app on the same database with rate limits on (as in production)."""
    was = limiter.enabled
    limited = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "SERVER_NAME": None,
        }
    )
    # The limiter object is shared by both apps; only the limited app has its request hooks.
    limiter.enabled = was
    return limited


@pytest.fixture
def limited_client(app, _limited_app):
    limiter.enabled = True
    limiter.reset()
    yield _limited_app.test_client()
    limiter.reset()
    limiter.enabled = False


def test_register_posts_are_rate_limited_with_friendly_page(limited_client):
    client = limited_client
    event = make_event()
    url = f"/events/{event.slug}/register"
    statuses = [client.post(url, data=form_data(consent="")).status_code for _ in range(20)]
    assert statuses == [400] * 20
    blocked = client.post(url, data=form_data())
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert "Too many requests" in html
    assert "Please wait a minute" in html
    # Reading the form is never limited.
    assert client.get(url).status_code == 200
    json_blocked = client.post(url, data=form_data(), headers={"Accept": "application/json"})
    assert json_blocked.status_code == 429
    assert json_blocked.get_json()["error"]["code"] == "rate_limited"


def test_write_transaction_takes_the_write_lock_up_front(app):
    """SQLite: BEGIN IMMEDIATE, so another writer cannot start until we commit."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite-specific; PostgreSQL uses SELECT … FOR UPDATE (race tests cover both)")
    event = make_event()
    path = db.engine.url.database
    with write_transaction():
        db.session.scalar(sa.select(Event.id).where(Event.id == event.id))  # a read only
        other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
        db.session.commit()
    other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()


def test_write_transaction_on_postgres_blocks_second_locker(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    from wid_events.core.database import lock_for_update

    event = make_event()
    event_id = event.id
    order: list[str] = []
    got_lock = threading.Event()

    def second():
        with app.app_context():
            with write_transaction():
                got_lock.set()
                db.session.execute(lock_for_update(sa.select(Event.id).where(Event.id == event_id)))
                order.append("second")
                db.session.commit()
            db.session.remove()

    with write_transaction():
        db.session.execute(lock_for_update(sa.select(Event.id).where(Event.id == event_id)))
        t = threading.Thread(target=second)
        t.start()
        got_lock.wait(5)
        t.join(0.5)  # it must still be waiting for our row lock
        order.append("first")
        db.session.commit()
    t.join(10)
    assert order == ["first", "second"]


def test_write_transaction_never_trusts_what_was_read_before_it_and_keeps_earlier_writes(app):
    """What was loaded before the block is read again inside it (a transaction that only read goes
    on, on PostgreSQL, but with everything expired); a transaction that wrote is committed first,
    so a refusal inside the block does not undo it."""
    event = make_event(title="Before")
    with db.engine.begin() as conn:  # an organiser's edit, committed meanwhile
        conn.execute(sa.update(Event).where(Event.id == event.id).values(title="After"))
    with write_transaction():
        assert event.title == "After"
        db.session.commit()

    event.title = "Written first"
    with pytest.raises(RuntimeError), write_transaction():
        raise RuntimeError("refused under the lock")
    db.session.expire_all()
    assert event.title == "Written first"
