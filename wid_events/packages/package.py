"""Event packages: the "wid-event/1" JSON import/export format (see shared/contract.md).

An event package describes one event completely: the event itself, its rooms, tracks,
people (speaker profiles) and sessions with their speakers. Everything refers to everything
else by stable *keys*, so an export followed by an import gives the same event, with the
same ``session.uid`` (calendar subscribers keep their entries).

Rules an organiser can rely on:

* :func:`validate_package` reports every problem at once, one clear message each, naming
  where it is (``sessions[3] ("Panel 2"): room "hall-x" is not a room key``).
* :func:`import_package` changes nothing unless the whole package is valid. It creates the
  event, or *replaces* the existing event with that slug: the Event row (and with it its
  organisers, registrations, series and audit trail) is kept; rooms, tracks, people and
  sessions are matched by key, updated in place, added, or removed when the package no
  longer lists them. A session that attendees signed up for is never removed silently:
  the import is refused, and the organiser can cancel it instead (``"status": "cancelled"``).
* Lists in the package are authoritative (a session without ``speakers`` has none).
  Optional scalar fields that the package leaves out keep their current value on a
  replace, and take their default on a create.

Besides the contract's fields, the format accepts these optional extensions (always
written by :func:`export_event` so the round trip is lossless): ``event.travel_info``
("how to get there"), ``event.online_info`` and, for people, ``job_title``, ``bio`` and
``gender_self_description``.

The code lives in four modules, re-exported here: :mod:`.package_format` (field lists and
the reader of one JSON object), :mod:`.package_validate`, :mod:`.package_import` and
:mod:`.package_export`.

PRIVACY: an export contains people's emails and self-declared gender. This is allowed
because the package is an organiser-only artefact: it is produced by the ``flask events
export`` command (server access) or by organiser-only views, exactly like the organiser
pages that show this data. Never serve it from a public page or the public API.
"""

from __future__ import annotations

from wid_events.packages.package_export import dumps, export_event
from wid_events.packages.package_format import (
    EVENT_FIELDS,
    FORMAT,
    MAX_EVENT_DAYS,
    MISSING,
    PERSON_FIELDS,
    POLICY_FIELDS,
    ROOM_FIELDS,
    SESSION_FIELDS,
    SPEAKER_FIELDS,
    TOP_FIELDS,
    TRACK_FIELDS,
    VENUE_FIELDS,
)
from wid_events.packages.package_import import event_by_slug, import_package
from wid_events.packages.package_validate import validate_package

__all__ = [
    "EVENT_FIELDS",
    "FORMAT",
    "MAX_EVENT_DAYS",
    "MISSING",
    "PERSON_FIELDS",
    "POLICY_FIELDS",
    "ROOM_FIELDS",
    "SESSION_FIELDS",
    "SPEAKER_FIELDS",
    "TOP_FIELDS",
    "TRACK_FIELDS",
    "VENUE_FIELDS",
    "dumps",
    "event_by_slug",
    "export_event",
    "import_package",
    "validate_package",
]
