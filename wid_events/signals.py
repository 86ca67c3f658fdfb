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

#: Who can attend a session may have changed (its ``attendance`` or sign-up setting). Sender:
#: the :class:`~wid_events.agenda.models.Session`. Keyword: ``actor``. The registration area
#: releases the seats that no longer fit (online attendees in an in-person-only session).
session_attendance_changed = _signals.signal("session-attendance-changed")

#: The badge sheet asks other areas for extra badges. Sender: the event. Receivers return a
#: list of :class:`~wid_events.exports.badges.Badge`; the sheet concatenates them.
badges_collect = _signals.signal("badges-collect")

#: An attendee's own calendar asks other areas for extra items. Sender: the registration.
#: Receivers return a list of ``icalendar.Event`` (Job Day: booked interviews, built with
#: :func:`wid_events.exports.ics.interview_vevent`); they are added after the sessions.
personal_calendar_collect = _signals.signal("personal-calendar-collect")

#: Something the public sees of an event changed (agenda, people, rooms, publishing…).
#: Sender: the event. Keyword: ``what`` (a short label for logs).
agenda_changed = _signals.signal("agenda-changed")

#: A registration email asks for the attendee's personal calendar to attach. Sender: the
#: registration. Keyword: ``cancel`` (True for a ``METHOD:CANCEL`` of the same entries).
#: Receivers return the ``.ics`` file as bytes (or ``None``); the first answer is attached.
calendar_for_registration = _signals.signal("calendar-for-registration")

#: The panels of an event are about to change, or its agenda is being published. Sender: the
#: event. Keyword: ``publishing`` (bool). A receiver refuses by raising
#: :class:`~wid_events.errors.BalanceGateError` (balance: the No Women No Panel gate).
panels_changing = _signals.signal("panels-changing")

#: The organiser's agenda pages (publish page, agenda editor, session editor) ask for the
#: panels' No Women No Panel verdicts. Sender: the event. Receivers return a list of results
#: with ``session``, ``reason``, ``blocks`` (fails without an exemption), ``exempted`` and
#: ``verdict.verdict`` ("pass", "fail" or "incomplete") (balance: ``PanelResult``).
panel_verdicts = _signals.signal("panel-verdicts")

#: Pending change notices of published sessions should go out once the unit of work commits.
#: Sender: the event. Registration queues the job that mails the attendees concerned.
change_notices_due = _signals.signal("change-notices-due")

#: The public agenda asks for confirmed sign-ups per session. Sender: None. Keyword:
#: ``session_ids``. Receivers return ``{session_id: count}``; the answers are merged.
seat_counts = _signals.signal("seat-counts")

#: A draft session is about to be deleted. Sender: the session. A receiver refuses by raising
#: a :class:`~wid_events.errors.DomainError` (registration: attendees chose it).
session_deleting = _signals.signal("session-deleting")

#: An event was duplicated as a new draft (its rooms and tracks copied and flushed). Sender:
#: the new event. Keywords: ``original`` (the event copied), ``shift`` (a ``timedelta``),
#: ``rooms`` and ``tracks`` (``{old id: new Room/Track}``). The agenda copies the sessions.
event_duplicated = _signals.signal("event-duplicated")

#: The balance report asks other areas who could join a failing or incomplete panel. Sender:
#: the event. Keyword: ``session`` (the panel). Receivers return a list of suggestions with at
#: least ``matched_topics``; the speaker pool answers with its members.
panel_suggestions = _signals.signal("panel-suggestions")

#: A long-running ``flask jobs worker`` is starting (not ``--burst``). Sender: None. Areas
#: warm up what their jobs need, so the first job does not pay for it (exports: the badge
#: pool's forkserver, which imports WeasyPrint).
jobs_worker_starting = _signals.signal("jobs-worker-starting")

#: Delete what is past its retention (:mod:`wid_events.core.housekeeping`). Sender: None.
#: Keyword: ``now``. Receivers delete their own rows in the caller's unit of work and return
#: ``{label: rows deleted}``.
housekeeping = _signals.signal("housekeeping")


def collect(signal, sender, **kwargs) -> list:
    """Send ``signal`` and flatten the receivers' list results (``None`` counts as empty)."""
    found: list = []
    for _receiver, result in signal.send(sender, **kwargs):
        if result:
            found.extend(result)
    return found
