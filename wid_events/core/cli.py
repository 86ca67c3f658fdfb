"""``flask rq …``: run and inspect the background-job queue (RQ on ``REDIS_URL``).

``flask --app wsgi rq worker`` is the same as ``rq worker --url $REDIS_URL wid_events``, but
reads ``REDIS_URL`` from the app's configuration. Jobs are queued by :func:`wid_events.jobs.enqueue`.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import Queue, Worker

from wid_events.jobs import QUEUE_NAME


def _connection() -> Redis:
    url = current_app.config.get("REDIS_URL")
    if not url:
        click.echo(
            "REDIS_URL is not set: jobs run inline in the web process and no worker is needed.", err=True
        )
        sys.exit(2)
    return Redis.from_url(url)


@click.group("rq")
def rq_cli() -> None:
    """Background jobs on Redis (mail, badge batches, reminders)."""


QUEUE_OPTION = click.option(
    "--queue", "queue_name", default=QUEUE_NAME, show_default=True, help="The RQ queue to serve."
)


@rq_cli.command("worker")
@QUEUE_OPTION
@click.option("--burst", is_flag=True, help="Run the jobs queued now, then exit (for cron and tests).")
@click.option("--name", default=None, help="Worker name (default: host and process id).")
@click.option(
    "--with-scheduler/--without-scheduler", default=False, help="Also run RQ's scheduler for delayed jobs."
)
@with_appcontext
def worker(queue_name: str, burst: bool, name: str | None, with_scheduler: bool) -> None:
    """Run an RQ worker on the "wid_events" queue until stopped (SIGTERM finishes the current job)."""
    conn = _connection()
    try:
        conn.ping()
    except RedisConnectionError as exc:
        click.echo(f"Cannot reach Redis at REDIS_URL: {exc}", err=True)
        sys.exit(1)
    queue = Queue(queue_name, connection=conn)
    Worker([queue], connection=conn, name=name).work(burst=burst, with_scheduler=with_scheduler)


@rq_cli.command("info")
@QUEUE_OPTION
@with_appcontext
def info(queue_name: str) -> None:
    """Show how many jobs wait, run and failed on the "wid_events" queue."""
    queue = Queue(queue_name, connection=_connection())
    click.echo(f"queue {queue_name}: {queue.count} queued")
    click.echo(f"started: {queue.started_job_registry.count}")
    click.echo(f"failed: {queue.failed_job_registry.count}")


commands = [rq_cli]
