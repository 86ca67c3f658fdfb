"""Signals between domains (blinker, as Flask uses). This module is a leaf: it imports nothing
from the project, so any package may send or subscribe without an import cycle.

A domain that reacts to another connects its receivers in its own ``init_app`` (called by
:func:`wid_events.create_app`), never as a side effect of being imported. Receivers run in
the sender's transaction: they may add or change rows, and the caller's unit of work commits
everything once (see :mod:`wid_events.core.uow`).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A registration stopped holding its place (cancelled, rejected or erased).
#: Sender: the :class:`~wid_events.registration.models.Registration`. Keyword: ``actor``.
registration_released = _signals.signal("registration-released")

#: The badge sheet asks other areas for extra badges. Sender: the event. Receivers return a
#: list of :class:`~wid_events.exports.badges.Badge`; the sheet concatenates them.
badges_collect = _signals.signal("badges-collect")

#: Something the public sees of an event changed (agenda, people, rooms, publishing…).
#: Sender: the event. Keyword: ``what`` (a short label for logs).
agenda_changed = _signals.signal("agenda-changed")

#: A registration email asks for the event's calendar to attach. Sender: the event. Receivers
#: return the ``.ics`` file as bytes (or ``None``); the first answer is attached.
calendar_for_registration = _signals.signal("calendar-for-registration")


def collect(signal, sender, **kwargs) -> list:
    """Send ``signal`` and flatten the receivers' list results (``None`` counts as empty)."""
    found: list = []
    for _receiver, result in signal.send(sender, **kwargs):
        if result:
            found.extend(result)
    return found


#: The organiser's event overview asks other areas for a summary box. Sender: the event.
#: Receivers return a list of ``(template name, context dict)``; the overview includes each
#: template with ``box`` set to its context.
event_overview = _signals.signal("event-overview")
