"""``flask agenda check SLUG [--json]``: scheduling conflicts (exit 0 none, 1 some, 2 unknown slug)."""

from __future__ import annotations

import json
import sys

import click
import sqlalchemy as sa

from wid_events.agenda.conflicts import find_conflicts
from wid_events.events.models import Event
from wid_events.extensions import db


@click.group("agenda", help="Agenda tools.")
def agenda() -> None:
    pass


@agenda.command("check", help="List the scheduling conflicts of an event's agenda.")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def check(slug: str, as_json: bool) -> None:
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        click.echo(f"Unknown event: {slug}", err=True)
        sys.exit(2)
    conflicts = find_conflicts(event)
    if as_json:
        click.echo(
            json.dumps(
                {"event": slug, "count": len(conflicts), "conflicts": [c.as_dict() for c in conflicts]},
                ensure_ascii=False,
                indent=2,
            )
        )
    elif not conflicts:
        click.echo(f"{slug}: no conflicts.")
    else:
        click.echo(f"{slug}: {len(conflicts)} conflict(s):")
        for c in conflicts:
            click.echo(f"- [{c.kind}] {c.message}")
    sys.exit(1 if conflicts else 0)


commands = [agenda]
