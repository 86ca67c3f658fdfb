"""``/healthz`` for load balancers: 200 only when the database answers at the newest migration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import base_config

from wid_events import create_app
from wid_events.core.health import expected_heads

ROOT = Path(__file__).resolve().parent.parent


def health(database_uri: str):
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=database_uri))
    response = app.test_client().get("/healthz")
    with app.app_context():
        from wid_events.extensions import db

        db.engine.dispose()
    return response


def flask_db_upgrade(database_uri: str, tmp_path: Path) -> None:
    """The real command, in its own process (Alembic's env.py reconfigures logging)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_uri,
        "WID_INSTANCE_PATH": str(tmp_path / "instance"),
        "RATELIMIT_ENABLED": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def upgraded_db(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("health")
    uri = f"sqlite:///{tmp_path / 'upgraded.sqlite3'}"
    flask_db_upgrade(uri, tmp_path)
    return uri


def test_healthz_ok_after_flask_db_upgrade(app, upgraded_db):
    assert expected_heads(), "the repository has at least one migration"
    response = health(upgraded_db)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_503_when_database_has_no_revision(app, tmp_path):
    response = health(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error"
    assert "migrations not current" in body["detail"]


def test_healthz_503_when_database_is_behind(app, upgraded_db, tmp_path):
    """A database stamped at an older/unknown revision (an upgrade was forgotten)."""
    import shutil

    stale = tmp_path / "stale.sqlite3"
    shutil.copy(upgraded_db.removeprefix("sqlite:///"), stale)
    engine = sa.create_engine(f"sqlite:///{stale}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0000older0000'"))
    engine.dispose()
    response = health(f"sqlite:///{stale}")
    assert response.status_code == 503
    assert "migrations not current" in response.get_json()["detail"]


def test_healthz_503_when_database_unreachable(app, tmp_path):
    response = health(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'db.sqlite3'}")
    assert response.status_code == 503
    assert "database unreachable" in response.get_json()["detail"]


def test_healthz_503_when_postgres_unreachable(app):
    pytest.importorskip("psycopg")
    response = health("postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=2")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"
