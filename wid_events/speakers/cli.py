"""``flask speakers invite SLUG EMAIL``: email (and print) a speaker's personal portal link."""

from __future__ import annotations

import os
import sys

import click
import sqlalchemy as sa
from flask import current_app

from wid_events.errors import DomainError
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.speakers import services


def _base_url() -> str:
    """Where links point when run outside a request: ``SERVER_NAME`` or the local dev server."""
    cfg = current_app.config
    scheme = cfg.get("PREFERRED_URL_SCHEME") or "http"
    if cfg.get("SERVER_NAME"):
        return f"{scheme}://{cfg['SERVER_NAME']}{cfg.get('APPLICATION_ROOT') or '/'}"
    return f"{scheme}://127.0.0.1:{os.environ.get('PORT', '5000')}/"


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
        person = services.find_person_by_email(event, email)
    except DomainError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    with current_app.test_request_context("/", base_url=_base_url()):
        try:
            link = services.invite(person, actor="cli")
        except DomainError as exc:
            db.session.rollback()
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(2)
        db.session.commit()
    click.echo(link)


commands = [speakers]
