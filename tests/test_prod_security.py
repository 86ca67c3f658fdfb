"""Security headers, cookies, proxy handling and the production SECRET_KEY check."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import base_config
from factories import login, make_user
from flask import request

from wid_events import create_app
from wid_events.core.security import InsecureConfiguration

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "wid_events" / "templates"


def csp_directives(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in header.split("; ")}


def test_every_html_page_has_strict_csp_and_security_headers(client):
    response = client.get("/login")
    assert response.status_code == 200
    csp = csp_directives(response)
    assert csp["default-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[A-Za-z0-9_-]{20,}'", csp["script-src"])
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert csp["style-src"] == "'self'"
    assert csp["img-src"] == "'self' data:"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'self'"
    assert csp["form-action"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    permissions = response.headers["Permissions-Policy"]
    assert "camera=(self)" in permissions
    assert "geolocation=()" in permissions
    assert "microphone=()" in permissions
    # Plain http (the default): no HSTS, which would lock a local install out of itself.
    assert "Strict-Transport-Security" not in response.headers


def test_nonce_is_fresh_per_request(client):
    first = csp_directives(client.get("/login"))["script-src"]
    second = csp_directives(client.get("/login"))["script-src"]
    assert first != second


def test_non_html_responses_keep_their_type_and_get_headers(client):
    health = client.get("/healthz")
    assert health.content_type.startswith("application/json")
    assert health.headers["X-Content-Type-Options"] == "nosniff"
    css = client.get("/static/css/site.css")
    assert css.status_code == 200
    assert css.content_type.startswith("text/css")
    assert "frame-ancestors 'none'" in css.headers["Content-Security-Policy"]
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert "Content-Security-Policy" in missing.headers


def test_template_nonce_matches_header():
    app = create_app(base_config())

    @app.get("/_nonce_probe")
    def probe():
        from flask import render_template_string

        return render_template_string('<script nonce="{{ csp_nonce() }}" src="/x.js"></script>')

    response = app.test_client().get("/_nonce_probe")
    nonce = re.search(r'nonce="([^"]+)"', response.get_data(as_text=True)).group(1)
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]


def test_manage_pages_are_not_cached(client, app):
    response = client.get("/manage/")
    assert response.headers.get("Cache-Control") == "private, no-store"
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")


def test_https_deployment_sends_hsts_and_secure_cookies(app, monkeypatch):
    monkeypatch.setenv("PREFERRED_URL_SCHEME", "https")
    https_app = create_app(base_config())
    assert https_app.config["SESSION_COOKIE_SECURE"] is True
    user = make_user()
    client = https_app.test_client()
    response = login(client, user)
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_http_session_cookie_is_httponly_lax_not_secure(client, app):
    user = make_user()
    response = login(client, user)
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def _scheme_probe_app():
    app = create_app(base_config())

    @app.get("/_scheme_probe")
    def probe():
        return {"scheme": request.scheme, "remote": request.remote_addr, "host": request.host}

    return app


FORWARDED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Host": "events.example.org",
}


def test_forwarded_headers_ignored_without_trust_proxy(app, monkeypatch):
    monkeypatch.delenv("TRUST_PROXY", raising=False)
    body = _scheme_probe_app().test_client().get("/_scheme_probe", headers=FORWARDED).get_json()
    assert body == {"scheme": "http", "remote": "127.0.0.1", "host": "localhost"}


def test_trust_proxy_honours_forwarded_headers(app, monkeypatch):
    monkeypatch.setenv("TRUST_PROXY", "1")
    body = _scheme_probe_app().test_client().get("/_scheme_probe", headers=FORWARDED).get_json()
    assert body == {"scheme": "https", "remote": "203.0.113.7", "host": "events.example.org"}


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (None, "SECRET_KEY is not set"),
        ("short-key", "only 9 characters"),
        ("test-secret-key-not-for-production", "well-known"),
        ("a" * 64, "not random"),
    ],
)
def test_production_refuses_weak_or_missing_secret_key(app, monkeypatch, key, message):
    monkeypatch.setenv("WID_ENV", "production")
    monkeypatch.delenv("SECRET_KEY_FILE", raising=False)
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(InsecureConfiguration, match=message):
        create_app(base_config())


def test_production_starts_with_real_secret_key(app, monkeypatch, tmp_path):
    monkeypatch.setenv("WID_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "3f9c2b7e1a4d8c6b0e5f7a2d9c1b4e8f6a3d0c7b")
    assert create_app(base_config()).config["SECRET_KEY"].startswith("3f9c")
    # Or from a file (Docker/systemd secrets).
    monkeypatch.delenv("SECRET_KEY")
    key_file = tmp_path / "secret"
    key_file.write_text("9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(key_file))
    assert create_app(base_config()).config["SECRET_KEY"] == "9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c"


def test_development_still_generates_a_key(app, monkeypatch):
    monkeypatch.delenv("WID_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY_FILE", raising=False)
    dev_app = create_app(base_config())
    assert len(dev_app.config["SECRET_KEY"]) >= 32
    assert (Path(dev_app.instance_path) / "secret_key").read_text().strip() == dev_app.config["SECRET_KEY"]


def test_wsgi_import_fails_loudly_in_production_without_key(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "WID_ENV": "production",
        "WID_INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "InsecureConfiguration" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_templates_have_no_inline_script_style_or_handlers():
    """The CSP blocks these; catch them at test time rather than as a broken page."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "pdf" in path.name or "print" in path.name or "badges" in path.parts or "pdf" in path.parts:
            continue  # WeasyPrint renders server-side; CSP does not apply
        text = path.read_text()
        for pattern in (
            r"\sstyle\s*=",
            r"<style",
            r"\son[a-z]+\s*=",
            r"javascript:",
            r"<script(?![^>]*\bsrc=)",
        ):
            for match in re.finditer(pattern, text, flags=re.IGNORECASE):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(TEMPLATES)}:{line}: {match.group(0).strip()}")
    assert offenders == []


def test_trust_proxy_ignores_client_spoofed_forwarded_for(app, monkeypatch):
    """Only the address our one proxy appended counts (rate limits are per client address)."""
    monkeypatch.setenv("TRUST_PROXY", "1")
    headers = {"X-Forwarded-For": "6.6.6.6, 203.0.113.7", "X-Forwarded-Prefix": "/evil"}
    client = _scheme_probe_app().test_client()
    assert client.get("/_scheme_probe", headers=headers).get_json()["remote"] == "203.0.113.7"
