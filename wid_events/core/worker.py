"""``flask jobs worker``: runs the jobs table (:class:`wid_events.core.models.Job`) without Redis.

* A job is claimed with one ``UPDATE … WHERE id = (the oldest queued, FOR UPDATE SKIP LOCKED)
  AND state = 'queued' RETURNING``: of two workers exactly one gets it.
* While it runs, a thread beats ``heartbeat_at`` every ``JOBS_HEARTBEAT_SECONDS`` (default 5)
  on its own connection.
* A running job whose heartbeat is older than ``JOBS_STALE_SECONDS`` (default 60) belongs to a
  worker that died (killed, out of memory, machine restarted): any worker marks it failed, and
  calls the job function's ``on_failure`` hook (e.g. a badge batch shows "failed" with a retry
  button instead of "in progress" for good). :func:`retry` queues a failed job again.
* Stopping (:class:`Stopper`): on SIGTERM or SIGINT (systemd, ``docker stop``, a supervisor,
  Ctrl-C of ``make run``) the worker takes no new job, lets the running one finish, and exits
  with status 0 and a line on stderr. A job still running after the grace period (``--grace``,
  default 30 s) is interrupted, its transaction rolled back, and put back to ``queued`` for the
  next worker, never left ``running`` for the reaper. A second SIGTERM/SIGINT interrupts it at
  once, the same way. Jobs must therefore tolerate running again from the start (a badge batch
  starts over; so would a mail interrupted in the middle of sending). Processes forked by a job
  (the badge pool) keep the default reaction to these signals: send them to the worker only
  (systemd ``KillMode=mixed``), or an interrupted pool fails the job (it can be retried).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app

from wid_events import jobs
from wid_events.core import housekeeping
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
    """Take the oldest queued job for this worker, or None.

    One statement: ``UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) … RETURNING``. On
    PostgreSQL, a worker skips the row another worker is claiming and takes the next one; SQLite
    runs one writer at a time. It was a ``SELECT``, an ``UPDATE`` and a ``SELECT`` in three
    transactions (three pool check-outs and pings), repeated when another worker won the row.
    The job comes back detached, with its columns loaded: nothing is read again."""
    now = utcnow()
    oldest = (
        sa.select(Job.id)
        .where(Job.state == JobState.QUEUED)
        .order_by(Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    db.session.commit()  # a transaction of its own, begun by the update (SQLite: no stale read)
    job = db.session.scalars(
        sa.update(Job)
        .where(Job.id == oldest, Job.state == JobState.QUEUED)
        .values(
            state=JobState.RUNNING,
            worker=name or worker_name(),
            started_at=now,
            heartbeat_at=now,
            attempts=Job.attempts + 1,
        )
        .returning(Job),
        execution_options={"synchronize_session": False},
    ).one_or_none()
    if job is not None:
        db.session.expunge(job)
    db.session.commit()
    return job


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


class Interrupted(BaseException):
    """Raised inside a running job when the worker must stop now (grace period over, or a
    second signal). A ``BaseException``, so the job's own ``except Exception`` lets it through."""


class Stopper:
    """What SIGTERM and SIGINT do to a worker: stop taking jobs, give the running job ``grace``
    seconds (a SIGALRM timer), then raise :class:`Interrupted` in it; a second signal raises it
    at once. Only the main thread of the worker's own process runs signal handlers."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self, grace: float = 30.0) -> None:
        self.grace = grace
        self.requested: str | None = None  # the name of the signal that asked to stop
        self.in_job = False
        self._pid = os.getpid()
        self._previous: dict[int, object] = {}

    def install(self) -> None:
        """Take SIGTERM, SIGINT and SIGALRM (main thread only). A signal ignored by whoever
        started the worker stays ignored (``make run`` starts it in the background, where the
        shell ignores Ctrl-C's SIGINT; its trap sends one SIGTERM instead). Outside the main
        thread (a worker started from a test's thread) nothing is taken."""
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in self.SIGNALS:
            if signal.getsignal(signum) != signal.SIG_IGN:
                self._previous[signum] = signal.signal(signum, self._on_signal)
        self._previous[signal.SIGALRM] = signal.signal(signal.SIGALRM, self._on_alarm)

    def uninstall(self) -> None:
        """Give the signals back to whoever had them before :meth:`install`."""
        if not self._previous:
            return
        self._disarm()
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()

    def _on_signal(self, signum: int, frame) -> None:
        if os.getpid() != self._pid:  # a process forked by a job inherited the handler
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        name = signal.Signals(signum).name
        if self.requested is not None:
            log.warning("%s again: stopping now", name)
            if self.in_job:
                raise Interrupted(f"the worker was stopped ({self.requested}, then {name})")
            return
        self.requested = name
        if self.in_job:
            log.warning("%s: taking no new job; the running one has %g s to finish", name, self.grace)
            self._arm()
        else:
            log.warning("%s: stopping", name)

    def _on_alarm(self, signum: int, frame) -> None:
        if self.in_job and os.getpid() == self._pid:
            raise Interrupted(f"the worker was stopped ({self.requested}); the job overran {self.grace:g} s")

    def _arm(self) -> None:
        if signal.SIGALRM in self._previous:  # installed: the timer is ours
            signal.setitimer(signal.ITIMER_REAL, max(self.grace, 0.001))

    def _disarm(self) -> None:
        if signal.SIGALRM in self._previous:
            signal.setitimer(signal.ITIMER_REAL, 0)

    @contextmanager
    def job(self) -> Iterator[None]:
        """Around the job function: where :class:`Interrupted` may be raised."""
        self.in_job = True
        try:
            if self.requested is not None:  # the signal came between the claim and now
                self._arm()
            yield
        finally:
            self.in_job = False
            self._disarm()


def run(job: Job, stopper: Stopper | None = None) -> bool:
    """Run one claimed job; record done or failed, or queued again when the worker was stopped
    in the middle of it (:class:`Interrupted`). Returns whether it succeeded."""
    job_id, func_name, payload = job.id, job.func, job.payload
    stopper = stopper or Stopper()  # never installed: its job() only flags
    db.session.commit()
    ok, error, interrupted = True, None, None
    with Heartbeat(job_id, _seconds("JOBS_HEARTBEAT_SECONDS", 5)):
        try:
            func = jobs.load_func(func_name)
            args, kwargs = jobs.decode(payload)
            with stopper.job():
                func(*args, **kwargs)
            # Done in the job's own transaction when it only read (PostgreSQL): one commit, one
            # pool check-out and its ping less per job. A job that wrote is committed first.
            with write_transaction():
                _record_end(job_id, JobState.DONE)
            db.session.commit()
        except Interrupted as exc:
            ok, interrupted = False, str(exc)
            log.warning("job %s (%s) interrupted: %s; queued again", job_id, func_name, exc)
        except Exception:
            db.session.rollback()
            ok, error = False, traceback.format_exc(limit=5)[-1000:]
            log.exception("job %s (%s) failed", job_id, func_name)
        finally:
            if interrupted is not None:
                # the connection may have been interrupted mid-statement: drop it, never reuse it
                db.session().invalidate()
            db.session.remove()
    if interrupted is not None:
        _queue_again(job_id, JobState.RUNNING, f"Interrupted: {interrupted}; queued again."[:1000])
        return False
    if not ok:
        _record_end(job_id, JobState.FAILED, error)
        db.session.commit()
        _call_failure_hook(db.session.get(Job, job_id))
    return ok


def _record_end(job_id: int, state: JobState, error: str | None = None) -> None:
    """Mark the job ``state`` (done or failed), with ``error`` (the caller commits)."""
    db.session.execute(
        sa.update(Job)
        .where(Job.id == job_id)
        .values(state=state, finished_at=utcnow(), error=error)
        .execution_options(synchronize_session=False)
    )


def _queue_again(job_id: int, from_state: JobState, error: str | None) -> bool:
    """Put a job that is in ``from_state`` back to ``queued``, as new. Whether it was."""
    result = db.session.execute(
        sa.update(Job)
        .where(Job.id == job_id, Job.state == from_state)
        .values(state=JobState.QUEUED, error=error, worker=None, heartbeat_at=None, finished_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def retry(job_id: int) -> bool:
    """Queue a failed job again. Returns False when it is not failed."""
    return _queue_again(job_id, JobState.FAILED, None)


def work(
    *, burst: bool = False, poll: float = 1.0, max_jobs: int | None = None, stopper: Stopper | None = None
) -> int:
    """Run jobs until stopped (or, with ``burst``, until the queue is empty). Returns how many ran.

    With a ``stopper`` (installed by ``flask jobs worker``), also until SIGTERM/SIGINT."""
    name = worker_name()
    ran = 0
    last_reap = 0.0
    last_housekeeping = time.monotonic()
    stopper = stopper or Stopper()  # never installed: its job() only flags
    while (max_jobs is None or ran < max_jobs) and stopper.requested is None:
        if time.monotonic() - last_reap > _seconds("JOBS_HEARTBEAT_SECONDS", 5):
            reap_stale()
            last_reap = time.monotonic()
        if time.monotonic() - last_housekeeping > _seconds("HOUSEKEEPING_SECONDS", 3600):
            _housekeeping()
            last_housekeeping = time.monotonic()
        job = claim(name)
        if job is None:
            if burst:
                break
            _sleep(poll, stopper)
            continue
        run(job, stopper)
        ran += 1
    return ran


def _housekeeping() -> None:
    try:
        done = housekeeping.run()
    except Exception:
        db.session.rollback()
        log.exception("housekeeping failed; the next round tries again")
        return
    if any(done.values()):
        log.info("housekeeping: %s", ", ".join(f"{label}: {rows}" for label, rows in done.items() if rows))


def _sleep(seconds: float, stopper: Stopper) -> None:
    """Sleep, waking within 0.1 s of a stop request."""
    deadline = time.monotonic() + seconds
    while stopper.requested is None and (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, 0.1))
