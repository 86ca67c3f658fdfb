"""The background-job seam: where work handed over after a commit (:mod:`wid_events.core.uow`) runs.

Three back ends, chosen per call by :func:`backend`:

* ``rq``: an RQ queue on Redis when ``REDIS_URL`` is set (``flask rq worker`` runs it); when
  Redis is unreachable the job runs inline, with a warning in the log, rather than being lost;
* ``db``: without Redis, a row in the ``jobs`` table (:class:`wid_events.core.models.Job`), run
  by ``flask jobs worker`` (:mod:`wid_events.core.worker`); it survives restarts of the web
  server and of the worker (a job whose worker died is marked failed, and can be retried);
* ``inline``: now, in the calling process, with ``JOBS_INLINE=1`` and in tests (``TESTING``)
  unless ``JOBS_DB`` asks for the table, so tests stay deterministic.

Job functions must be importable module-level functions taking plain arguments (ids,
strings, lists, other job functions), because another process runs them.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import current_app

from wid_events.core.models import Job, JobState
from wid_events.extensions import db

QUEUE_NAME = "wid_events"
log = logging.getLogger(__name__)


def backend() -> str:
    """``inline``, ``rq`` or ``db`` for the current app."""
    config = current_app.config
    if config.get("JOBS_INLINE"):
        return "inline"
    if config.get("REDIS_URL"):
        return "rq"
    if config.get("JOBS_DB", not current_app.testing):
        return "db"
    return "inline"


def enqueue(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``func(*args, **kwargs)`` now, or queue it (RQ with Redis, else the jobs table).

    Returns the function's result when run inline, the RQ job, or the :class:`Job` row's id.
    """
    return enqueue_keyed(None, func, *args, **kwargs)


def enqueue_keyed(key: str | None, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Like :func:`enqueue`; with a ``key``, the jobs table never holds two unfinished jobs with it."""
    mode = backend()
    if mode == "rq":
        from redis import Redis
        from redis.exceptions import RedisError
        from rq import Queue

        redis_url = current_app.config["REDIS_URL"]
        try:
            queue = Queue(
                QUEUE_NAME, connection=Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
            )
            return queue.enqueue(run_in_app, func, *args, **kwargs)
        except (RedisError, OSError) as exc:
            # Redis is down: never lose the job (a mail with a link someone waits for); run it here
            # (the RQ worker would never see a row in the jobs table).
            current_app.logger.warning(
                "Redis unreachable (%s): running job %s inline",
                type(exc).__name__,
                getattr(func, "__name__", func),
            )
            return func(*args, **kwargs)
    if mode == "db":
        try:
            payload = encode(args, kwargs)
        except TypeError:
            log.warning("Job %s has arguments that cannot be stored; running it now", func_path(func))
        else:
            return add_job(func_path(func), payload, key=key)
    return func(*args, **kwargs)


# --------------------------------------------------------------------------- the jobs table


def add_job(func: str, payload: dict, *, key: str | None = None) -> int | None:
    """Insert a queued job in its own short transaction (never the caller's). Returns its id,
    or None when an unfinished job with the same ``key`` exists already."""
    with db.engine.begin() as conn:
        if key is not None:
            existing = conn.scalar(
                sa.select(Job.id).where(Job.key == key, Job.state.in_([JobState.QUEUED, JobState.RUNNING]))
            )
            if existing is not None:
                return None
        return conn.execute(
            sa.insert(Job).values(func=func, payload=payload, key=key, state=JobState.QUEUED, attempts=0)
        ).inserted_primary_key[0]


def store_in_transaction(session: sa.orm.Session, pending: list) -> list:
    """Insert ``(func, args, kwargs)`` jobs as queued rows in ``session``'s open transaction.

    The transactional outbox: the rows commit (or roll back) together with the data the jobs
    act on, so no crash between a commit and the enqueue can lose a confirmation mail, and a
    registration costs one transaction instead of two. Returns the jobs whose arguments cannot
    be stored (they are handed over after the commit as before).
    """
    rows, leftover = [], []
    for func, args, kwargs in pending:
        try:
            payload = encode(args, kwargs)
        except TypeError:
            leftover.append((func, args, kwargs))
        else:
            rows.append(
                {"func": func_path(func), "payload": payload, "state": JobState.QUEUED, "attempts": 0}
            )
    if rows:  # Core, not the ORM's bulk path; one row (a sign-up's mail) as a plain INSERT
        session.connection().execute(sa.insert(Job.__table__), rows[0] if len(rows) == 1 else rows)
    return leftover


def func_path(func: Callable[..., Any]) -> str:
    name = f"{func.__module__}:{func.__qualname__}"
    if "<" in name or "." in func.__qualname__:
        raise TypeError(f"{name} is not a module-level function")
    return name


def load_func(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _encode_value(value: Any) -> Any:
    if callable(value):
        return {"__func__": func_path(value)}
    if isinstance(value, list | tuple):
        return [_encode_value(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_encode_value(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _encode_value(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot store {type(value).__name__} in a job")


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__func__"}:
            return load_func(value["__func__"])
        return {k: _decode_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode_value(v) for v in value]
    return value


def encode(args: tuple, kwargs: dict) -> dict:
    payload = {"args": _encode_value(list(args)), "kwargs": _encode_value(dict(kwargs))}
    json.dumps(payload)  # raises TypeError early for anything the column cannot hold
    return payload


def decode(payload: dict) -> tuple[list, dict]:
    return _decode_value(payload.get("args", [])), _decode_value(payload.get("kwargs", {}))


# --------------------------------------------------------------------------- RQ


def run_in_app(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Entry point for RQ workers: run the job inside an application context.

    ``flask rq worker`` already runs inside one (inherited by the forked work horse), so it is
    reused; its pooled database connections belong to the parent process and are dropped
    (without closing them under the parent) before the job opens its own. A bare
    ``rq worker`` has no app context, so one is created.
    """
    from flask import has_app_context

    if has_app_context():
        db.engine.dispose(close=False)
        try:
            return func(*args, **kwargs)
        finally:
            db.session.remove()
    from wid_events import create_app

    app = create_app()
    with app.app_context():
        return func(*args, **kwargs)
