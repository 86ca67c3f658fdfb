"""``flask jobday purge-cvs [--dry-run]``: delete attendees' CVs after the retention period;
``flask jobday invite SLUG EMAIL``: email (and print) an exhibitor's portal link."""

from __future__ import annotations

import os
import sys

import click
import sqlalchemy as sa
from flask import current_app

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
    bookings = services.purge_cvs(dry_run=dry_run, actor="cli")
    if dry_run:
        db.session.rollback()
        click.echo(f"{len(bookings)} CV(s) older than {days} days after their event would be deleted.")
    else:
        db.session.commit()
        click.echo(f"{len(bookings)} CV(s) deleted ({days} days after their event).")
    for booking in bookings:
        click.echo(f"  booking {booking.id}: {booking.exhibitor.event.slug}, {booking.exhibitor.name}")


def _base_url() -> str:
    cfg = current_app.config
    scheme = cfg.get("PREFERRED_URL_SCHEME") or "http"
    if cfg.get("SERVER_NAME"):
        return f"{scheme}://{cfg['SERVER_NAME']}{cfg.get('APPLICATION_ROOT') or '/'}"
    return f"{scheme}://127.0.0.1:{os.environ.get('PORT', '5000')}/"


@jobday.command("invite")
@click.argument("slug")
@click.argument("email")
def invite(slug: str, email: str) -> None:
    """Email the exhibitor whose contact is EMAIL a new portal link and print it."""
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        click.echo(f"error: no event with the slug {slug!r}", err=True)
        sys.exit(2)
    exhibitor = db.session.scalar(
        sa.select(Exhibitor)
        .where(Exhibitor.event_id == event.id, Exhibitor.contact_email == email.strip().lower())
        .limit(1)
    )
    if exhibitor is None:
        click.echo(f"error: no exhibitor of {slug} has the contact email {email}", err=True)
        sys.exit(2)
    with current_app.test_request_context("/", base_url=_base_url()):
        try:
            link = services.invite(exhibitor, actor="cli")
        except DomainError as exc:
            db.session.rollback()
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(2)
        db.session.commit()
    click.echo(link)


commands = [jobday]
