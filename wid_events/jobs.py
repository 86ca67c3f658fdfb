"""The background-job seam. Inline by default; an RQ queue on Redis when ``REDIS_URL`` is set.

Job functions must be importable module-level functions taking plain, picklable arguments
(ids, strings), because RQ workers run them in another process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app

QUEUE_NAME = "wid_events"


def enqueue(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``func(*args, **kwargs)`` now, or queue it on RQ when Redis is configured.

    Returns the function's result when run inline, or the RQ job.
    """
    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url or current_app.config.get("JOBS_INLINE"):
        return func(*args, **kwargs)
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue

    try:
        queue = Queue(
            QUEUE_NAME, connection=Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
        )
        return queue.enqueue(run_in_app, func, *args, **kwargs)
    except (RedisError, OSError) as exc:
        # Redis is down: never lose the job (a mail with a link someone waits for); run it here.
        current_app.logger.warning(
            "Redis unreachable (%s): running job %s inline",
            type(exc).__name__,
            getattr(func, "__name__", func),
        )
        return func(*args, **kwargs)


def run_in_app(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Entry point for RQ workers: run the job inside an application context.

    ``flask rq worker`` already runs inside one (inherited by the forked work horse), so it is
    reused; its pooled database connections belong to the parent process and are dropped
    (without closing them under the parent) before the job opens its own. A bare
    ``rq worker`` has no app context, so one is created.
    """
    from flask import has_app_context

    if has_app_context():
        from wid_events.extensions import db

        db.engine.dispose(close=False)
        try:
            return func(*args, **kwargs)
        finally:
            db.session.remove()
    from wid_events import create_app

    app = create_app()
    with app.app_context():
        return func(*args, **kwargs)
