"""``flask jobs …``: the durable job queue in the database (used when ``REDIS_URL`` is not set).

``flask --app wsgi jobs worker`` runs queued jobs until stopped; ``make run`` starts one beside
the web server. SIGTERM or SIGINT stop it gracefully (the running job gets ``--grace``
seconds, then goes back to the queue). See :mod:`wid_events.core.worker`.
"""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from wid_events import signals
from wid_events.core import housekeeping
from wid_events.core import worker as job_worker
from wid_events.core.models import Job
from wid_events.extensions import db


@click.group("jobs")
def jobs_cli() -> None:
    """Background jobs in the database (badge batches, mail, the PDF agenda)."""


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs queued now, then exit (for cron and tests).")
@click.option("--max-jobs", type=int, default=None, help="Exit after this many jobs.")
@click.option(
    "--poll", type=float, default=1.0, show_default=True, help="Seconds between looks at an empty queue."
)
@click.option(
    "--grace",
    type=float,
    default=30.0,
    show_default=True,
    help="On SIGTERM/SIGINT, seconds the running job may take to finish before it is queued again.",
)
@with_appcontext
def worker(burst: bool, max_jobs: int | None, poll: float, grace: float) -> None:
    """Run queued jobs until stopped. Stale running jobs of dead workers are marked failed.

    SIGTERM or SIGINT: no new job is taken, the running one may finish within ``--grace``
    seconds (else it is interrupted and queued again; a second signal does that at once), and
    the worker exits with status 0.
    """
    if not burst:
        signals.jobs_worker_starting.send(None)
    stopper = job_worker.Stopper(grace)
    stopper.install()
    try:
        ran = job_worker.work(burst=burst, poll=poll, max_jobs=max_jobs, stopper=stopper)
    finally:
        stopper.uninstall()
    if stopper.requested is not None:
        click.echo(f"jobs worker stopped by {stopper.requested} after {ran} job(s)", err=True)
    elif burst or max_jobs:
        click.echo(f"{ran} job(s) run")


@jobs_cli.command("list")
@click.option("--limit", type=int, default=20, show_default=True)
@with_appcontext
def list_jobs(limit: int) -> None:
    """The newest jobs and their state."""
    for job in db.session.scalars(sa.select(Job).order_by(Job.id.desc()).limit(limit)):
        error = f"  {job.error.strip().splitlines()[-1]}" if job.error else ""
        click.echo(f"{job.id}\t{job.state.value}\t{job.func}\tattempts={job.attempts}{error}")


@jobs_cli.command("retry")
@click.argument("job_id", type=int)
@with_appcontext
def retry(job_id: int) -> None:
    """Queue a failed job again."""
    if not job_worker.retry(job_id):
        click.echo(f"Job {job_id} is not a failed job.", err=True)
        sys.exit(2)
    click.echo(f"Job {job_id} queued again.")


@jobs_cli.command("reap")
@with_appcontext
def reap() -> None:
    """Mark running jobs whose worker stopped beating as failed (a worker does this too)."""
    ids = job_worker.reap_stale()
    click.echo(f"{len(ids)} stale job(s) marked failed")


@jobs_cli.command("housekeeping")
@with_appcontext
def housekeeping_command() -> None:
    """Delete what is past its retention (a worker does this hourly; with RQ, run it from cron)."""
    for label, rows in housekeeping.run().items():
        click.echo(f"{label}: {rows} deleted")


commands = [jobs_cli]
