"""Login rate limit: a friendly 429, and Redis storage shared by every worker process."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from conftest import base_config, database_url
from factories import make_event, make_user

from config import Config
from wid_events import create_app
from wid_events.core.ratelimit import warn_if_counting_per_worker
from wid_events.extensions import limiter

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_or_skip():
    redis = pytest.importorskip("redis")
    conn = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at 127.0.0.1:6379 ({exc}); start redis-server to run this test")
    return conn


@pytest.fixture
def limited_client(app):
    """A client of an app with rate limits ON (memory storage). The Limiter object is shared by
    every app in this process, so its state is restored afterwards for the other tests."""
    saved = dict(vars(limiter))
    limited_app = create_app(base_config(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://"))
    try:
        yield limited_app.test_client()
    finally:
        limiter.reset()
        vars(limiter).clear()
        vars(limiter).update(saved)


def test_eleventh_login_in_a_minute_gets_friendly_429(limited_client):
    user = make_user()
    for attempt in range(10):
        response = limited_client.post("/login", data={"email": user.email, "password": "wrong password"})
        assert response.status_code == 401, attempt
        assert "Email or password is incorrect." in response.get_data(as_text=True)
    response = limited_client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Please wait a minute, then try again." in page
    assert "<h1" in page  # the site's error page, not a bare text response
    assert int(response.headers["Retry-After"]) > 0
    # Even the right password is refused until the window passes: no guessing around the limit.
    response = limited_client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert response.status_code == 429
    # Reading the form is not limited.
    assert limited_client.get("/login").status_code == 200


def test_429_is_json_for_api_clients(limited_client):
    user = make_user()
    for _ in range(10):
        limited_client.post("/login", data={"email": user.email, "password": "x"})
    response = limited_client.post(
        "/login", data={"email": user.email, "password": "x"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"


def test_healthz_is_never_rate_limited(limited_client):
    """Load balancers poll it constantly; a 429 would take the node out of rotation."""
    statuses = {limited_client.get("/healthz").status_code for _ in range(15)}
    assert 429 not in statuses


def test_redis_url_selects_redis_storage(monkeypatch):
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    assert Config().RATELIMIT_STORAGE_URI == REDIS_URL
    monkeypatch.delenv("REDIS_URL")
    assert Config().RATELIMIT_STORAGE_URI == "memory://"


# Each "worker" is a separate Python process, like a gunicorn worker: it builds the app from
# the environment and posts wrong passwords to /login, then reports the status codes it got.
WORKER = textwrap.dedent(
    """
    import json, sys
    from wid_events import create_app
    app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "WTF_CSRF_ENABLED": False, "TESTING": True,
                      "RATELIMIT_KEY_PREFIX": sys.argv[4]})
    client = app.test_client()
    codes = [client.post("/login", data={"email": sys.argv[2], "password": "wrong"}).status_code
             for _ in range(int(sys.argv[3]))]
    print(json.dumps({"codes": codes, "storage": app.config["RATELIMIT_STORAGE_URI"]}))
    """
)


def run_workers(email: str, posts: int, redis_url: str | None, prefix: str, count: int = 2) -> list[dict]:
    """Start ``count`` worker processes at once and return what each reported."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "RATELIMIT_ENABLED")}
    env["RATELIMIT_ENABLED"] = "1"
    if redis_url:
        env["REDIS_URL"] = redis_url
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, database_url(), email, str(posts), prefix],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


@pytest.mark.slow
def test_limit_is_counted_across_worker_processes_with_redis(app):
    redis_conn = redis_or_skip()
    user = make_user()
    # Counters of this test only: parallel test runs on the same Redis share the client address.
    prefix = f"widtest{uuid.uuid4().hex[:12]}"
    reports = run_workers(user.email, 6, REDIS_URL, prefix)
    assert {r["storage"] for r in reports} == {REDIS_URL}
    codes = sorted(code for r in reports for code in r["codes"])
    # Together the two processes made 12 attempts: 10 are answered, the 11th and 12th refused.
    assert codes == [401] * 10 + [429] * 2
    keys = redis_conn.keys(f"*{prefix}*")
    assert keys
    redis_conn.delete(*keys)


@pytest.mark.slow
def test_without_redis_the_login_limit_still_holds_across_processes(app):
    """Issue 16, F3: Flask-Limiter's in-memory storage cannot see the other worker's attempts,
    but the login limit is also counted in the database, which every worker shares."""
    user = make_user()
    reports = run_workers(user.email, 6, None, "widtest")
    assert {r["storage"] for r in reports} == {"memory://"}
    codes = sorted(code for r in reports for code in r["codes"])
    assert codes == [401] * 10 + [429] * 2


def test_resend_link_and_token_guesses_are_limited_in_the_database(limited_client):
    """The per-address counters live in the database: the 11th resend in a minute and the
    31st wrong token in a minute get 429, even for a worker that never saw the others."""
    event = make_event("db-limits")
    codes = [
        limited_client.post(
            f"/events/{event.slug}/register/resend", data={"email": "x@example.org"}
        ).status_code
        for _ in range(11)
    ]
    assert 429 not in codes[:10] and codes[10] == 429
    limiter.reset()  # as if another worker, with its own memory, got the next request
    again = limited_client.post(f"/events/{event.slug}/register/resend", data={"email": "x@example.org"})
    assert again.status_code == 429
    guesses = [limited_client.get(f"/registrations/guess{n:020d}").status_code for n in range(31)]
    assert set(guesses[:30]) == {404}
    assert guesses[30] == 429
    # A fresh process-local limiter (another worker) still sees the database's count.
    limiter.reset()
    assert limited_client.get("/speaker/another-guess-000000000000").status_code == 429
    assert limited_client.get("/exhibitor/another-guess-000000000000").status_code == 429


def test_production_warns_about_per_worker_limits_without_redis(caplog):
    logger = logging.getLogger("wid-test-warning")
    with caplog.at_level(logging.WARNING, logger="wid-test-warning"):
        assert warn_if_counting_per_worker(logger, production=True, workers=4, redis_url=None)
    assert "no REDIS_URL" in caplog.text
    assert not warn_if_counting_per_worker(logger, production=True, workers=4, redis_url=REDIS_URL)
    assert not warn_if_counting_per_worker(logger, production=True, workers=1, redis_url=None)
    assert not warn_if_counting_per_worker(logger, production=False, workers=4, redis_url=None)
