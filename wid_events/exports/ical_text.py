"""VEVENTs of the public feeds written directly as iCalendar text (RFC 5545), fast.

The icalendar library builds an object per property and parameter and folds every line in
Python; for a 300-session event that was two thirds of a 330 ms ``calendar.ics``. The public
feeds' VEVENTs have a fixed, small set of properties, so they are written here as text:
TEXT values escaped (``\\``, ``;``, ``,``, newlines), lines folded at 75 octets without
splitting a UTF-8 character, ``CRLF`` line ends. The output parses to the same properties as
:func:`wid_events.exports.ics.session_vevent` (which only an online attendee's streamed sessions
still use, for the livestream link; tests compare the two). Labels are resolved once per
calendar, not per session, and each session's text is remembered per process for the event's
public version, as is each calendar's head (see ``ics._assemble``).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict

from flask_babel import gettext as _

from wid_events.core.content import localized
from wid_events.enums import SessionType

#: VEVENT texts remembered per process (a session's text is reused until the event changes).
MEMO_SIZE = 5000
_memo: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()


def speaker_entries(speakers: list, role_text) -> list[str]:
    """The DESCRIPTION's speaker list, one "- Name (role), organisation" line per speaker link
    (``role_text`` names a role); shared with :func:`wid_events.exports.ics.session_vevent`."""
    entries = []
    for link in speakers:
        person = link.person
        entry = f"- {person.name} ({role_text(link.role)})"
        if person.organisation:
            entry += f", {person.organisation}"
        entries.append(entry)
    return entries


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """``line`` + CRLF, folded into chunks of at most 75 octets (continuations start with a space)."""
    data = line.encode()
    if len(data) <= 75:
        return line + "\r\n"
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never inside a UTF-8 character
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # continuation lines carry a leading space
    return "\r\n ".join(parts) + "\r\n"


def _local(v: dt.datetime) -> str:
    return f"{v.year:04d}{v.month:02d}{v.day:02d}T{v.hour:02d}{v.minute:02d}{v.second:02d}"


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


class Labels:
    """Translated labels of one calendar, resolved once (not once per session)."""

    def __init__(self, type_label, role_label) -> None:
        self._type_label, self._role_label = type_label, role_label
        self._types: dict = {}
        self._roles: dict = {}
        self.speakers = _("Speakers:")
        self._details = _("Details: %(url)s", url="\x00")

    def type(self, value) -> str:
        if value not in self._types:
            self._types[value] = self._type_label(value)
        return self._types[value]

    def role(self, value) -> str:
        if value not in self._roles:
            self._roles[value] = self._role_label(value)
        return self._roles[value]

    def attendance(self, mode_label: str) -> str:
        key = ("attendance", mode_label)
        if key not in self._types:
            self._types[key] = _("Attendance: %(mode)s", mode=mode_label)
        return self._types[key]

    def details(self, url: str) -> str:
        return self._details.replace("\x00", url)


def vevent_text(
    session,
    *,
    labels: Labels,
    url: str,
    location: str,
    speakers: list,
    stamp: dt.datetime,
    attendance: str | None = None,
) -> str:
    """The VEVENT of one public session (no livestream: public feeds never carry it)."""
    tzid = session.event.timezone
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(session.uid)}",
        f"DTSTAMP:{_utc(stamp)}",
        f"SEQUENCE:{session.sequence or 0}",
        f"DTSTART;TZID={tzid}:{_local(session.start)}",
        f"DTEND;TZID={tzid}:{_local(session.end)}",
        f"SUMMARY:{escape_text(localized(session, 'title'))}",
    ]
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines.append(f"URL:{url}")
    text: list[str] = []
    if attendance:
        text += [labels.attendance(attendance), ""]
    description = localized(session, "description")
    if description:
        text += [description.strip(), ""]
    if speakers:
        text += [labels.speakers, *speaker_entries(speakers, labels.role), ""]
    text.append(labels.details(url))
    lines.append("DESCRIPTION:" + escape_text("\n".join(text)))
    categories = [labels.type(session.type)]
    if session.track is not None:
        categories.append(session.track.name)
    lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in categories))
    lines.append("STATUS:" + ("CANCELLED" if session.is_cancelled else "CONFIRMED"))
    lines.append("TRANSP:" + ("TRANSPARENT" if session.type == SessionType.BREAK else "OPAQUE"))
    if session.is_cancelled:
        lines.append("X-MICROSOFT-CDO-BUSYSTATUS:FREE")
    lines.append("END:VEVENT")
    return "".join(fold(line) for line in lines)


def remembered(key: tuple, build) -> str:
    """``build()``, remembered under ``key`` (which must name the event's public version)."""
    with _lock:
        text = _memo.get(key)
        if text is not None:
            _memo.move_to_end(key)
            return text
    text = build()
    with _lock:
        _memo[key] = text
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return text
