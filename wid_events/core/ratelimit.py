"""Rate limits counted in the database, for the sensitive actions: logging in, asking for a
personal link again, and guessing personal-link tokens.

Flask-Limiter counts in Redis when ``REDIS_URL`` is set, but in each worker's own memory
otherwise, so with 4 gunicorn workers a "10 per minute" limit let 37 wrong passwords through.
These counters live in the ``rate_limit_hits`` table that every worker shares, so the limits
hold across workers (and hosts) with or without Redis. They are only kept for the longest
window; ``RATELIMIT_ENABLED=0`` switches them off with the others.

Each counted attempt is committed at once, in its own short transaction at the start of the
request (nothing else is pending then), or, for a failed token guess, after the view's work.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, Response, current_app, request
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import TooManyRequests

from wid_events import signals
from wid_events.core.database import lock_key
from wid_events.core.models import RateLimitHit
from wid_events.extensions import db
from wid_events.models_base import utcnow


@dataclass(frozen=True)
class Rule:
    scope: str
    limit: int
    window: dt.timedelta


MINUTE = dt.timedelta(minutes=1)
#: Every POST to these endpoints counts, per client address.
ATTEMPT_RULES = {
    "accounts.login": Rule("login", 10, MINUTE),
    "registration.resend": Rule("resend", 10, MINUTE),
}
#: Failed guesses (404 or 403) of a personal-link token, per client address, on any route with
#: a ``<token>`` in its URL (registrations, speaker and exhibitor portals).
TOKEN_GUESSES = Rule("token", 30, MINUTE)
#: Failed-guess statuses.
GUESS_FAILED = frozenset({403, 404})
#: Rows older than this are deleted as new ones come in.
KEEP = dt.timedelta(hours=1)


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _key(rule: Rule) -> str:
    return f"{rule.scope}:{get_remote_address() or '-'}"[:200]


def _count(key: str, since: dt.datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RateLimitHit)
        .where(RateLimitHit.key == key, RateLimitHit.at > since)
    )


def _add(key: str, now: dt.datetime) -> None:
    lock_key(f"rate-limit:{key}")  # the count below must see every racer before it
    db.session.execute(sa.delete(RateLimitHit).where(RateLimitHit.key == key, RateLimitHit.at < now - KEEP))
    db.session.add(RateLimitHit(key=key, at=now))
    db.session.flush()


def purge_expired(now: dt.datetime) -> int:
    """Delete attempts older than any window, of every key (a key seen once keeps its rows
    until then). Rows a request has locked are skipped, so this never waits for, or deadlocks
    with, a request counting its own key; they go next time."""
    expired = sa.select(RateLimitHit.id).where(RateLimitHit.at < now - KEEP).with_for_update(skip_locked=True)
    return db.session.execute(
        sa.delete(RateLimitHit)
        .where(RateLimitHit.id.in_(expired))
        .execution_options(synchronize_session=False)
    ).rowcount


def _on_housekeeping(_sender, *, now: dt.datetime, **_kwargs) -> dict[str, int]:
    return {"expired rate-limit attempts": purge_expired(now)}


def count_attempt(rule: Rule) -> bool:
    """Count one attempt and commit it; whether it is still within the limit.

    The attempts of one key are serialised (:func:`~wid_events.core.database.lock_key`) and the
    row is written before counting, so of N workers racing, at most ``limit`` see a count
    within the limit, on PostgreSQL as on SQLite.
    """
    db.session.commit()  # nothing is pending yet; a fresh transaction starts with the write
    now = utcnow()
    key = _key(rule)
    _add(key, now)
    within = _count(key, now - rule.window) <= rule.limit
    db.session.commit()
    return within


def _refuse(rule: Rule) -> None:
    exc = TooManyRequests()
    exc.retry_after = int(rule.window.total_seconds())
    raise exc


def _before_request() -> None:
    if not _enabled() or request.endpoint is None:
        return
    rule = ATTEMPT_RULES.get(request.endpoint)
    if rule is not None and request.method == "POST":
        if not count_attempt(rule):
            _refuse(rule)
        return
    if request.view_args and "token" in request.view_args:
        rule = TOKEN_GUESSES
        blocked = _count(_key(rule), utcnow() - rule.window) >= rule.limit
        db.session.rollback()  # end this read, so the view's own writes start fresh
        if blocked:
            _refuse(rule)


def _after_request(response: Response) -> Response:
    if (
        response.status_code in GUESS_FAILED
        and request.view_args
        and "token" in request.view_args
        and _enabled()
    ):
        # The view's own work is over (a refused link changes nothing): count the failed guess.
        db.session.rollback()
        _add(_key(TOKEN_GUESSES), utcnow())
        db.session.commit()
    return response


PER_WORKER_WARNING = (
    "WID_ENV=production with %d worker processes and no REDIS_URL: Flask-Limiter counts in each "
    "worker's own memory, so its limits are %d times looser than configured. Login, resend-link and "
    "token-guess limits still hold (they are counted in the database). Set REDIS_URL for the others."
)


def workers_from_environment() -> int:
    """How many worker processes gunicorn starts, as far as the environment tells."""
    value = os.environ.get("WEB_CONCURRENCY", "").strip()
    return int(value) if value.isdigit() else 1


def warn_if_counting_per_worker(logger, *, production: bool, workers: int, redis_url: str | None) -> bool:
    """Log the start-up warning when limits would be counted per worker; whether it did."""
    if production and workers > 1 and not redis_url:
        logger.warning(PER_WORKER_WARNING, workers, workers)
        return True
    return False


def init_app(app: Flask) -> None:
    warn_if_counting_per_worker(
        app.logger,
        production=app.config.get("WID_ENV") == "production",
        workers=workers_from_environment(),
        redis_url=app.config.get("REDIS_URL"),
    )
    app.before_request(_before_request)
    app.after_request(_after_request)
    signals.housekeeping.connect(_on_housekeeping, weak=False)
