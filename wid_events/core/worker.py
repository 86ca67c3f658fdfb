"""``flask jobs worker``: runs the jobs table (:class:`wid_events.core.models.Job`) without Redis.

* A job is claimed with ``UPDATE … WHERE id = ? AND state = 'queued'``: of two workers exactly
  one gets it.
* While it runs, a thread beats ``heartbeat_at`` every ``JOBS_HEARTBEAT_SECONDS`` (default 5)
  on its own connection.
* A running job whose heartbeat is older than ``JOBS_STALE_SECONDS`` (default 60) belongs to a
  worker that died (killed, out of memory, machine restarted): any worker marks it failed, and
  calls the job function's ``on_failure`` hook (e.g. a badge batch shows "failed" with a retry
  button instead of "in progress" for good). :func:`retry` queues a failed job again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import traceback

import sqlalchemy as sa
from flask import current_app

from wid_events import jobs
from wid_events.core.database import write_transaction
from wid_events.core.models import Job, JobState
from wid_events.extensions import db
from wid_events.models_base import utcnow

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _seconds(name: str, default: float) -> float:
    return float(current_app.config.get(name) or default)


def reap_stale(now: dt.datetime | None = None) -> list[int]:
    """Mark running jobs whose worker stopped beating as failed. Returns their ids."""
    now = now or utcnow()
    limit = now - dt.timedelta(seconds=_seconds("JOBS_STALE_SECONDS", 60))
    stale = db.session.scalars(
        sa.select(Job.id).where(
            Job.state == JobState.RUNNING,
            sa.or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < limit),
        )
    ).all()
    reaped = []
    db.session.commit()
    for job_id in stale:
        result = db.session.execute(
            sa.update(Job)
            .where(
                Job.id == job_id,
                Job.state == JobState.RUNNING,
                sa.or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < limit),
            )
            .values(
                state=JobState.FAILED, finished_at=now, error="The worker stopped while running this job."
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            reaped.append(job_id)
    db.session.commit()
    for job_id in reaped:
        _call_failure_hook(db.session.get(Job, job_id))
    return reaped


def _call_failure_hook(job: Job) -> None:
    try:
        func = jobs.load_func(job.func)
        hook = getattr(func, "on_failure", None)
        if hook is not None:
            args, kwargs = jobs.decode(job.payload)
            with write_transaction():
                hook(*args, **kwargs)
            db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("on_failure hook of job %s failed", job.id)


def claim(name: str | None = None) -> Job | None:
    """Take the oldest queued job for this worker, or None."""
    name = name or worker_name()
    for _ in range(5):  # another worker may win the race for the same row
        job_id = db.session.scalar(
            sa.select(Job.id).where(Job.state == JobState.QUEUED).order_by(Job.id).limit(1)
        )
        if job_id is None:
            db.session.commit()
            return None
        now = utcnow()
        db.session.commit()  # the update starts a transaction of its own (SQLite: no stale read)
        result = db.session.execute(
            sa.update(Job)
            .where(Job.id == job_id, Job.state == JobState.QUEUED)
            .values(
                state=JobState.RUNNING,
                worker=name,
                started_at=now,
                heartbeat_at=now,
                attempts=Job.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if result.rowcount == 1:
            return db.session.get(Job, job_id)
    return None


class Heartbeat:
    """Beats ``heartbeat_at`` of one job from a thread, on its own database connection."""

    def __init__(self, job_id: int, every: float) -> None:
        self.job_id = job_id
        self.every = every
        self.engine = db.engine
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"job-{job_id}-heartbeat", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        sa.update(Job)
                        .where(Job.id == self.job_id, Job.state == JobState.RUNNING)
                        .values(heartbeat_at=utcnow())
                    )
            except Exception:  # a missed beat is not fatal; the next one may succeed
                log.warning("heartbeat of job %s failed", self.job_id, exc_info=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def run(job: Job) -> bool:
    """Run one claimed job; record done or failed. Returns whether it succeeded."""
    job_id, func_name, payload = job.id, job.func, job.payload
    db.session.commit()
    ok, error = True, None
    with Heartbeat(job_id, _seconds("JOBS_HEARTBEAT_SECONDS", 5)):
        try:
            func = jobs.load_func(func_name)
            args, kwargs = jobs.decode(payload)
            func(*args, **kwargs)
            db.session.commit()
        except Exception:
            db.session.rollback()
            ok, error = False, traceback.format_exc(limit=5)[-1000:]
            log.exception("job %s (%s) failed", job_id, func_name)
        finally:
            db.session.remove()
    db.session.execute(
        sa.update(Job)
        .where(Job.id == job_id)
        .values(state=JobState.DONE if ok else JobState.FAILED, finished_at=utcnow(), error=error)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if not ok:
        _call_failure_hook(db.session.get(Job, job_id))
    return ok


def retry(job_id: int) -> bool:
    """Queue a failed job again. Returns False when it is not failed."""
    result = db.session.execute(
        sa.update(Job)
        .where(Job.id == job_id, Job.state == JobState.FAILED)
        .values(state=JobState.QUEUED, error=None, worker=None, heartbeat_at=None, finished_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def work(*, burst: bool = False, poll: float = 1.0, max_jobs: int | None = None) -> int:
    """Run jobs until stopped (or, with ``burst``, until the queue is empty). Returns how many ran."""
    name = worker_name()
    ran = 0
    last_reap = 0.0
    while max_jobs is None or ran < max_jobs:
        if time.monotonic() - last_reap > _seconds("JOBS_HEARTBEAT_SECONDS", 5):
            reap_stale()
            last_reap = time.monotonic()
        job = claim(name)
        if job is None:
            if burst:
                break
            time.sleep(poll)
            continue
        run(job)
        ran += 1
    return ran
