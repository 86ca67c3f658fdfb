"""The one write path: a unit of work per request, CLI command or job.

* Services change objects in ``db.session`` and never commit.
* :func:`unit_of_work` (CLI, jobs) and :func:`run_action` (views) commit once at the end.
* Work that must only happen once the data is safely stored (mail, background jobs) is
  registered with :func:`after_commit` or :func:`queue_mail`. It is held on the session, handed
  to the job seam (:mod:`wid_events.jobs`) only after a successful commit, and dropped on
  rollback, so nobody is ever mailed a link to something that was never saved.
* A job carries a module-level function and plain arguments (ids, names), never rendered
  bodies or tokens: mail is rendered when it is sent.

:func:`wid_events.core.database.write_transaction` stays the one documented exception for
capacity rules: it commits what came before it so that it can take the write lock first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context

from wid_events import jobs
from wid_events.extensions import db
from wid_events.mail import send_now

_PENDING = "wid_after_commit_pending"
_READY = "wid_after_commit_ready"

Job = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]


def after_commit(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run ``func(*args, **kwargs)`` as a job once the current transaction commits."""
    db.session.info.setdefault(_PENDING, []).append((func, args, kwargs))


def queue_mail(builder: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Send the mail that ``builder(*args, **kwargs)`` builds, after the commit.

    ``builder`` is a module-level function that loads what it needs by id and returns a
    :class:`wid_events.mail.Mail` (or ``None`` when there is nothing to send any more).
    """
    after_commit(send_built_mail, builder, *args, **kwargs)


def send_built_mail(builder: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Job: build the mail now, in the worker, then deliver it."""
    mail = builder(*args, **kwargs)
    if mail is not None:
        send_now(mail)


def pending_jobs() -> list[Job]:
    """What the current transaction will hand over when it commits (for tests)."""
    return list(db.session.info.get(_PENDING, []))


@sa.event.listens_for(sa.orm.Session, "before_commit")
def _table_jobs_commit_with_the_data(session) -> None:
    """With the jobs table as back end, pending jobs are inserted in the committing transaction
    (see :func:`wid_events.jobs.store_in_transaction`); a worker can only see them once that
    transaction has committed, so they still run strictly after the commit."""
    pending = session.info.get(_PENDING)
    if pending and has_app_context() and jobs.backend() == "db":
        session.info[_PENDING] = jobs.store_in_transaction(session, pending)


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _commit_moves_pending_to_ready(session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_READY, []).extend(pending)


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _rollback_drops_pending(session) -> None:
    session.info.pop(_PENDING, None)


def dispatch_ready() -> int:
    """Hand every job whose transaction committed to the job seam. Returns how many."""
    session = db.session()
    ready = session.info.pop(_READY, None) or []
    for func, args, kwargs in ready:
        try:
            jobs.enqueue(func, *args, **kwargs)
        except Exception:  # one failed job must not undo what the user already saved
            current_app.logger.exception("Job %s failed after commit", getattr(func, "__name__", func))
    return len(ready)


def commit() -> None:
    """Commit the session and hand over the jobs that waited for it."""
    db.session.commit()
    dispatch_ready()


@contextlib.contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit once when the block succeeds; roll back (and drop queued jobs) when it raises."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    commit()


def init_app(app: Flask) -> None:
    @app.teardown_request
    def _dispatch_leftovers(exc: BaseException | None) -> None:
        """Safety net: a view that committed by other means still gets its jobs sent."""
        if exc is None and db.session.info.get(_READY):
            dispatch_ready()
