"""CSV/spreadsheet import of sessions and speakers, for organisers coming from Excel.

Layout (one session per row, header row required, column order free, names case-insensitive):

``day,start,end,title,type,room,track,capacity,requires_signup,description,speakers``

- ``day``: ``YYYY-MM-DD`` or ``DD/MM/YYYY``; ``start``/``end``: ``HH:MM`` (event-local time).
- ``type``: keynote, panel, workshop, talk, break, networking, job_fair, other (default talk).
- ``speakers``: ``Name (role); Name (role)`` with role panelist, moderator, speaker or facilitator.
- ``requires_signup``: yes/no, true/false, 1/0, oui/non, ja/nee.

UTF-8 with or without BOM (Excel's "CSV UTF-8"), comma or semicolon separated.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events.agenda import people as people_services
from wid_events.agenda import services as agenda_services
from wid_events.enums import SessionType, SpeakerRole
from wid_events.errors import DomainError
from wid_events.events import services as event_services
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.people.models import Person

COLUMNS = [
    "day",
    "start",
    "end",
    "title",
    "type",
    "room",
    "track",
    "capacity",
    "requires_signup",
    "description",
    "speakers",
]
REQUIRED = ["day", "start", "end", "title"]
MAX_ROWS = 2000
TRUE = {"yes", "y", "true", "1", "x", "oui", "ja", "wahr"}
FALSE = {"", "no", "n", "false", "0", "non", "nee", "nein", "falsch"}
SPEAKER_RE = re.compile(r"^\s*(?P<name>[^()]+?)\s*(?:\((?P<role>[^)]*)\))?\s*$")

TEMPLATE_ROWS = [
    COLUMNS,
    [
        "2026-09-11",
        "09:30",
        "10:30",
        "Opening panel: Women in digital careers",
        "panel",
        "Main hall",
        "",
        "",
        "no",
        "How we close the gap.",
        "Amina El Idrissi (moderator); Sofie Peeters (panelist); Jan Janssens (panelist)",
    ],
    [
        "2026-09-11",
        "11:00",
        "12:30",
        "Workshop: Your first steps in coding",
        "workshop",
        "Room A",
        "Skills",
        "25",
        "yes",
        "Bring a laptop.",
        "Olga Ivanova (facilitator)",
    ],
    [
        "2026-09-11",
        "11:00",
        "12:30",
        "Workshop: LinkedIn for job seekers",
        "workshop",
        "Room B",
        "Skills",
        "25",
        "yes",
        "",
        "Fatou Diop (facilitator)",
    ],
]


@dataclass
class Row:
    line: int
    raw: dict
    values: dict = field(default_factory=dict)
    #: ``[(name, role)]``
    speakers: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    #: Names of rooms/tracks/people this row would create.
    creates: list = field(default_factory=list)


@dataclass
class Preview:
    rows: list[Row]
    #: File-level problems (encoding, header).
    errors: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows) and all(not r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(1 for r in self.rows if r.errors)


def template_csv() -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(TEMPLATE_ROWS)
    return buf.getvalue()


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            _("The file is not UTF-8. In Excel, choose “Save as” → “CSV UTF-8 (comma delimited)”.")
        ) from None


def _parse_day(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _parse_time(text: str) -> dt.time:
    text = text.strip().replace("h", ":").replace(".", ":")
    for fmt in ("%H:%M", "%H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    raise ValueError(text)


def _header_errors(header: list[str]) -> list[str]:
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    errors = []
    if missing:
        errors.append(
            _("Missing columns: %(cols)s. The first row must name the columns.", cols=", ".join(missing))
        )
    if unknown:
        errors.append(
            _(
                "Unknown columns: %(cols)s. Allowed: %(allowed)s.",
                cols=", ".join(unknown),
                allowed=", ".join(COLUMNS),
            )
        )
    return errors


def _check_required(row: Row) -> None:
    for col in REQUIRED:
        if not row.raw.get(col):
            row.errors.append(_("“%(col)s” is empty.", col=col))


def _read_day(row: Row) -> dt.date | None:
    raw = row.raw
    try:
        return _parse_day(raw.get("day", "")) if raw.get("day") else None
    except ValueError:
        row.errors.append(_("Day “%(v)s” is not a date like 2026-09-11 or 11/09/2026.", v=raw["day"]))
        return None


def _read_times(row: Row) -> dict:
    times = {}
    for col in ("start", "end"):
        if row.raw.get(col):
            try:
                times[col] = _parse_time(row.raw[col])
            except ValueError:
                row.errors.append(_("%(col)s “%(v)s” is not a time like 09:30.", col=col, v=row.raw[col]))
    return times


def _parse_when(row: Row, event: Event) -> None:
    """Columns day, start, end: the session's start and end, within the event's dates."""
    day = _read_day(row)
    times = _read_times(row)
    if not (day and len(times) == 2):
        return
    start = dt.datetime.combine(day, times["start"])
    end = dt.datetime.combine(day, times["end"])
    if end <= start:
        row.errors.append(_("The session must end after it starts."))
    row.values.update(start=start, end=end)
    if not (event.start_date <= day <= event.end_date):
        row.errors.append(
            _(
                "%(day)s is not a day of this event (%(a)s to %(b)s).",
                day=day.isoformat(),
                a=event.start_date.isoformat(),
                b=event.end_date.isoformat(),
            )
        )


def _parse_text(row: Row) -> None:
    """Columns title and description."""
    row.values["title"] = row.raw.get("title", "")[:300]
    row.values["description"] = row.raw.get("description", "")


def _parse_type(row: Row) -> None:
    stype = (row.raw.get("type") or "talk").lower().replace(" ", "_").replace("-", "_")
    try:
        row.values["type"] = SessionType(stype)
    except ValueError:
        row.errors.append(
            _(
                "Unknown type “%(v)s”. Use one of: %(allowed)s.",
                v=row.raw.get("type"),
                allowed=", ".join(t.value for t in SessionType),
            )
        )


def _parse_signup(row: Row) -> None:
    """Columns capacity and requires_signup."""
    cap = row.raw.get("capacity", "")
    if cap:
        if cap.isdigit():
            row.values["capacity"] = int(cap)
        else:
            row.errors.append(_("Capacity “%(v)s” is not a whole number.", v=cap))
    signup = row.raw.get("requires_signup", "").lower()
    if signup in TRUE:
        row.values["requires_signup"] = True
    elif signup in FALSE:
        row.values["requires_signup"] = False
    else:
        row.errors.append(_("requires_signup “%(v)s” must be yes or no.", v=row.raw.get("requires_signup")))


def _parse_places(row: Row, rooms: dict, tracks: dict, *, create_missing: bool) -> None:
    """Columns room and track: existing ones, or ones to create when allowed."""
    for col, known, label in (("room", rooms, _("Room")), ("track", tracks, _("Track"))):
        name = row.raw.get(col, "")
        if not name:
            continue
        if name.lower() in known:
            row.values[col] = name.lower()
        elif create_missing:
            row.values[col] = name.lower()
            row.creates.append(f"{label}: {name}")
        else:
            row.errors.append(
                _(
                    "%(label)s “%(name)s” does not exist. Create it first, or tick “create missing”.",
                    label=label,
                    name=name,
                )
            )


def _read_speaker(row: Row, part: str) -> tuple[str, SpeakerRole] | None:
    """One ``Name (role)`` entry, or None after recording why it cannot be read."""
    m = SPEAKER_RE.match(part)
    if not m:
        row.errors.append(_("Cannot read speaker “%(v)s”; write Name (role).", v=part.strip()))
        return None
    name = m.group("name").strip()
    role_text = (m.group("role") or "speaker").strip().lower()
    try:
        return name, SpeakerRole(role_text)
    except ValueError:
        row.errors.append(
            _(
                "Unknown role “%(role)s” for %(name)s. Use panelist, moderator, speaker or facilitator.",
                role=role_text,
                name=name,
            )
        )
        return None


def _parse_speakers(row: Row, people: dict, *, create_missing: bool) -> None:
    """Column speakers: ``Name (role); Name (role)``, each name once."""
    seen = set()
    for part in [p for p in row.raw.get("speakers", "").split(";") if p.strip()]:
        speaker = _read_speaker(row, part)
        if speaker is None:
            continue
        name, role = speaker
        if name.lower() in seen:
            row.errors.append(_("%(name)s is listed twice.", name=name))
            continue
        seen.add(name.lower())
        if name.lower() not in people:
            if create_missing:
                row.creates.append(_("Person: %(name)s", name=name))
            else:
                row.errors.append(
                    _(
                        "Nobody called “%(name)s” exists yet. Add them first, or tick “create missing”.",
                        name=name,
                    )
                )
        row.speakers.append((name, role))


def _parse_row(row: Row, event: Event, known: tuple[dict, dict, dict], *, create_missing: bool) -> None:
    rooms, tracks, people = known
    _check_required(row)
    _parse_when(row, event)
    _parse_text(row)
    _parse_type(row)
    _parse_signup(row)
    _parse_places(row, rooms, tracks, create_missing=create_missing)
    _parse_speakers(row, people, create_missing=create_missing)


def _known_names(event: Event) -> tuple[dict, dict, dict]:
    """The event's rooms, tracks and people by lower-cased name."""
    rooms = {r.name.strip().lower(): r for r in event.rooms}
    tracks = {t.name.strip().lower(): t for t in event.tracks}
    people = {
        p.name.strip().lower(): p
        for p in db.session.scalars(sa.select(Person).where(Person.event_id == event.id))
    }
    return rooms, tracks, people


def parse(text: str, event: Event, *, create_missing: bool) -> Preview:
    """Parse and validate without saving anything."""
    if not text.strip():
        return Preview([], [_("The file is empty.")])
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    errors = _header_errors(header)
    if errors:
        return Preview([], errors)
    reader.fieldnames = header

    known = _known_names(event)
    rows: list[Row] = []
    for record in reader:
        if len(rows) >= MAX_ROWS:
            errors.append(
                ngettext(
                    "Only %(num)d row can be imported at once.",
                    "Only %(num)d rows can be imported at once.",
                    MAX_ROWS,
                )
            )
            break
        raw = {k: (v or "").strip() for k, v in record.items() if k}
        if not any(raw.values()):
            continue
        row = Row(line=reader.line_num, raw=raw)
        rows.append(row)
        _parse_row(row, event, known, create_missing=create_missing)
    if not rows and not errors:
        errors.append(_("The file has a header but no sessions."))
    return Preview(rows, errors)


def apply(preview: Preview, event: Event, *, actor) -> list:
    """Create the sessions (and, when allowed, missing rooms/tracks/people). Caller commits."""
    if not preview.ok:
        raise DomainError(_("The file has errors; nothing was imported."))
    rooms, tracks, people = _known_names(event)
    created = []
    for row in preview.rows:
        fields = {k: v for k, v in row.values.items() if k not in ("room", "track")}
        room_name = row.values.get("room")
        if room_name:
            if room_name not in rooms:
                rooms[room_name] = event_services.create_room(event, row.raw["room"], None, actor=actor)
            fields["room"] = rooms[room_name]
        track_name = row.values.get("track")
        if track_name:
            if track_name not in tracks:
                tracks[track_name] = event_services.create_track(event, row.raw["track"], actor=actor)
            fields["track"] = tracks[track_name]
        session = agenda_services.create_session(event, actor=actor, **fields)
        for name, role in row.speakers:
            person = people.get(name.lower())
            if person is None:
                person = people_services.create_person(event, actor=actor, name=name)
                people[name.lower()] = person
            agenda_services.add_speaker(session, person, role, actor=actor)
        created.append(session)
    return created
