"""``flask events import/export``: event packages ("wid-event/1", see packages/package.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from wid_events.core.database import write_transaction
from wid_events.core.uow import unit_of_work
from wid_events.errors import DomainError, ValidationFailed
from wid_events.packages import package


def _fail(messages: list[str]) -> None:
    for message in messages:
        click.echo(message, err=True)
    sys.exit(2)


@click.group("events", help="Import and export events as event packages (JSON, format wid-event/1).")
def events() -> None:
    pass


@events.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Create or replace an event from the event package FILE.

    An event with the same slug is replaced: rooms, tracks, people and sessions are
    matched by key, so sign-ups and calendar subscriptions survive. Invalid input exits
    with status 2, one message per problem on stderr, and changes nothing.
    """
    try:
        raw = file.read_bytes()
    except OSError as exc:
        _fail([f"{file}: cannot read the file ({exc.strerror or exc})"])
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        _fail([f"{file}: not UTF-8 text (byte {exc.start})"])
    except json.JSONDecodeError as exc:
        _fail([f"{file}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"])
    try:
        # One unit of work inside the write lock; anything that fails is rolled back.
        with write_transaction(), unit_of_work():
            event = package.import_package(data, actor="cli")
            summary = (event.slug, len(event.rooms), len(event.people), len(event.sessions))
    except ValidationFailed as exc:
        _fail(exc.problems)
    except DomainError as exc:
        _fail([exc.message])
    except SQLAlchemyError as exc:  # e.g. a row of another area still pointing at a removed person
        _fail(
            [
                "the event could not be saved, nothing was changed: "
                f"{exc.__class__.__name__}: {getattr(exc, 'orig', None) or exc}"
            ]
        )
    slug, rooms, people, sessions = summary
    click.echo(f"Imported {slug}: {rooms} rooms, {people} people, {sessions} sessions.")


@events.command("export")
@click.argument("slug")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
def export_command(slug: str, output: Path | None) -> None:
    """Write the event package of event SLUG (organiser data: it holds emails and gender)."""
    event = package.event_by_slug(slug)
    if event is None:
        _fail([f'no event with slug "{slug}"'])
    text = package.dumps(package.export_event(event))
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail([f"{output}: cannot write the file ({exc.strerror or exc})"])
    click.echo(f"Wrote {output} ({len(event.sessions)} sessions).")


commands = [events]
