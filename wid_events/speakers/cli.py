"""``flask speakers invite SLUG EMAIL``: email (and print) a speaker's personal portal link.

Links are absolute URLs built from ``SERVER_NAME`` and ``PREFERRED_URL_SCHEME``
(:func:`wid_events.core.urls.external_url`).

The command prints the very link it mails, and only the link's hash is stored, so it cannot
queue the mail the way the web pages do (the job would have to carry the token). It works as its
own job instead: it mints the link and renders the mail in one unit of work, and sends the mail
in the foreground only after that commit.
"""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa

from wid_events.core.uow import unit_of_work
from wid_events.errors import DomainError
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.mail import send_now
from wid_events.speakers import services


@click.group("speakers", help="Speaker portal: personal links.")
def speakers() -> None:
    pass


@speakers.command("invite")
@click.argument("slug")
@click.argument("email")
def invite(slug: str, email: str) -> None:
    """Email SPEAKER a new personal portal link (earlier links stop working) and print it."""
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        click.echo(f"error: no event with the slug {slug!r}", err=True)
        sys.exit(2)
    try:
        with unit_of_work():
            person = services.find_person_by_email(event, email)
            mail, link = services.invite_in_foreground(person, actor="cli")
    except DomainError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    send_now(mail)
    click.echo(link)


commands = [speakers]
