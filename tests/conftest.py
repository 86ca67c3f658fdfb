"""Test fixtures: a real database (SQLite file by default, PostgreSQL with TEST_DATABASE_URL),
the Flask test client, a live server and a real Chromium through Playwright.

Each test starts from empty tables; data is committed for real (no mocks, no nested
transactions), so a live server or a gunicorn process sees it too.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

os.environ.setdefault("WID_TESTING", "1")
_TMP = Path(tempfile.mkdtemp(prefix="wid-tests-"))
os.environ["WID_INSTANCE_PATH"] = str(_TMP / "instance")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.pop("DATABASE_URL", None)
os.environ.pop("MAIL_SERVER", None)
os.environ.pop("REDIS_URL", None)

from config import normalise_database_url  # noqa: E402
from wid_events import create_app  # noqa: E402
from wid_events.extensions import db  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def database_url() -> str:
    """The suite's database. Under pytest-xdist each worker gets its own PostgreSQL database
    (``<name>_gw0``, …), created on first use; SQLite files are per process anyway."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{_TMP / 'test.sqlite3'}"
    url = normalise_database_url(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        parsed = sa.engine.make_url(url)
        url = parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)
    return url


def _ensure_postgres_database(url: str) -> None:
    parsed = sa.engine.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)
            ).first()
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    finally:
        admin.dispose()


def base_config(**extra) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url(),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        **extra,
    }


def pytest_report_header(config):
    return f"database: {database_url().split('@')[-1]}"


class IsolatingClient(FlaskClient):
    """A test client whose requests don't inherit ``g`` from earlier requests.

    The ``app`` fixture keeps one app context pushed for the whole test, and Flask reuses an
    active app context for requests, so without this the user Flask-Login cached in ``g``
    by one client's request would leak into another client's request.
    """

    def open(self, *args, **kwargs):
        from flask import g

        for name in list(vars(g)):
            delattr(g, name)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def _app():
    if database_url().startswith("postgresql"):
        _ensure_postgres_database(database_url())
    app = create_app(base_config())
    app.test_client_class = IsolatingClient
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            # A clean schema each run, so leftovers of an older model cannot hide a bug.
            with engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        else:
            db.drop_all()
        db.create_all()
    yield app
    shutil.rmtree(_TMP, ignore_errors=True)


def _empty_all_tables() -> None:
    """Delete every row, children first. Only non-empty tables are touched: on PostgreSQL
    this is ~50x faster than TRUNCATE of every table, which matters at hundreds of tests."""
    engine = db.engine
    tables = [t.name for t in db.metadata.sorted_tables]
    db.session.remove()
    with engine.begin() as conn:
        probe = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
        non_empty = {row[0] for row in conn.exec_driver_sql(probe)}
        for t in reversed(tables):
            if t in non_empty:
                conn.exec_driver_sql(f'DELETE FROM "{t}"')


@pytest.fixture
def app(_app):
    """The application, with an app context pushed and empty tables after the test."""
    outbox = Path(_app.config["OUTBOX_FOLDER"])
    shutil.rmtree(outbox, ignore_errors=True)
    ctx = _app.app_context()
    ctx.push()
    try:
        yield _app
    finally:
        db.session.rollback()
        _empty_all_tables()
        ctx.pop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_jobs(app, monkeypatch):
    """Jobs go to the database table, as in production without Redis (tests run them inline)."""
    monkeypatch.setitem(app.config, "JOBS_DB", True)
    return app


@pytest.fixture
def outbox(app):
    """Read the ``.eml`` files written to ``instance/outbox`` as email.message objects."""
    import email
    from email import policy

    folder = Path(app.config["OUTBOX_FOLDER"])

    def read():
        if not folder.exists():
            return []
        return [
            email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(folder.glob("*.eml"))
        ]

    return read


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app):
        from werkzeug.serving import make_server

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = make_server("127.0.0.1", self.port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture(scope="session")
def _live_app(_app):
    """A second app on the same database, configured like production: CSRF on."""
    return create_app(base_config(WTF_CSRF_ENABLED=True))


@pytest.fixture
def live_server(app, _live_app):
    server = LiveServer(_live_app).start()
    yield server
    server.stop()
    with _live_app.app_context():
        db.session.remove()


@pytest.fixture(scope="session")
def _browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}; install Debian's chromium to run browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed")
    pw = sync_playwright().start()
    browser = pw.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture
def page(_browser, live_server):
    """A fresh browser tab (own cookies) with ``page.base_url`` set to the live server."""
    context = _browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.base_url = live_server.url
    yield tab
    context.close()


def count_rows(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def outside_env(**extra: str) -> dict[str, str]:
    """The environment of a real ``flask`` or ``gunicorn`` process that a test starts: this one's,
    without Redis (jobs go to the database) or the test suite's own database setting."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "TEST_DATABASE_URL")}
    return {**env, **extra}


def cli_env(app, **extra: str) -> dict[str, str]:
    """:func:`outside_env` on the test's database and instance folder (what it committed is seen)."""
    return outside_env(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], WID_INSTANCE_PATH=app.instance_path, **extra
    )
