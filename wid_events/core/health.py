"""Health check: the database answers and its schema is at the newest migration."""

from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from redis import Redis
from redis.exceptions import RedisError

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@functools.cache
def expected_heads() -> frozenset[str]:
    """The migration heads of this code; read once per process (the scripts don't change)."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(cfg).get_heads())


def check_redis(url: str) -> bool:
    """Whether Redis at ``url`` answers a PING within two seconds."""
    try:
        conn = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            return bool(conn.ping())
        finally:
            conn.close()
    except (RedisError, OSError):
        return False


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
