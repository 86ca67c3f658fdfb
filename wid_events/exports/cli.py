"""``flask badges render`` and ``flask calendar export``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa

from wid_events.events.models import Event
from wid_events.exports import badges, ics, pdf_pool
from wid_events.extensions import db


def _event_or_exit(slug: str) -> Event:
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        click.echo(f"Unknown event: {slug}", err=True)
        sys.exit(2)
    return event


@click.group("calendar")
def calendar_group():
    """iCalendar exports."""


@calendar_group.command("export")
@click.argument("slug")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def calendar_export(slug: str, output: Path):
    """Write the event's calendar (the same as /events/SLUG/calendar.ics)."""
    event = _event_or_exit(slug)
    output.write_bytes(ics.event_calendar(event))
    click.echo(f"Wrote {len(event.sessions)} sessions to {output}")


@click.group("badges")
def badges_group():
    """Badge printing."""


@badges_group.command("render")
@click.argument("slug")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--layout", type=click.Choice(["a6", "a4-4up", "a4-8up"]), default="a6", show_default=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(["attendee", "speaker", "organiser", "exhibitor", "press"]),
    help="Only these roles (repeatable). Default: all.",
)
def badges_render(slug: str, output: Path, layout: str, roles: tuple[str, ...]):
    """Print badges for all confirmed registrations and speakers into one PDF."""
    pdf_pool.warm_up()  # WeasyPrint loads in the rendering processes' server while the badges are read
    event = _event_or_exit(slug)
    items = badges.collect_badges(event, roles=set(roles) or None)
    if not items:
        click.echo("No badges to print.", err=True)
    with click.progressbar(length=len(items), label="Rendering badges", file=sys.stderr) as bar:
        pdf = badges.render_badges(event, items, layout=layout, progress=bar.update)
    output.write_bytes(pdf)
    click.echo(f"Wrote {len(items)} badges to {output}")


commands = [calendar_group, badges_group]
