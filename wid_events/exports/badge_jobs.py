"""The background badge batch: render a :class:`BadgeJob`'s PDF, reporting progress as it goes.

A job, not a service: it runs after the batch row was committed (see
:func:`wid_events.exports.services.start_badge_job`) and commits its own progress through
:func:`wid_events.core.uow.unit_of_work`, so the organiser's page can poll it.

Where it runs: wherever :mod:`wid_events.jobs` sends it: RQ when ``REDIS_URL`` is set, the
database's job table (``flask jobs worker``) otherwise, inline with ``JOBS_INLINE`` or in
tests. A batch whose worker is killed is marked failed (:func:`mark_failed`) and can be started
again from its page (:func:`wid_events.exports.services.retry_badge_job`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from wid_events.core.database import write_transaction
from wid_events.core.uow import unit_of_work
from wid_events.events.models import Event
from wid_events.exports import badges
from wid_events.exports.models import BadgeJob, BadgeJobState
from wid_events.extensions import db
from wid_events.models_base import utcnow


@contextlib.contextmanager
def _write() -> Iterator[None]:
    """A unit of work that takes the write lock first: the worker's heartbeat and the web
    processes write meanwhile, and SQLite refuses to turn a stale read into a write."""
    with unit_of_work(), write_transaction():
        yield


def badge_folder() -> Path:
    folder = Path(current_app.instance_path) / "badges"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def badge_job_file(job) -> Path | None:
    if not job.file_name:
        return None
    path = badge_folder() / job.file_name
    return path if path.exists() else None


def runner() -> Callable[[int], None]:
    """The job function to hand to the job seam for a new batch (given its id).

    The seam (:mod:`wid_events.jobs`) decides where it runs: RQ with Redis, the database's job
    table (``flask jobs worker``) otherwise, inline with ``JOBS_INLINE`` and in tests. Never a
    thread of the web process: a recycled worker took such batches with it.
    """
    return run_badge_job


def mark_failed(job_id: int, message: str | None = None) -> None:
    """``on_failure`` of :func:`run_badge_job`: its worker died or it raised; never "running" for good."""
    job = db.session.get(BadgeJob, job_id)
    if job is None or job.state in (BadgeJobState.DONE, BadgeJobState.FAILED):
        return
    job.state = BadgeJobState.FAILED
    job.error = (message or "The worker stopped while rendering this batch. Start it again.")[:500]
    job.finished_at = utcnow()


def run_badge_job(job_id: int) -> None:
    """Render a BadgeJob's PDF into ``instance/badges/``, updating its progress as it goes."""
    job = db.session.get(BadgeJob, job_id)
    if job is None:
        return
    with _write():
        job.state = BadgeJobState.RUNNING
        job.done = 0
        job.error = None
    try:
        _render(job_id)
    except Exception as exc:  # the job must record its failure for the page
        db.session.rollback()
        current_app.logger.exception("Badge job %s failed", job_id)
        with _write():
            job = db.session.get(BadgeJob, job_id)
            job.state = BadgeJobState.FAILED
            job.error = str(exc)[:500]
            job.finished_at = utcnow()


#: Called by the job worker when the job's worker died (:func:`wid_events.core.worker.reap_stale`).
run_badge_job.on_failure = mark_failed


def _render(job_id: int) -> None:
    job = db.session.get(BadgeJob, job_id)
    event = db.session.get(Event, job.event_id)
    with _write():
        roles = set(job.roles.split(",")) if job.roles else None
        items = badges.collect_badges(event, roles=roles, attendance=job.attendance or None)
        job.total = len(items)
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        with _write():
            db.session.execute(sa.update(BadgeJob).where(BadgeJob.id == job_id).values(done=done))

    pdf = badges.render_badges(event, items, layout=job.layout, progress=progress)
    path = badge_folder() / f"badges-{job.id}-{job.token}.pdf"
    path.write_bytes(pdf)
    with _write():
        job = db.session.get(BadgeJob, job_id)
        job.file_name = path.name
        job.done = job.total
        job.state = BadgeJobState.DONE
        job.finished_at = utcnow()
