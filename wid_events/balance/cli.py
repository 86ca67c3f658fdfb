"""``flask balance check SLUG [--json]``: the No Women No Panel verdict of every panel.

Exit status (contract): 0 all pass, 1 any fail (an exempted failure still counts: its
exemption is written in the reason), 3 none fail but some incomplete, 2 unknown slug.
"""

from __future__ import annotations

import json

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from wid_events.balance import services
from wid_events.events.models import Event
from wid_events.extensions import db

balance = click.Group("balance", help="No Women No Panel: panel balance checks.")


@balance.command("check")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print the machine-readable report.")
@with_appcontext
def check(slug: str, as_json: bool) -> None:
    """Give the No Women No Panel verdict of every panel of event SLUG."""
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        click.echo(f"Unknown event: {slug}", err=True)
        raise SystemExit(2)
    document = services.check(event)
    status = services.exit_status(document)
    if as_json:
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        raise SystemExit(status)
    panels = document["panels"]
    width = max((len(p["verdict"]) for p in panels), default=4)
    for p in panels:
        click.echo(f"{p['verdict'].upper():<{width}}  #{p['session']} {p['title']}: {p['reason']}")
    counts = {v: sum(1 for p in panels if p["verdict"] == v) for v in ("pass", "fail", "incomplete")}
    share = document["event_share_women"]
    share_text = "n/a" if share is None else f"{share:.0%}"
    target = document["policy"]["target_share_women"]
    click.echo(
        f"{len(panels)} panels: {counts['pass']} pass, {counts['fail']} fail, "
        f"{counts['incomplete']} incomplete. Women are {share_text} of {document['speakers']} "
        f"speakers (target {target:.0%})."
    )
    raise SystemExit(status)


commands = [balance]
