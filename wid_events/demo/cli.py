"""``flask demo load``: the demo events from the seeds."""

from __future__ import annotations

import sys

import click

from wid_events.core.database import write_transaction
from wid_events.core.uow import unit_of_work
from wid_events.demo import data, services
from wid_events.errors import ValidationFailed


@click.group("demo", help="Demo data.")
def demo() -> None:
    pass


@demo.command("load")
def load() -> None:
    """Load the demo events (DT4E 2024 and its next edition, the Job Day, Newcomers in Germany #7).

    Events whose slug already exists are left as they are, so running it again changes
    nothing. It creates no user: use ``flask users create-admin EMAIL`` for an administrator.
    """
    try:
        with unit_of_work(), write_transaction():
            slugs = [e.slug for e in services.load_demo(actor="demo")]
    except ValidationFailed as exc:  # a broken demo package is a bug: say where (rolled back)
        for problem in exc.problems:
            click.echo(problem, err=True)
        sys.exit(2)
    if slugs:
        click.echo("Loaded demo events: " + ", ".join(slugs))
    else:
        total = len(data.packages())
        click.echo(f"The {total} demo events are already loaded; nothing changed.")


commands = [demo]
