"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from tests.conftest import base_config, database_url
from wid_events import create_app
from wid_events.core.health import check_health
from wid_events.extensions import db


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database of the same kind as the suite's."""
    url = database_url()
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    name = f"wid_migcheck_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(sa.engine.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield str(sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            )
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


def test_migrations_match_models_and_health_is_ok(fresh_database_url):
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=fresh_database_url))
    with app.app_context():
        assert check_health(db.engine)[0] is False  # no revision yet
        upgrade()
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
            diff = compare_metadata(ctx, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        assert check_health(db.engine) == (True, "")
        client = app.test_client()
        assert client.get("/healthz").get_json() == {"status": "ok"}
        db.session.remove()
        db.engine.dispose()
