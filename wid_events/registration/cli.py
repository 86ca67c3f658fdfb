"""``flask --app wsgi registrations …``: export and waitlist housekeeping for organisers."""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa

from wid_events.core.uow import unit_of_work
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.registration import services


def _event(slug: str) -> Event:
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        click.echo(f"error: no event with slug {slug!r}", err=True)
        sys.exit(2)
    return event


@click.group("registrations", help="Registrations of an event.")
def registrations() -> None:
    pass


@registrations.command("export")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--email/--no-email", default=False, help="Include email addresses (personal data).")
def export(slug: str, output: str, email: bool) -> None:
    """Write the registrations as CSV (UTF-8 with BOM, for Excel)."""
    event = _event(slug)
    data = services.registrations_csv(event, include_email=email)
    with open(output, "wb") as fh:
        fh.write(data)
    click.echo(f"Wrote {output}.")


@registrations.command("fill-waitlists")
@click.argument("slug")
def fill_waitlists(slug: str) -> None:
    """Promote waiting people into free seats (e.g. after a capacity was raised); emails them."""
    event = _event(slug)
    with unit_of_work():
        n = services.fill_waitlists(event, actor="cli")
    click.echo(f"Promoted {n} from the waitlists.")


commands = [registrations]
