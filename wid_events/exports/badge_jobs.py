"""The background badge batch: render a :class:`BadgeJob`'s PDF, reporting progress as it goes.

A job, not a service: it runs after the batch row was committed (see
:func:`wid_events.exports.services.start_badge_job`) and commits its own progress through
:func:`wid_events.core.uow.unit_of_work`, so the organiser's page can poll it.

Where it runs: on RQ when ``REDIS_URL`` is set (through :mod:`wid_events.jobs`), inline with
``JOBS_INLINE`` or ``BADGE_JOBS_INLINE``, otherwise in a daemon thread of the web process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from wid_events.core.uow import unit_of_work
from wid_events.events.models import Event
from wid_events.exports import badges
from wid_events.exports.models import BadgeJob, BadgeJobState
from wid_events.extensions import db
from wid_events.models_base import utcnow


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
    """The job function to hand to the job seam for a new batch (given its id)."""
    cfg = current_app.config
    if cfg.get("REDIS_URL") or cfg.get("JOBS_INLINE") or cfg.get("BADGE_JOBS_INLINE"):
        return run_badge_job
    return run_badge_job_in_thread


def run_badge_job_in_thread(job_id: int) -> None:
    """Without a queue: render in a daemon thread with its own app context and session."""
    app = current_app._get_current_object()

    def target() -> None:
        with app.app_context():
            run_badge_job(job_id)
            db.session.remove()

    threading.Thread(target=target, name=f"badge-job-{job_id}", daemon=True).start()


def run_badge_job(job_id: int) -> None:
    """Render a BadgeJob's PDF into ``instance/badges/``, updating its progress as it goes."""
    job = db.session.get(BadgeJob, job_id)
    if job is None:
        return
    with unit_of_work():
        job.state = BadgeJobState.RUNNING
    try:
        _render(job_id)
    except Exception as exc:  # the job must record its failure for the page
        db.session.rollback()
        current_app.logger.exception("Badge job %s failed", job_id)
        with unit_of_work():
            job = db.session.get(BadgeJob, job_id)
            job.state = BadgeJobState.FAILED
            job.error = str(exc)[:500]
            job.finished_at = utcnow()


def _render(job_id: int) -> None:
    job = db.session.get(BadgeJob, job_id)
    event = db.session.get(Event, job.event_id)
    with unit_of_work():
        roles = set(job.roles.split(",")) if job.roles else None
        items = badges.collect_badges(event, roles=roles, attendance=job.attendance or None)
        job.total = len(items)
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        with unit_of_work():
            db.session.execute(sa.update(BadgeJob).where(BadgeJob.id == job_id).values(done=done))

    pdf = badges.render_badges(event, items, layout=job.layout, progress=progress)
    path = badge_folder() / f"badges-{job.id}-{job.token}.pdf"
    path.write_bytes(pdf)
    with unit_of_work():
        job = db.session.get(BadgeJob, job_id)
        job.file_name = path.name
        job.done = job.total
        job.state = BadgeJobState.DONE
        job.finished_at = utcnow()
