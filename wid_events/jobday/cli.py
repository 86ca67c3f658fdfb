"""``flask jobday purge-cvs [--dry-run]``: delete attendees' CVs after the retention period;
``flask jobday invite SLUG EMAIL``: email (and print) an exhibitor's portal link."""

from __future__ import annotations

import sys
from typing import NoReturn

import click
import sqlalchemy as sa

from wid_events.core.uow import unit_of_work
from wid_events.errors import DomainError
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.jobday import services
from wid_events.jobday.models import Exhibitor


@click.group("jobday", help="Job Day: exhibitors, interviews and CVs.")
def jobday() -> None:
    pass


@jobday.command("purge-cvs")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
def purge_cvs(dry_run: bool) -> None:
    """Delete the CVs shared for interviews of events that ended more than CV_RETENTION_DAYS ago."""
    days = services.cv_retention_days()
    if dry_run:
        bookings = services.purge_cvs(dry_run=True, actor="cli")
        click.echo(f"{len(bookings)} CV(s) older than {days} days after their event would be deleted.")
    else:
        with unit_of_work():
            bookings = services.purge_cvs(actor="cli")
        click.echo(f"{len(bookings)} CV(s) deleted ({days} days after their event).")
    for booking in bookings:
        click.echo(f"  booking {booking.id}: {booking.exhibitor.event.slug}, {booking.exhibitor.name}")


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@jobday.command("invite")
@click.argument("slug")
@click.argument("email")
def invite(slug: str, email: str) -> None:
    """Email the exhibitor whose contact is EMAIL a new portal link and print it.

    Links are built from SERVER_NAME and PREFERRED_URL_SCHEME (see ``core.urls``).
    """
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        _fail(f"no event with the slug {slug!r}")
    exhibitor = db.session.scalar(
        sa.select(Exhibitor)
        .where(Exhibitor.event_id == event.id, Exhibitor.contact_email == email.strip().lower())
        .limit(1)
    )
    if exhibitor is None:
        _fail(f"no exhibitor of {slug} has the contact email {email}")
    try:
        with unit_of_work():
            link = services.invite_and_show(exhibitor, actor="cli")
    except DomainError as exc:
        _fail(exc.message)
    click.echo(link)


commands = [jobday]
