"""Issue 16, F4: with ``REDIS_URL`` set but Redis down, the site keeps working.

Rate limits fall back to counting in memory, jobs (mail) run inline instead of being lost,
and ``/healthz`` says "degraded" with 200 while the database answers.
"""

from __future__ import annotations

import logging

import pytest
from conftest import IsolatingClient, base_config, count_rows
from test_prod_health import flask_db_upgrade

from tests.factories import PASSWORD, make_event, make_exhibitor, make_person, make_user
from wid_events import create_app
from wid_events.accounts.models import EventOrganiser
from wid_events.extensions import db, limiter
from wid_events.registration.models import Registration

#: Nothing listens on port 1: every connection is refused at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def _loggers_enabled():
    """Alembic's logging set-up (run in-process by the migration tests) disables the loggers
    that exist at that time; these tests read the warnings, so switch them back on."""
    for name in ("wid_events", "flask-limiter"):
        logging.getLogger(name).disabled = False


@pytest.fixture
def dead_redis_app(app):
    """An app configured for Redis (limits and jobs) while Redis is down. The Limiter is shared
    by every app in this process, so its state is restored afterwards."""
    saved = dict(vars(limiter))
    down = create_app(
        base_config(
            REDIS_URL=DEAD_REDIS,
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI=DEAD_REDIS,
            RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 1, "socket_timeout": 1},
        )
    )
    down.test_client_class = IsolatingClient
    try:
        yield down
    finally:
        vars(limiter).clear()
        vars(limiter).update(saved)


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory):
    """``/healthz`` also wants the newest migration: a database made by ``flask db upgrade``."""
    tmp_path = tmp_path_factory.mktemp("health-redis")
    uri = f"sqlite:///{tmp_path / 'upgraded.sqlite3'}"
    flask_db_upgrade(uri, tmp_path)
    return uri


def test_healthz_is_degraded_not_down(app, migrated_db, caplog):
    saved = dict(vars(limiter))
    health_app = create_app(base_config(SQLALCHEMY_DATABASE_URI=migrated_db, REDIS_URL=DEAD_REDIS))
    try:
        with caplog.at_level(logging.WARNING):
            response = health_app.test_client().get("/healthz")
    finally:
        vars(limiter).clear()
        vars(limiter).update(saved)
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "checks": {"database": "ok", "redis": "down"}}
    assert any("Redis" in r.getMessage() for r in caplog.records)


def test_register_login_and_invitations_work_and_mail_arrives(dead_redis_app, outbox, caplog):
    event = make_event("redis-down")
    client = dead_redis_app.test_client()
    with caplog.at_level(logging.WARNING):
        response = client.post(
            f"/events/{event.slug}/register",
            data={
                "name": "Amal Haddad",
                "email": "amal@example.org",
                "attendance": "in_person",
                "consent": "y",
            },
        )
        assert response.status_code == 303 or response.status_code == 302, response.get_data(as_text=True)[
            :500
        ]
        assert "/registrations/" in response.headers["Location"]
        db.session.remove()
        assert count_rows(Registration) == 1
        assert any("amal@example.org" in str(m["To"]) for m in outbox())

        db.session.remove()
        user = make_user("organiser-redis@example.org")
        db.session.add(EventOrganiser(user_id=user.id, event_id=event.id))
        db.session.commit()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302

        db.session.remove()
        person = make_person(event, "Lina Petrova", email="lina@example.org")
        response = client.post(f"/manage/events/{event.slug}/speaker-links/{person.id}/send")
        assert response.status_code == 302
        assert any("lina@example.org" in str(m["To"]) for m in outbox())

        db.session.remove()  # a fresh snapshot: the other app's requests wrote meanwhile
        exhibitor = make_exhibitor(event, "Acme", contact_email="jobs@acme.example")
        response = client.post(f"/manage/events/{event.slug}/exhibitors/{exhibitor.id}/invite")
        assert response.status_code in (302, 303)
        assert any("jobs@acme.example" in str(m["To"]) for m in outbox())

    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("running job" in m and "inline" in m for m in messages), messages


def test_login_rate_limit_still_holds_in_memory(dead_redis_app):
    user = make_user("limited-redis@example.org")
    client = dead_redis_app.test_client()
    statuses = [
        client.post("/login", data={"email": user.email, "password": "wrong password"}).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
