"""The documented production command really serves the app: gunicorn with gunicorn.conf.py."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import outside_env

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.mark.slow
def test_gunicorn_conf_serves_app_in_production_mode(tmp_path):
    pytest.importorskip("gunicorn")
    port = _free_port()
    db_url = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    env = outside_env(
        WID_ENV="production",
        SECRET_KEY="5e1f0c9a8b7d6e3f2a1b0c9d8e7f6a5b4c3d2e1f",
        DATABASE_URL=db_url,
        WID_INSTANCE_PATH=str(tmp_path / "instance"),
        PORT=str(port),
        WEB_CONCURRENCY="2",
        PREFERRED_URL_SCHEME="https",
        TRUST_PROXY="1",
    )
    upgrade = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        status = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited: {log.read_text()}")
            try:
                status, headers, body = _get(base + "/healthz")
                break
            except OSError:  # not listening yet (URLError, ConnectionError, timeouts)
                time.sleep(0.3)
        assert status == 200, log.read_text()
        assert json.loads(body) == {"status": "ok"}
        assert headers["Strict-Transport-Security"].startswith("max-age=")

        status, headers, body = _get(base + "/login", {"X-Forwarded-Proto": "https"})
        assert status == 200
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        # The form's CSRF token lives in the session: its cookie is Secure, HttpOnly, Lax.
        cookie = headers["Set-Cookie"]
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        # Two workers (plus the arbiter) were started. The first may answer before the second
        # has logged its start: wait for both lines (a race seen once in CI).
        while log.read_text().count("Booting worker") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        text = log.read_text()
        assert text.count("Booting worker") == 2
        # The access log goes to stdout.
        assert '"GET /healthz HTTP/1.1" 200' in text
        # Issue 16, F3: production, two workers, no Redis: a clear warning at start-up.
        assert "no REDIS_URL" in text
        # Issue 16, F7: personal-link tokens never reach the access log.
        secret = "Zq8vN3xK1pR7tY2uW5sA9bC4dE6fG0hJ"
        for path in (
            f"/registrations/{secret}",
            f"/registrations/{secret}.json",
            f"/registrations/{secret}/calendar.ics",
            f"/speaker/{secret}",
            f"/exhibitor/{secret}",
        ):
            _get(base + path, {"Referer": base + path})
        deadline = time.monotonic() + 30
        while "/exhibitor/[redacted]" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)  # the log line is written after the response
        text = log.read_text()
        assert secret not in text
        assert '"GET /registrations/[redacted].json HTTP/1.1" 404' in text
        assert '"GET /speaker/[redacted] HTTP/1.1"' in text
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def _gunicorn_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_access_log_redacts_personal_link_tokens():
    """Issue 16, F7: ``gunicorn.conf.py`` logs request lines without the token of a personal link."""
    pytest.importorskip("gunicorn")
    conf = _gunicorn_conf()
    token = "aB3_dE5-fG7hI9jK1lM3nO5pQ7rS9tU1"
    assert conf.redact(f"GET /registrations/{token} HTTP/1.1") == "GET /registrations/[redacted] HTTP/1.1"
    assert conf.redact(f"POST /registrations/{token}/cancel?x=1 HTTP/1.1") == (
        "POST /registrations/[redacted]/cancel?x=1 HTTP/1.1"
    )
    assert conf.redact(f"/registrations/{token}.json") == "/registrations/[redacted].json"
    assert conf.redact(f"https://site.example/speaker/{token}") == "https://site.example/speaker/[redacted]"
    assert conf.redact(f"/exhibitor/{token}") == "/exhibitor/[redacted]"
    assert conf.redact(f"/speakers/pool/{token}/withdraw") == "/speakers/pool/[redacted]/withdraw"
    # Ordinary paths stay readable.
    assert conf.redact("/exhibitor/offers/12") == "/exhibitor/offers/12"
    assert conf.redact("/events/dt4e-2024/agenda") == "/events/dt4e-2024/agenda"
    assert conf.logger_class is conf.RedactingLogger


def test_every_route_with_a_token_in_its_path_is_redacted(app):
    """A new personal-link route cannot leak its token into the access log unnoticed."""
    pytest.importorskip("gunicorn")
    conf = _gunicorn_conf()
    token = "aB3_dE5-fG7hI9jK1lM3nO5pQ7rS9tU1"
    rules = [rule for rule in app.url_map.iter_rules() if "<token>" in rule.rule]
    assert len(rules) > 20
    for rule in rules:
        path = (
            rule.rule.replace("<token>", token)
            .replace("<int:session_id>", "7")
            .replace("<int:booking_id>", "8")
        )
        assert token not in conf.redact(f"GET {path} HTTP/1.1"), rule.rule
