"""Background jobs on Redis: mail is queued on RQ and a worker (``flask rq worker``) sends it."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from wid_events import jobs
from wid_events.core.uow import commit, queue_mail
from wid_events.extensions import db
from wid_events.mail import Mail

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_conn():
    redis = pytest.importorskip("redis")
    conn = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at 127.0.0.1:6379 ({exc}); start redis-server to run this test")
    return conn


@pytest.fixture
def queue_name(redis_conn, monkeypatch):
    """A queue of this test's own, so parallel test runs on the same Redis never share jobs."""
    from rq import Queue

    name = f"wid_events_test_{uuid.uuid4().hex[:12]}"
    monkeypatch.setattr(jobs, "QUEUE_NAME", name)
    yield name
    Queue(name, connection=redis_conn).delete(delete_jobs=True)


@pytest.fixture
def redis_app(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    return app


def greeting_mail(to: str) -> Mail:
    """A mail builder, as areas write them: plain arguments in, the message built in the job."""
    return Mail(to=to, subject="Your DT4E registration", body="See you in Brussels.")


def test_mail_is_queued_then_sent_by_burst_worker(redis_app, redis_conn, queue_name, runner, outbox):
    from rq import Queue

    queue_mail(greeting_mail, "ada@example.org")
    queue = Queue(queue_name, connection=redis_conn)
    assert queue.count == 0  # nothing leaves before the commit
    commit()
    assert queue.count == 1
    payload = repr(queue.jobs[0].args)
    assert "See you in Brussels" not in payload  # the job carries the builder and ids, not a body
    assert outbox() == []  # nothing is sent by the web process itself

    result = runner.invoke(args=["rq", "worker", "--burst", "--queue", queue_name])
    assert result.exit_code == 0, result.output

    assert queue.count == 0
    assert queue.failed_job_registry.count == 0
    messages = outbox()
    assert len(messages) == 1
    assert messages[0]["To"] == "ada@example.org"
    assert messages[0]["Subject"] == "Your DT4E registration"
    assert "See you in Brussels." in messages[0].get_body(("plain",)).get_content()

    info = runner.invoke(args=["rq", "info", "--queue", queue_name])
    assert info.exit_code == 0
    assert "0 queued" in info.output


def test_worker_without_redis_url_explains_and_exits_2(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    result = runner.invoke(args=["rq", "worker", "--burst"])
    assert result.exit_code == 2
    assert "REDIS_URL is not set" in result.output


def test_worker_with_unreachable_redis_exits_1(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    result = runner.invoke(args=["rq", "worker", "--burst"])
    assert result.exit_code == 1
    assert "Cannot reach Redis" in result.output


def test_rolled_back_mail_never_reaches_the_queue(redis_app, redis_conn, queue_name, outbox):
    from rq import Queue

    db.session.execute(sa.text("SELECT 1"))  # a transaction is open, as in any service call
    queue_mail(greeting_mail, "ada@example.org")
    db.session.rollback()
    commit()
    assert Queue(queue_name, connection=redis_conn).count == 0
    assert outbox() == []
