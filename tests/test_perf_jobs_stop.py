"""Stopping ``flask jobs worker`` gracefully (issue 15): a real worker process gets SIGTERM
while a job runs. Within the grace period the job finishes; past it, or on a second signal,
the job goes back to the queue; the worker takes no new job and exits with status 0.
Timings are generous timeouts only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import cli_env
from wid_events import jobs
from wid_events.core import worker
from wid_events.core.models import Job, JobState
from wid_events.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def slow_job(marker: str, seconds: float) -> None:
    """Writes ``marker.started``, works ``seconds`` (in small steps), writes ``marker.done``."""
    Path(f"{marker}.started").touch()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.05)
    Path(f"{marker}.done").touch()


_STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def no_worker_outlives_its_test():
    """A test that fails before it stops its worker must not leave the process running."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


# Run before the worker's exec: SIGINT and SIGTERM as a service manager hands them over (default
# action, not blocked), whatever the test process had (an xdist worker, a thread that blocked
# them); an ignored SIGINT would otherwise stay ignored in the worker, as the worker intends.
DEFAULT_SIGNALS = (
    "import os, signal, sys; signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM}); "
    "signal.signal(signal.SIGINT, signal.SIG_DFL); signal.signal(signal.SIGTERM, signal.SIG_DFL); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)
WORKER = (sys.executable, "-c", DEFAULT_SIGNALS, "-m", "flask", "--app", "wsgi", "jobs", "worker")


def start_worker(app, tmp_path: Path, *options: str) -> subprocess.Popen:
    env = cli_env(
        app,
        JOBS_HEARTBEAT_SECONDS="0.2",
        PYTHONPATH=str(ROOT / "tests"),  # slow_job is this module's, imported by pytest as a top-level one
    )
    proc = subprocess.Popen(
        [*WORKER, "--poll", "0.1", *options],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "worker.log", "wb"),
        start_new_session=True,
    )
    _STARTED.append(proc)
    return proc


def wait_until_started(proc: subprocess.Popen, marker: Path, tmp_path: Path, job_id: int) -> None:
    deadline = time.monotonic() + 120
    started = Path(f"{marker}.started")
    while time.monotonic() < deadline and not started.exists() and proc.poll() is None:
        if states(job_id) == [JobState.FAILED]:
            break
        time.sleep(0.05)
    assert started.exists(), (tmp_path / "worker.log").read_text()[-3000:]


def stop(proc: subprocess.Popen, *signals: signal.Signals, log: Path | None = None) -> int:
    """Send ``signals`` one after the other. With ``log``, each next signal waits until the
    worker has logged the previous one: two signals that arrive before Python runs the first
    handler are one signal (CPython calls the handler once), which is not what is tested."""
    try:
        for n, sig in enumerate(signals, 1):
            proc.send_signal(sig)
            deadline = time.monotonic() + 60
            while log is not None and n < len(signals) and time.monotonic() < deadline:
                if log.read_text(errors="replace").count(f"{sig.name}:") >= n:
                    break
                time.sleep(0.05)
        try:
            return proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            text = log.read_text(errors="replace")[-3000:] if log is not None else ""
            pytest.fail(f"the worker did not stop within 60 s after {[s.name for s in signals]}:\n{text}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def states(*ids: int) -> list[JobState]:
    db.session.rollback()
    return [db.session.get(Job, i, populate_existing=True).state for i in ids]


@pytest.mark.slow
def test_sigterm_lets_the_running_job_finish_and_takes_no_new_one(db_jobs, tmp_path):
    marker = tmp_path / "first"
    first = jobs.enqueue(slow_job, str(marker), 2.0)
    second = jobs.enqueue(slow_job, str(tmp_path / "second"), 0.0)
    proc = start_worker(db_jobs, tmp_path, "--grace", "60")
    wait_until_started(proc, marker, tmp_path, first)
    assert stop(proc, signal.SIGTERM) == 0
    log = (tmp_path / "worker.log").read_text()
    assert states(first, second) == [JobState.DONE, JobState.QUEUED], log
    assert Path(f"{marker}.done").exists()
    assert "stopped by SIGTERM after 1 job(s)" in log


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signals", "grace"),
    [((signal.SIGTERM,), "0.5"), ((signal.SIGINT, signal.SIGINT), "60")],
    ids=["grace-exceeded", "second-signal"],
)
def test_a_job_that_overruns_goes_back_to_the_queue(db_jobs, tmp_path, signals, grace):
    marker = tmp_path / "long"
    job_id = jobs.enqueue(slow_job, str(marker), 300.0)
    proc = start_worker(db_jobs, tmp_path, "--grace", grace)
    wait_until_started(proc, marker, tmp_path, job_id)
    assert stop(proc, *signals, log=tmp_path / "worker.log") == 0
    log = (tmp_path / "worker.log").read_text()
    db.session.rollback()  # a new snapshot: the last look at the job was before the signal
    job = db.session.get(Job, job_id, populate_existing=True)
    assert job.state == JobState.QUEUED, log  # never "running" until the reaper comes
    assert job.worker is None and job.attempts == 1 and "Interrupted" in job.error
    assert not Path(f"{marker}.done").exists()
    assert f"stopped by {signals[0].name}" in log
    # the next worker runs it from the start
    db.session.execute(
        sa.update(Job).where(Job.id == job_id).values(payload=jobs.encode((str(marker), 0.0), {}))
    )
    db.session.commit()
    assert worker.work(burst=True) == 1
    assert states(job_id) == [JobState.DONE]
