"""``flask balance check SLUG [--json]``: the No Women No Panel verdict of every panel.

Exit status (contract): 0 all pass, 1 any fail (an exempted failure still counts: its
exemption is written in the reason), 3 none fail but some incomplete, 2 unknown slug.
"""

from __future__ import annotations

import json

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from flask_babel import gettext, ngettext

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
        with services.in_locale():
            click.echo(gettext("Unknown event: %(slug)s", slug=slug), err=True)
        raise SystemExit(2)
    document = services.check(event)
    status = services.exit_status(document)
    if as_json:
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        raise SystemExit(status)
    with services.in_locale():
        for line in text_lines(document):
            click.echo(line)
    raise SystemExit(status)


def text_lines(document: dict) -> list[str]:
    """One line per panel, then a summary."""
    panels = document["panels"]
    labels = {"pass": gettext("PASS"), "fail": gettext("FAIL"), "incomplete": gettext("INCOMPLETE")}
    width = max((len(labels[p["verdict"]]) for p in panels), default=4)
    lines = [f"{labels[p['verdict']]:<{width}}  #{p['session']} {p['title']}: {p['reason']}" for p in panels]
    counts = {v: sum(1 for p in panels if p["verdict"] == v) for v in labels}
    share = document["event_share_women"]
    lines.append(
        ngettext(
            "%(num)d panel: %(passing)d pass, %(failing)d fail, %(incomplete)d incomplete.",
            "%(num)d panels: %(passing)d pass, %(failing)d fail, %(incomplete)d incomplete.",
            len(panels),
            passing=counts["pass"],
            failing=counts["fail"],
            incomplete=counts["incomplete"],
        )
        + " "
        + ngettext(
            "Women are %(share)s of %(num)d speaker (target %(target)s).",
            "Women are %(share)s of %(num)d speakers (target %(target)s).",
            document["speakers"],
            share=gettext("n/a") if share is None else f"{share:.0%}",
            target=f"{document['policy']['target_share_women']:.0%}",
        )
    )
    return lines


commands = [balance]
