"""Health check: the database answers and its schema is at the newest migration."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def expected_heads() -> set[str]:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return set(ScriptDirectory.from_config(cfg).get_heads())


def check_health(engine: sa.Engine) -> tuple[bool, str]:
    try:
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except sa.exc.SQLAlchemyError as exc:
        return False, f"database unreachable: {type(exc).__name__}"
    expected = expected_heads()
    if current != expected:
        return False, f"migrations not current (database {sorted(current)}, code {sorted(expected)})"
    return True, ""
