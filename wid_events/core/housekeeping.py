"""Housekeeping: delete what is past its retention (expired rate-limit attempts, speaker-pool
sign-ups never confirmed, …).

Each area connects a receiver to :data:`wid_events.signals.housekeeping`, which deletes its own
rows in the caller's unit of work and returns ``{label: rows deleted}``. ``flask jobs worker``
runs it every ``HOUSEKEEPING_SECONDS`` (default: hourly); where jobs run on RQ instead, a cron
line runs ``flask --app wsgi jobs housekeeping`` (docs/deploy.md).
"""

from __future__ import annotations

import datetime as dt

from wid_events import signals
from wid_events.core.uow import unit_of_work
from wid_events.models_base import utcnow


def run(now: dt.datetime | None = None) -> dict[str, int]:
    """Ask every area to delete what is past its retention; commit once. ``{label: rows}``."""
    now = now or utcnow()
    done: dict[str, int] = {}
    with unit_of_work():
        for _receiver, result in signals.housekeeping.send(None, now=now):
            done.update(result or {})
    return done
