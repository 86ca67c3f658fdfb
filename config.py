"""Configuration read from the environment (the variables are listed in docs/deploy.md)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("WID_INSTANCE_PATH", BASE_DIR / "instance"))


def normalise_database_url(url: str) -> str:
    """Accept the URLs people paste (``postgres://``, ``postgresql://``) and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def environment() -> str:
    """``WID_ENV`` (or ``FLASK_ENV``): ``production`` switches on the start-up checks of
    :mod:`wid_events.core.security` (a real ``SECRET_KEY``); anything else is development."""
    return (os.environ.get("WID_ENV") or os.environ.get("FLASK_ENV") or "development").strip().lower()


def _trust_proxy() -> int:
    """``TRUST_PROXY``: how many reverse proxies sit in front of the app (0: none, trust no
    ``X-Forwarded-*`` header). ``true``/``yes`` mean one."""
    value = os.environ.get("TRUST_PROXY", "0").strip().lower()
    if value in ("true", "yes", "on"):
        return 1
    return int(value) if value.isdigit() else 0


def _secret_key(instance_dir: Path, *, generate: bool = True) -> str | None:
    """``SECRET_KEY`` from the environment (or the file named by ``SECRET_KEY_FILE``), or one
    generated once into ``instance/`` -- except in production, where it must be given."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = os.environ.get("SECRET_KEY_FILE")
    if key_file:
        return Path(key_file).read_text().strip()
    if not generate:
        return None
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


class Config:
    """Defaults for a real deployment; every value can come from the environment."""

    def __init__(self) -> None:
        instance = INSTANCE_DIR
        self.INSTANCE_PATH = str(instance)
        self.WID_ENV = environment()
        self.SECRET_KEY = _secret_key(instance, generate=self.WID_ENV != "production")
        self.TRUST_PROXY = _trust_proxy()
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'wid_events.sqlite3'}"
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER") or str(instance / "uploads")
        self.OUTBOX_FOLDER = str(instance / "outbox")
        self.MAX_UPLOAD_MB = int(os.environ.get("MAX_UPLOAD_MB", "50"))
        # A little headroom for the multipart envelope and the other form fields.
        self.MAX_CONTENT_LENGTH = (self.MAX_UPLOAD_MB + 1) * 1024 * 1024
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
        self.MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
        self.MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") != "0"
        self.MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "wid_events <no-reply@localhost>")
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        #: Background jobs: ``JOBS_INLINE=1`` runs them in the request (no worker needed);
        #: otherwise RQ with ``REDIS_URL``, or the database's job table (``flask jobs worker``).
        self.JOBS_INLINE = os.environ.get("JOBS_INLINE", "0").strip().lower() in ("1", "true", "yes")
        #: A running job whose worker has not beaten for this long is marked failed.
        self.JOBS_STALE_SECONDS = int(os.environ.get("JOBS_STALE_SECONDS", "60"))
        self.JOBS_HEARTBEAT_SECONDS = float(os.environ.get("JOBS_HEARTBEAT_SECONDS", "5"))
        #: Behind nginx: stored files (the PDF agenda) are handed to nginx with an
        #: ``X-Accel-Redirect`` to this internal location, which maps the instance folder
        #: (docs/deploy.md); the web worker then sends no file bytes at all. Empty: gunicorn
        #: streams the file itself (``sendfile``).
        self.X_ACCEL_REDIRECT_PREFIX = os.environ.get("X_ACCEL_REDIRECT_PREFIX", "").strip() or None
        #: Public render cache: bytes kept per process (shared on Redis too with REDIS_URL).
        self.RENDER_CACHE_BYTES = int(os.environ.get("RENDER_CACHE_MB", "64")) * 1024 * 1024
        self.RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") != "0"
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_HEADERS_ENABLED = True
        # Redis down: count in this process's memory instead, log it, and keep serving; a
        # limiter error never turns a page into a 500.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_SWALLOW_ERRORS = True
        if self.REDIS_URL:
            self.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
        # A moving window: "20 per minute" means any 60 s, so a burst cannot straddle the edge
        # of a clock-aligned window and get twice the allowance.
        self.RATELIMIT_STRATEGY = os.environ.get("RATELIMIT_STRATEGY", "moving-window")
        if os.environ.get("SERVER_NAME"):
            self.SERVER_NAME = os.environ["SERVER_NAME"]
        self.PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.PREFERRED_URL_SCHEME == "https"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
        #: The name in the page header and titles (e.g. "Women in Digital Events").
        self.SITE_NAME = os.environ.get("SITE_NAME") or "wid_events"
        self.BABEL_DEFAULT_LOCALE = "en"
        self.LANGUAGES = ["en", "fr", "nl", "de"]
        self.SPEAKER_TOKEN_DAYS = int(os.environ.get("SPEAKER_TOKEN_DAYS", "60"))
        self.CV_RETENTION_DAYS = int(os.environ.get("CV_RETENTION_DAYS", "30"))
        self.JOBDAY_MAX_BOOKINGS = int(os.environ.get("JOBDAY_MAX_BOOKINGS", "5"))
        self.EXHIBITOR_TOKEN_DAYS = int(os.environ.get("EXHIBITOR_TOKEN_DAYS", "90"))

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items() if k.isupper()}
