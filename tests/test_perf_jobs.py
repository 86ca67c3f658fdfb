"""Durable jobs without Redis (issue 15): the jobs table, ``flask jobs worker``, stale jobs,
retry, and badge batches that survive a killed worker. Badges on every core, joined with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from tests.conftest import cli_env
from tests.factories import login, make_event, make_organiser, make_registration
from wid_events import jobs
from wid_events.core import pdf_render, worker
from wid_events.core.models import Job, JobState
from wid_events.core.uow import commit, queue_mail, unit_of_work
from wid_events.exports import badges, pdf_pool, services
from wid_events.exports.models import BadgeJob, BadgeJobState
from wid_events.extensions import db
from wid_events.mail import Mail
from wid_events.models_base import utcnow

ROOT = Path(__file__).resolve().parent.parent


def welcome_mail(to: str) -> Mail:
    return Mail(to=to, subject="Welcome to DT4E", body="See you in Brussels.")


def failing_job(message: str) -> None:
    raise RuntimeError(message)


def test_mail_waits_in_the_jobs_table_until_a_worker_sends_it(db_jobs, runner, outbox):
    queue_mail(welcome_mail, "ada@example.org")
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0  # nothing before the commit
    commit()
    job = db.session.scalars(sa.select(Job)).one()
    assert job.state == JobState.QUEUED and job.func == "wid_events.core.uow:send_built_mail"
    assert "Brussels" not in str(job.payload)  # the builder and its arguments, never a body
    assert outbox() == []
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert "1 job(s) run" in result.output
    assert [m["To"] for m in outbox()] == ["ada@example.org"]
    job = db.session.scalars(sa.select(Job)).one()
    assert job.state == JobState.DONE and job.attempts == 1


def test_a_failing_job_is_recorded_and_can_be_retried(db_jobs, runner):
    job_id = jobs.enqueue(failing_job, "boom")
    assert worker.work(burst=True) == 1
    job = db.session.get(Job, job_id)
    assert job.state == JobState.FAILED and "boom" in job.error
    listed = runner.invoke(args=["jobs", "list"])
    assert f"{job_id}\tfailed" in listed.output
    assert runner.invoke(args=["jobs", "retry", str(job_id)]).exit_code == 0
    job = db.session.get(Job, job_id)
    assert job.state == JobState.QUEUED
    assert runner.invoke(args=["jobs", "retry", str(job_id)]).exit_code == 2  # not failed now


def test_a_job_is_claimed_by_one_worker_only(db_jobs):
    jobs.enqueue(failing_job, "once")
    first = worker.claim("worker-a")
    assert first is not None and first.state == JobState.RUNNING and first.worker == "worker-a"
    assert worker.claim("worker-b") is None


def test_workers_claiming_at_once_take_every_job_exactly_once(db_jobs, app):
    """Four workers claim from the same queue at the same time (on PostgreSQL a claim skips the
    row another worker is locking): every job is taken, none twice, oldest first per worker."""
    for i in range(24):
        jobs.enqueue(failing_job, f"job {i}")
    db.session.commit()
    taken: dict[str, list[int]] = {}
    barrier = threading.Barrier(4)

    def claim_all(name: str) -> None:
        with app.app_context():
            barrier.wait()
            mine = taken.setdefault(name, [])
            while (job := worker.claim(name)) is not None:
                assert job.worker == name and job.state == JobState.RUNNING and job.attempts == 1
                mine.append(job.id)
            db.session.remove()

    threads = [threading.Thread(target=claim_all, args=(f"worker-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [job_id for mine in taken.values() for job_id in mine]
    assert len(ids) == len(set(ids)) == 24
    assert all(mine == sorted(mine) for mine in taken.values())
    db.session.rollback()
    rows = db.session.execute(sa.select(Job.id, Job.worker, Job.state)).all()
    assert {(job_id, name) for job_id, name, _ in rows} == {(i, n) for n, m in taken.items() for i in m}
    assert {state for _, _, state in rows} == {JobState.RUNNING}


def test_keyed_jobs_are_queued_once(db_jobs):
    assert jobs.enqueue_keyed("k", failing_job, "x") is not None
    assert jobs.enqueue_keyed("k", failing_job, "x") is None
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 1


def test_stale_running_jobs_are_marked_failed_and_their_batch_too(db_jobs, client):
    event = make_event("stale-badges")
    for i in range(3):
        make_registration(event, f"Attendee {i}")
    organiser = make_organiser(event)
    with unit_of_work():
        batch = services.start_badge_job(event, layout="a6", roles=None)
    job = worker.claim("dead-worker")  # a worker took it, set the batch running, then died
    with unit_of_work():
        batch = db.session.get(BadgeJob, batch.id)
        batch.state, batch.done = BadgeJobState.RUNNING, 1
    assert worker.reap_stale() == []  # its heartbeat is fresh: not stale yet
    job_id = job.id
    later = utcnow() + dt.timedelta(seconds=db_jobs.config["JOBS_STALE_SECONDS"] + 1)
    assert worker.reap_stale(now=later) == [job_id]
    batch = db.session.get(BadgeJob, batch.id)
    assert batch.state == BadgeJobState.FAILED and "worker stopped" in batch.error
    # The organiser sees the failure and starts the batch again; a worker finishes it.
    login(client, organiser)
    batch_id = batch.id
    page = client.get(f"/manage/events/{event.slug}/badges/jobs/{batch_id}")
    assert b"Start the batch again" in page.data
    retried = client.post(f"/manage/events/{event.slug}/badges/jobs/{batch_id}/retry")
    assert retried.status_code == 303
    db.session.rollback()
    assert worker.work(burst=True) == 1
    batch = db.session.get(BadgeJob, batch_id)
    assert batch.state == BadgeJobState.DONE and batch.done == batch.total == 4  # 3 attendees, 1 organiser


@pytest.mark.slow
def test_a_badge_batch_survives_a_killed_worker(db_jobs, app, tmp_path):
    """A real ``flask jobs worker`` is killed (SIGKILL) mid-batch: the batch ends failed, not
    "in progress" for good, and a retry finishes it."""
    event = make_event("killed-badges")
    for i in range(150):
        make_registration(event, f"Attendee {i}", organisation="Somewhere")
    with unit_of_work():
        batch = services.start_badge_job(event, layout="a6", roles=None)
    env = cli_env(app, JOBS_HEARTBEAT_SECONDS="0.2")
    proc = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--poll", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "worker.log", "wb"),
        start_new_session=True,  # its own process group: the pool's processes die with it
    )
    try:
        deadline = time.monotonic() + 120
        state = None
        while time.monotonic() < deadline and state != BadgeJobState.RUNNING:
            db.session.rollback()
            state = db.session.scalar(sa.select(BadgeJob.state).where(BadgeJob.id == batch.id))
            time.sleep(0.05)
        assert state == BadgeJobState.RUNNING, (tmp_path / "worker.log").read_text()[-3000:]
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    db.session.rollback()
    assert db.session.scalar(sa.select(Job.state)) == JobState.RUNNING  # what the dead worker left
    later = utcnow() + dt.timedelta(seconds=app.config["JOBS_STALE_SECONDS"] + 1)
    assert len(worker.reap_stale(now=later)) == 1
    batch = db.session.get(BadgeJob, batch.id)
    assert batch.state == BadgeJobState.FAILED
    batch_id = batch.id
    with unit_of_work():
        services.retry_badge_job(event, batch_id)
    assert worker.work(burst=True) == 1
    batch = db.session.get(BadgeJob, batch_id)
    assert batch.state == BadgeJobState.DONE, batch.error
    assert batch.done == batch.total == 150


def test_badges_render_on_several_processes_with_exact_progress(app):
    event = make_event("pool-badges")
    regs = [make_registration(event, f"Person {i:02d}") for i in range(21)]
    items = [badges.badge_for_registration(r) for r in regs]
    reported = []
    pdf = badges.render_badges(event, items, layout="a4-4up", chunk=8, processes=2, progress=reported.append)
    assert reported and sum(reported) == 21 and sorted(reported) == [1, 4, 8, 8]
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 6  # 21 badges, 4 a sheet, in order
    first, last = reader.pages[0].extract_text(), reader.pages[-1].extract_text()
    assert "Person 00" in first and "Person 20" in last
    same = badges.render_badges(event, items, layout="a4-4up", chunk=8, processes=1)
    assert len(PdfReader(io.BytesIO(same)).pages) == 6


def test_flask_badges_render_of_a_small_batch_exits_cleanly(app, tmp_path):
    """A batch of one chunk is laid out in the CLI's own process. Its font configuration used to
    be freed in the interpreter's last garbage collection: SIGSEGV (exit status 139) after the
    file was written."""
    event = make_event("one-chunk-badges")
    for name in ("Émilie Dubois", "Олена Коваль", "فاطمة الزهراء"):
        make_registration(event, name)
    env = cli_env(app)
    out = tmp_path / "badges.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "badges", "render", event.slug, "-o", str(out)],
        check=False,  # the exit status is the assertion
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(PdfReader(out).pages) == 3  # a6 by default: one page a badge


def test_badge_chunks_are_whole_sheets_and_a_multiple_of_the_processes():
    sizes = badges.chunk_sizes(1000, 8, 48, 2)
    assert sum(sizes) == 1000 and len(sizes) % 2 == 0 and all(n % 8 == 0 for n in sizes)
    assert max(sizes) <= 48 and max(sizes) - min(sizes) <= 8 and sizes == sorted(sizes, reverse=True)
    assert badges.chunk_sizes(97, 8, 48, 2) == [32, 24, 24, 17]  # the last sheet holds one badge
    assert badges.chunk_sizes(3, 1, 2, 4) == [1, 1, 1]  # never more chunks than sheets
    assert badges.chunk_sizes(40, 8, 48, 2) == [40]  # one chunk: rendered in this process


def test_qr_rectangles_cover_exactly_the_dark_modules():
    for code in ("mJMVgaESmHtqwYFEWwdUyg", "x", "a" * 60):
        matrix = pdf_render.qr_matrix(code)
        painted = [[0] * len(row) for row in matrix]
        for x, y, width, height in pdf_render.qr_rectangles(matrix):
            for row in range(y, y + height):
                for col in range(x, x + width):
                    painted[row][col] += 1  # an overlap would count 2
        assert painted == [[bit & 1 for bit in row] for row in matrix]
        runs = sum(
            sum(1 for i, bit in enumerate(row) if bit & 1 and not (i and row[i - 1] & 1)) for row in matrix
        )
        assert len(pdf_render.qr_rectangles(matrix)) < runs  # rows' identical runs are merged


def test_qr_codes_are_vector_operators_not_images(app):
    event = make_event("vector-badges")
    items = [badges.badge_for_registration(make_registration(event, "Vera Vector"))]
    pdf = badges.render_badges(event, items, layout="a6")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert "/XObject" not in page["/Resources"] or not page["/Resources"]["/XObject"]
    assert b" re " in page.get_contents().get_data()


def test_pool_workers_load_weasyprint_but_not_the_app_and_leave_no_parts(app, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pdf_pool._pool(2) as pool:
        modules = set(pool.submit(eval, "sorted(__import__('sys').modules)").result())
    assert "weasyprint" in modules and "wid_events.core.pdf_render" in modules
    assert not {"sqlalchemy", "flask_babel", "wid_events.exports.badges", "wid_events.extensions"} & modules
    event = make_event("parts-badges")
    items = [badges.badge_for_registration(make_registration(event, f"P {i}")) for i in range(9)]
    pdf = badges.render_badges(event, items, layout="a4-4up", chunk=4, processes=2)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 3
    # The parts' folder is gone (multiprocessing's own "pymp-" folder may stay: the forkserver's).
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("pymp-")] == []


def test_warming_up_on_one_core_starts_no_pool(monkeypatch):
    """One core: batches are laid out in the caller's process, so no forkserver is started."""
    started = []
    monkeypatch.setattr(pdf_pool, "start", lambda: started.append("forkserver"))
    monkeypatch.setattr(pdf_pool, "default_processes", lambda: 1)
    pdf_pool.warm_up()
    assert started == []
    monkeypatch.setattr(pdf_pool, "default_processes", lambda: 2)
    pdf_pool.warm_up()
    assert started == ["forkserver"]


def test_a_jobs_worker_starts_the_badge_pool_when_it_boots(app, runner, monkeypatch):
    """So the first badge batch lays out at once instead of waiting for WeasyPrint's import."""
    started = []
    monkeypatch.setattr(pdf_pool, "default_processes", lambda: 2)  # batches are laid out on 2 cores
    monkeypatch.setattr(pdf_pool, "start", lambda: started.append("forkserver"))
    assert runner.invoke(args=["jobs", "worker", "--burst"]).exit_code == 0
    assert started == []  # a burst (cron, tests) exits at once: nothing to warm up
    assert runner.invoke(args=["jobs", "worker", "--max-jobs", "0"]).exit_code == 0
    assert started == ["forkserver"]
