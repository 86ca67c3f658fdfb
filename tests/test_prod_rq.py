"""Background jobs on Redis: mail is queued on RQ and a worker (``flask rq worker``) sends it."""

from __future__ import annotations

import pytest

from wid_events.jobs import QUEUE_NAME
from wid_events.mail import Mail, send_mail

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_conn():
    redis = pytest.importorskip("redis")
    conn = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at 127.0.0.1:6379 ({exc}); start redis-server to run this test")
    conn.flushdb()
    yield conn
    conn.flushdb()


@pytest.fixture
def redis_app(app, redis_conn, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    return app


def test_mail_is_queued_then_sent_by_burst_worker(redis_app, redis_conn, runner, outbox):
    from rq import Queue

    send_mail(Mail(to="ada@example.org", subject="Your DT4E registration", body="See you in Brussels."))
    queue = Queue(QUEUE_NAME, connection=redis_conn)
    assert queue.count == 1
    assert outbox() == []  # nothing is sent by the web process itself

    result = runner.invoke(args=["rq", "worker", "--burst"])
    assert result.exit_code == 0, result.output

    assert queue.count == 0
    assert queue.failed_job_registry.count == 0
    messages = outbox()
    assert len(messages) == 1
    assert messages[0]["To"] == "ada@example.org"
    assert messages[0]["Subject"] == "Your DT4E registration"
    assert "See you in Brussels." in messages[0].get_content()

    info = runner.invoke(args=["rq", "info"])
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
