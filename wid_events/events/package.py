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

PRIVACY: an export contains people's emails and self-declared gender. This is allowed
because the package is an organiser-only artefact: it is produced by the ``flask events
export`` command (server access) or by organiser-only views, exactly like the organiser
pages that show this data. Never serve it from a public page or the public API.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events.agenda.models import Session, SessionChange, SessionSpeaker
from wid_events.audit import services as audit
from wid_events.balance import services as balance
from wid_events.core.database import lock_for_update
from wid_events.enums import (
    EventMode,
    Gender,
    GenderSource,
    RegistrationStatus,
    SessionStatus,
    SessionType,
    SpeakerRole,
)
from wid_events.errors import ValidationFailed
from wid_events.events.models import Event, Room, Track
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.registration.models import RegistrationSession
from wid_events.speakers.models import Person

FORMAT = "wid-event/1"

#: Longest event the importer accepts (a typo such as 2204 for 2024 would otherwise
#: create an agenda with tens of thousands of days).
MAX_EVENT_DAYS = 366

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOCAL_DT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$")

TOP_FIELDS = ("format", "event", "rooms", "tracks", "people", "sessions")
EVENT_FIELDS = (
    "slug",
    "title",
    "description",
    "timezone",
    "start_date",
    "end_date",
    "mode",
    "venue",
    "livestream_url",
    "capacity_in_person",
    "capacity_online",
    "registration_open",
    "published",
    "balance_policy",
    # extensions
    "travel_info",
    "online_info",
)
VENUE_FIELDS = ("name", "address")
POLICY_FIELDS = ("min_women_per_panel", "count_moderators", "count_non_binary", "target_share_women")
ROOM_FIELDS = ("key", "name", "capacity")
TRACK_FIELDS = ("key", "name")
PERSON_FIELDS = (
    "key",
    "name",
    "email",
    "organisation",
    "pronouns",
    "gender",
    # extensions
    "job_title",
    "bio",
    "gender_self_description",
)
SESSION_FIELDS = (
    "key",
    "title",
    "type",
    "start",
    "end",
    "room",
    "track",
    "capacity",
    "requires_signup",
    "description",
    "status",
    "speakers",
)
SPEAKER_FIELDS = ("person", "role")

#: Registration choices that still hold (or wait for) a seat.
_ACTIVE_CHOICES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)


class _Missing:
    """Marks an optional field the package leaves out."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


# --------------------------------------------------------------------------- export


def _local_iso(value: dt.datetime) -> str:
    return value.replace(tzinfo=None, microsecond=0).isoformat()


def export_event(event: Event) -> dict:
    """The event as a "wid-event/1" package (a JSON-ready dict, deterministic order).

    Contains emails and gender: organiser-only, see the module docstring.
    """
    rooms = sorted(event.rooms, key=lambda r: (r.position, r.id))
    room_pos = {r.id: i for i, r in enumerate(rooms)}
    sessions = sorted(
        event.sessions,
        key=lambda s: (s.start, s.end, room_pos.get(s.room_id, len(room_pos)), s.key),
    )
    venue = None
    if event.venue_name or event.venue_address:
        venue = {"name": event.venue_name or "", "address": event.venue_address or None}
    return {
        "format": FORMAT,
        "event": {
            "slug": event.slug,
            "title": event.title,
            "description": event.description or "",
            "timezone": event.timezone,
            "start_date": event.start_date.isoformat(),
            "end_date": event.end_date.isoformat(),
            "mode": EventMode(event.mode).value,
            "venue": venue,
            "livestream_url": event.livestream_url,
            "capacity_in_person": event.capacity_in_person,
            "capacity_online": event.capacity_online,
            "registration_open": bool(event.registration_open),
            "published": bool(event.published),
            "balance_policy": {
                "min_women_per_panel": event.balance_min_women_per_panel,
                "count_moderators": bool(event.balance_count_moderators),
                "count_non_binary": bool(event.balance_count_non_binary),
                "target_share_women": float(event.balance_target_share_women),
            },
            "travel_info": event.travel_info or "",
            "online_info": event.online_info or "",
        },
        "rooms": [{"key": r.key, "name": r.name, "capacity": r.capacity} for r in rooms],
        "tracks": [{"key": t.key, "name": t.name} for t in sorted(event.tracks, key=lambda t: t.id)],
        "people": [
            {
                "key": p.key,
                "name": p.name,
                "email": p.email,
                "organisation": p.organisation,
                "pronouns": p.pronouns,
                # Organiser-only artefact: gender is the organisers' data (see module docstring).
                "gender": Gender(p.gender).value,
                "job_title": p.job_title,
                "bio": p.bio or "",
                "gender_self_description": p.gender_self_description,
            }
            for p in sorted(event.people, key=lambda p: p.id)
        ],
        "sessions": [
            {
                "key": s.key,
                "title": s.title,
                "type": SessionType(s.type).value,
                "start": _local_iso(s.start),
                "end": _local_iso(s.end),
                "room": s.room.key if s.room is not None else None,
                "track": s.track.key if s.track is not None else None,
                "capacity": s.capacity,
                "requires_signup": bool(s.requires_signup),
                "description": s.description or "",
                "status": SessionStatus(s.status).value,
                "speakers": [
                    {"person": link.person.key, "role": SpeakerRole(link.role).value}
                    for link in sorted(s.speakers, key=lambda link: (link.position, link.id))
                ],
            }
            for s in sessions
        ],
    }


def dumps(data: dict) -> str:
    """The package as UTF-8-ready JSON text (indent 2, non-ASCII kept, final newline)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- validation


@dataclass
class _Parsed:
    """A validated package, with Python values (dates, enums) and MISSING for absent fields."""

    event: dict = field(default_factory=dict)
    rooms: list[dict] = field(default_factory=list)
    tracks: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    sessions: list[dict] = field(default_factory=list)


@functools.cache
def _iana_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _show(value: Any) -> str:
    """A short JSON rendering of a bad value for messages."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("an object")
    return type(value).__name__


class _Obj:
    """Reads the fields of one JSON object, collecting problems under a location label."""

    def __init__(self, problems: list[str], where: str, data: dict, allowed: tuple[str, ...]) -> None:
        self.problems = problems
        self.where = where
        self.data = data
        for name in data:
            if name not in allowed:
                self.problem(_('unknown field "%(name)s"', name=name))

    def problem(self, message: str) -> None:
        self.problems.append(f"{self.where}: {message}")

    def _get(self, name: str, required: bool) -> Any:
        if name not in self.data:
            if required:
                self.problem(_('missing required field "%(name)s"', name=name))
            return MISSING
        return self.data[name]

    def _wrong(self, name: str, expected: str, value: Any) -> Any:
        self.problem(
            _(
                '"%(name)s" must be %(expected)s, not %(type)s %(value)s',
                name=name,
                expected=expected,
                type=_type_name(value),
                value=_show(value),
            )
        )
        return MISSING

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        nullable: bool = False,
        max_len: int | None = None,
        non_empty: bool = False,
    ) -> Any:
        value = self._get(name, required)
        if value is MISSING:
            return MISSING
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            return self._wrong(name, _("text or null") if nullable else _("text"), value)
        if non_empty and not value.strip():
            self.problem(_('"%(name)s" must not be empty', name=name))
            return MISSING
        if max_len is not None and len(value) > max_len:
            self.problem(
                ngettext(
                    '"%(name)s" is too long (%(num)d character, at most %(max)d)',
                    '"%(name)s" is too long (%(num)d characters, at most %(max)d)',
                    len(value),
                    name=name,
                    max=max_len,
                )
            )
            return MISSING
        return value

    def key(self, name: str = "key") -> Any:
        return self.text(name, required=True, max_len=100, non_empty=True)

    def boolean(self, name: str) -> Any:
        value = self._get(name, False)
        if value is MISSING:
            return MISSING
        if not isinstance(value, bool):
            return self._wrong(name, _("true or false"), value)
        return value

    def count(self, name: str, *, nullable: bool = True) -> Any:
        """A whole number >= 0 (or null when ``nullable``)."""
        value = self._get(name, False)
        if value is MISSING:
            return MISSING
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            expected = _("a whole number ≥ 0 or null") if nullable else _("a whole number ≥ 0")
            return self._wrong(name, expected, value)
        return value

    def share(self, name: str) -> Any:
        value = self._get(name, False)
        if value is MISSING:
            return MISSING
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            return self._wrong(name, _("a number between 0 and 1"), value)
        return float(value)

    def choice(self, name: str, enum_cls: type, *, required: bool = False) -> Any:
        value = self._get(name, required)
        if value is MISSING:
            return MISSING
        allowed = [m.value for m in enum_cls]
        if not isinstance(value, str) or value not in allowed:
            self.problem(
                _(
                    '"%(name)s" must be one of %(allowed)s, not %(value)s',
                    name=name,
                    allowed=", ".join(f'"{a}"' for a in allowed),
                    value=_show(value),
                )
            )
            return MISSING
        return enum_cls(value)

    def date(self, name: str, *, required: bool = False) -> Any:
        value = self._get(name, required)
        if value is MISSING:
            return MISSING
        if not isinstance(value, str) or not _DATE_RE.match(value):
            return self._wrong(name, _("a date as YYYY-MM-DD"), value)
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.problem(_('"%(name)s": %(value)s is not a real date', name=name, value=_show(value)))
            return MISSING

    def local_datetime(self, name: str, *, required: bool = False) -> Any:
        value = self._get(name, required)
        if value is MISSING:
            return MISSING
        if not isinstance(value, str) or not _LOCAL_DT_RE.match(value):
            return self._wrong(
                name, _("a local date and time as YYYY-MM-DDTHH:MM (no time-zone offset)"), value
            )
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            self.problem(
                _('"%(name)s": %(value)s is not a real date and time', name=name, value=_show(value))
            )
            return MISSING

    def email(self, name: str) -> Any:
        value = self.text(name, nullable=True, max_len=254)
        if value is MISSING or value is None:
            return value
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            self.problem(
                _('"%(name)s": %(value)s is not a valid email address', name=name, value=_show(value))
            )
            return MISSING
        return value

    def url(self, name: str) -> Any:
        value = self.text(name, nullable=True, max_len=1000)
        if value is MISSING or value is None:
            return value
        if not re.match(r"^https?://\S+$", value):
            self.problem(_('"%(name)s": %(value)s is not an http(s) URL', name=name, value=_show(value)))
            return MISSING
        return value


def _label(kind: str, index: int, item: Any, name_field: str) -> str:
    if isinstance(item, dict):
        name = item.get(name_field)
        if isinstance(name, str) and name.strip():
            shown = name if len(name) <= 50 else name[:47] + "…"
            return f'{kind}[{index}] ("{shown}")'
        key = item.get("key")
        if isinstance(key, str) and key:
            return f"{kind}[{index}] (key {_show(key)})"
    return f"{kind}[{index}]"


def _items(problems: list[str], data: dict, name: str) -> list[tuple[int, dict]]:
    """The objects of a top-level list, reporting a non-list or non-object entries."""
    value = data.get(name, [])
    if not isinstance(value, list):
        problems.append(_('"%(name)s" must be a list, not %(type)s', name=name, type=_type_name(value)))
        return []
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            problems.append(
                _("%(where)s must be an object, not %(type)s", where=f"{name}[{i}]", type=_type_name(item))
            )
        else:
            out.append((i, item))
    return out


def _unique_keys(problems: list[str], kind: str, parsed: list[dict]) -> dict[str, dict]:
    """Map key -> parsed item, reporting duplicates (the first occurrence wins)."""
    seen: dict[str, dict] = {}
    for item in parsed:
        key = item["key"]
        if key is MISSING:
            continue
        if key in seen:
            problems.append(
                _(
                    '%(where)s: duplicate key "%(key)s" (already used by %(kind)s[%(first)d])',
                    where=item["_where"],
                    key=key,
                    kind=kind,
                    first=seen[key]["_index"],
                )
            )
        else:
            seen[key] = item
    return seen


def _parse_event(problems: list[str], raw: Any) -> dict:
    if not isinstance(raw, dict):
        if raw is MISSING:
            problems.append(_('missing required field "event"'))
        else:
            problems.append(_('"event" must be an object, not %(type)s', type=_type_name(raw)))
        return {}
    r = _Obj(problems, "event", raw, EVENT_FIELDS)
    ev: dict[str, Any] = {
        "slug": r.text("slug", required=True, max_len=100, non_empty=True),
        "title": r.text("title", required=True, max_len=300, non_empty=True),
        "description": r.text("description"),
        "timezone": r.text("timezone", required=True, max_len=64),
        "start_date": r.date("start_date", required=True),
        "end_date": r.date("end_date", required=True),
        "mode": r.choice("mode", EventMode),
        "livestream_url": r.url("livestream_url"),
        "capacity_in_person": r.count("capacity_in_person"),
        "capacity_online": r.count("capacity_online"),
        "registration_open": r.boolean("registration_open"),
        "published": r.boolean("published"),
        "travel_info": r.text("travel_info"),
        "online_info": r.text("online_info"),
    }
    slug = ev["slug"]
    if isinstance(slug, str) and not _SLUG_RE.match(slug):
        r.problem(
            _(
                '"slug" %(value)s may only use a-z, 0-9 and single hyphens (e.g. "dt4e-2024")',
                value=_show(slug),
            )
        )
        ev["slug"] = MISSING
    tz = ev["timezone"]
    if isinstance(tz, str) and tz not in _iana_timezones():
        r.problem(
            _('"timezone" %(value)s is not an IANA time zone (e.g. "Europe/Brussels")', value=_show(tz))
        )
        ev["timezone"] = MISSING
    start, end = ev["start_date"], ev["end_date"]
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        if end < start:
            r.problem(
                _(
                    '"end_date" %(end)s is before "start_date" %(start)s',
                    end=end.isoformat(),
                    start=start.isoformat(),
                )
            )
        elif (end - start).days + 1 > MAX_EVENT_DAYS:
            r.problem(
                ngettext(
                    "an event may last at most %(num)d day",
                    "an event may last at most %(num)d days",
                    MAX_EVENT_DAYS,
                )
            )

    venue = raw.get("venue", MISSING)
    ev["venue"] = MISSING
    if venue is None:
        ev["venue"] = None
    elif isinstance(venue, dict):
        v = _Obj(problems, "event.venue", venue, VENUE_FIELDS)
        name = v.text("name", required=True, max_len=300)
        address = v.text("address", nullable=True, max_len=500)
        if name is not MISSING and address is not MISSING:
            ev["venue"] = {"name": name, "address": address if address is not MISSING else None}
        elif name is not MISSING and "address" not in venue:
            ev["venue"] = {"name": name, "address": None}
    elif venue is not MISSING:
        r._wrong("venue", _('an object {"name", "address"} or null'), venue)

    policy = raw.get("balance_policy", MISSING)
    ev["balance_policy"] = {}
    if isinstance(policy, dict):
        p = _Obj(problems, "event.balance_policy", policy, POLICY_FIELDS)
        ev["balance_policy"] = {
            "min_women_per_panel": p.count("min_women_per_panel", nullable=False),
            "count_moderators": p.boolean("count_moderators"),
            "count_non_binary": p.boolean("count_non_binary"),
            "target_share_women": p.share("target_share_women"),
        }
    elif policy is not MISSING:
        r._wrong("balance_policy", _("an object"), policy)
    return ev


def _parse(data: Any) -> tuple[list[str], _Parsed]:
    problems: list[str] = []
    out = _Parsed()
    if not isinstance(data, dict):
        problems.append(_("the package must be a JSON object, not %(type)s", type=_type_name(data)))
        return problems, out
    for name in data:
        if name not in TOP_FIELDS:
            problems.append(_('unknown top-level field "%(name)s"', name=name))
    fmt = data.get("format", MISSING)
    if fmt is MISSING:
        problems.append(_('missing required field "format" (expected "%(format)s")', format=FORMAT))
    elif fmt != FORMAT:
        problems.append(_('"format" must be "%(format)s", not %(value)s', format=FORMAT, value=_show(fmt)))

    out.event = ev = _parse_event(problems, data.get("event", MISSING))

    for i, raw in _items(problems, data, "rooms"):
        r = _Obj(problems, _label("rooms", i, raw, "name"), raw, ROOM_FIELDS)
        out.rooms.append(
            {
                "_index": i,
                "_where": r.where,
                "key": r.key(),
                "name": r.text("name", required=True, max_len=200, non_empty=True),
                "capacity": r.count("capacity"),
            }
        )
    for i, raw in _items(problems, data, "tracks"):
        r = _Obj(problems, _label("tracks", i, raw, "name"), raw, TRACK_FIELDS)
        out.tracks.append(
            {
                "_index": i,
                "_where": r.where,
                "key": r.key(),
                "name": r.text("name", required=True, max_len=200, non_empty=True),
            }
        )
    for i, raw in _items(problems, data, "people"):
        r = _Obj(problems, _label("people", i, raw, "name"), raw, PERSON_FIELDS)
        out.people.append(
            {
                "_index": i,
                "_where": r.where,
                "key": r.key(),
                "name": r.text("name", required=True, max_len=200, non_empty=True),
                "email": r.email("email"),
                "organisation": r.text("organisation", nullable=True, max_len=300),
                "pronouns": r.text("pronouns", nullable=True, max_len=50),
                "gender": r.choice("gender", Gender),
                "job_title": r.text("job_title", nullable=True, max_len=300),
                "bio": r.text("bio"),
                "gender_self_description": r.text("gender_self_description", nullable=True, max_len=100),
            }
        )
    rooms = _unique_keys(problems, "rooms", out.rooms)
    tracks = _unique_keys(problems, "tracks", out.tracks)
    people = _unique_keys(problems, "people", out.people)

    tz_name = ev.get("timezone")
    tz = zoneinfo.ZoneInfo(tz_name) if isinstance(tz_name, str) else None
    first_day, last_day = ev.get("start_date"), ev.get("end_date")
    dates_ok = isinstance(first_day, dt.date) and isinstance(last_day, dt.date) and first_day <= last_day

    for i, raw in _items(problems, data, "sessions"):
        r = _Obj(problems, _label("sessions", i, raw, "title"), raw, SESSION_FIELDS)
        s = {
            "_index": i,
            "_where": r.where,
            "key": r.key(),
            "title": r.text("title", required=True, max_len=300, non_empty=True),
            "type": r.choice("type", SessionType),
            "start": r.local_datetime("start", required=True),
            "end": r.local_datetime("end", required=True),
            "room": r.text("room", nullable=True),
            "track": r.text("track", nullable=True),
            "capacity": r.count("capacity"),
            "requires_signup": r.boolean("requires_signup"),
            "description": r.text("description"),
            "status": r.choice("status", SessionStatus),
            "speakers": [],
        }
        start, end = s["start"], s["end"]
        if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
            if end <= start:
                if end < start:
                    message = _(
                        "ends (%(end)s) before it starts (%(start)s)",
                        end=_local_iso(end),
                        start=_local_iso(start),
                    )
                else:
                    message = _(
                        "ends when it starts (%(start)s); give it a duration", start=_local_iso(start)
                    )
                r.problem(message)
            if dates_ok:
                day_after = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time())
                if start.date() < first_day or start.date() > last_day or end > day_after:
                    r.problem(
                        _(
                            "%(start)s–%(end)s is outside the event's dates (%(first)s to %(last)s)",
                            start=_local_iso(start),
                            end=_local_iso(end),
                            first=first_day.isoformat(),
                            last=last_day.isoformat(),
                        )
                    )
        if tz is not None:
            for name in ("start", "end"):
                value = s[name]
                if isinstance(value, dt.datetime) and not _exists_in(value, tz):
                    r.problem(
                        _(
                            '"%(name)s" %(value)s does not exist in %(tz)s (the clocks go forward then)',
                            name=name,
                            value=_local_iso(value),
                            tz=tz_name,
                        )
                    )
        if isinstance(s["room"], str) and s["room"] not in rooms:
            r.problem(_('room "%(key)s" is not a room key', key=s["room"]))
        if isinstance(s["track"], str) and s["track"] not in tracks:
            r.problem(_('track "%(key)s" is not a track key', key=s["track"]))

        speakers = raw.get("speakers", [])
        if not isinstance(speakers, list):
            r._wrong("speakers", _("a list"), speakers)
        else:
            seen_people: set[str] = set()
            for j, sp in enumerate(speakers):
                where = f"{r.where}.speakers[{j}]"
                if not isinstance(sp, dict):
                    problems.append(
                        _("%(where)s must be an object, not %(type)s", where=where, type=_type_name(sp))
                    )
                    continue
                spr = _Obj(problems, where, sp, SPEAKER_FIELDS)
                person = spr.text("person", required=True, non_empty=True)
                role = spr.choice("role", SpeakerRole)
                if isinstance(person, str):
                    if person not in people:
                        spr.problem(_('person "%(key)s" is not a person key', key=person))
                    elif person in seen_people:
                        spr.problem(
                            _('person "%(key)s" is listed more than once on this session', key=person)
                        )
                    seen_people.add(person)
                s["speakers"].append({"person": person, "role": role})
        out.sessions.append(s)
    _unique_keys(problems, "sessions", out.sessions)
    return problems, out


def _exists_in(value: dt.datetime, tz: zoneinfo.ZoneInfo) -> bool:
    """False for a wall-clock time skipped by a DST jump (e.g. 02:30 on the last Sunday of March)."""
    aware = value.replace(tzinfo=tz)
    back = aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
    return back == value


def validate_package(data: Any) -> list[str]:
    """Every problem of the package, one clear message each; an empty list when it is valid.

    This checks the package on its own. :func:`import_package` also checks it against the
    existing event (e.g. sessions with sign-ups that would disappear).
    """
    return _parse(data)[0]


# --------------------------------------------------------------------------- import


def _set(obj: Any, attr: str, value: Any, default: Any, *, creating: bool) -> None:
    """Apply a parsed field: absent fields keep their value, or take ``default`` on create."""
    if value is MISSING:
        if creating:
            setattr(obj, attr, default)
        return
    setattr(obj, attr, value)


def _replace_problems(event: Event, pkg: _Parsed) -> list[str]:
    """What would be lost by replacing ``event`` with ``pkg``, and must not be."""
    keep = {s["key"] for s in pkg.sessions}
    gone = [s for s in event.sessions if s.key not in keep]
    if not gone:
        return []
    counts = dict(
        db.session.execute(
            sa.select(RegistrationSession.session_id, sa.func.count())
            .where(
                RegistrationSession.session_id.in_([s.id for s in gone]),
                RegistrationSession.status.in_(_ACTIVE_CHOICES),
            )
            .group_by(RegistrationSession.session_id)
        ).all()
    )
    problems = []
    for s in gone:
        n = counts.get(s.id, 0)
        if n:
            problems.append(
                ngettext(
                    'session "%(title)s" (key "%(key)s") is not in the package, but %(num)d registration '
                    'signed up for it: keep it in the package (set "status": "cancelled" to cancel it '
                    "and keep the sign-up on record) or move that attendee first",
                    'session "%(title)s" (key "%(key)s") is not in the package, but %(num)d registrations '
                    'signed up for it: keep it in the package (set "status": "cancelled" to cancel it '
                    "and keep the sign-ups on record) or move those attendees first",
                    n,
                    title=s.title,
                    key=s.key,
                )
            )
    return problems


#: Session fields whose change after publication is announced (calendar SEQUENCE, notices).
_TRACKED = ("start", "end", "room", "status")


def _display(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, Room):
        return value.name
    return getattr(value, "value", value)


def _session_change(event: Event, session: Session, before: dict, actor: Any) -> list[SessionChange]:
    """Bump the SEQUENCE and describe the change, when a published session moved or changed status.

    The :class:`SessionChange` joins the organiser's "changes since publication" queue, from
    which attendees are notified (as for an edit in the agenda editor).
    """
    changed = {f: (before[f], getattr(session, f)) for f in _TRACKED if before[f] != getattr(session, f)}
    if not changed:
        return []
    # Calendar clients only pick up a changed event with a higher SEQUENCE.
    session.sequence = (session.sequence or 0) + 1
    return [
        SessionChange(
            event_id=event.id,
            session_id=session.id,
            session_title=session.title,
            changes={
                ("room_id" if f == "room" else f): [_display(a), _display(b)] for f, (a, b) in changed.items()
            },
            sequence=session.sequence,
            actor_label=audit.actor_label(actor),
        )
    ]


def import_package(data: Any, *, actor: Any) -> Event:
    """Create the event described by ``data``, or replace the existing event with that slug.

    Raises :class:`ValidationFailed` (with one message per problem) and changes nothing when
    the package is invalid or would drop sessions that attendees signed up for, and
    ``BalanceGateError`` when a published agenda would have a failing, unexempted panel.
    On a published event, moved or cancelled sessions get a new iCalendar SEQUENCE and a
    pending change notice. Does not commit: the caller commits (one transaction) or rolls back.
    """
    problems, pkg = _parse(data)
    if problems:
        raise ValidationFailed(problems, _("The event package is not valid."))
    ev = pkg.event
    event = db.session.scalar(lock_for_update(sa.select(Event).where(Event.slug == ev["slug"])))
    creating = event is None
    if event is not None:
        problems = _replace_problems(event, pkg)
        if problems:
            raise ValidationFailed(problems, _("The event package would remove sessions with sign-ups."))

    with db.session.no_autoflush:
        if creating:
            event = Event(slug=ev["slug"])
            db.session.add(event)
        event.title = ev["title"]
        event.timezone = ev["timezone"]
        event.start_date = ev["start_date"]
        event.end_date = ev["end_date"]
        _set(event, "description", ev["description"], "", creating=creating)
        _set(event, "mode", ev["mode"], EventMode.IN_PERSON, creating=creating)
        if ev["venue"] is not MISSING:
            event.venue_name = (ev["venue"]["name"] or None) if ev["venue"] else None
            event.venue_address = (ev["venue"]["address"] or None) if ev["venue"] else None
        _set(event, "livestream_url", ev["livestream_url"], None, creating=creating)
        _set(event, "capacity_in_person", ev["capacity_in_person"], None, creating=creating)
        _set(event, "capacity_online", ev["capacity_online"], None, creating=creating)
        _set(event, "registration_open", ev["registration_open"], False, creating=creating)
        _set(event, "published", ev["published"], False, creating=creating)
        _set(event, "travel_info", ev["travel_info"], "", creating=creating)
        _set(event, "online_info", ev["online_info"], "", creating=creating)
        policy = ev["balance_policy"]
        _set(
            event,
            "balance_min_women_per_panel",
            policy.get("min_women_per_panel", MISSING),
            1,
            creating=creating,
        )
        _set(
            event,
            "balance_count_moderators",
            policy.get("count_moderators", MISSING),
            False,
            creating=creating,
        )
        _set(
            event,
            "balance_count_non_binary",
            policy.get("count_non_binary", MISSING),
            False,
            creating=creating,
        )
        _set(
            event,
            "balance_target_share_women",
            policy.get("target_share_women", MISSING),
            0.4,
            creating=creating,
        )
        if event.published and event.published_at is None:
            event.published_at = utcnow()

        # Rooms and tracks, matched by key.
        old_rooms = {r.key: r for r in ([] if creating else event.rooms)}
        rooms: dict[str, Room] = {}
        for pos, item in enumerate(pkg.rooms):
            room = old_rooms.pop(item["key"], None)
            if room is None:
                room = Room(event=event, key=item["key"])
                db.session.add(room)
            room.name = item["name"]
            _set(room, "capacity", item["capacity"], None, creating=room.id is None)
            room.position = pos
            rooms[item["key"]] = room
        old_tracks = {t.key: t for t in ([] if creating else event.tracks)}
        tracks: dict[str, Track] = {}
        for item in pkg.tracks:
            track = old_tracks.pop(item["key"], None)
            if track is None:
                track = Track(event=event, key=item["key"])
                db.session.add(track)
            track.name = item["name"]
            tracks[item["key"]] = track

        # People, matched by key (keeps their portal answers, photo and unavailability).
        old_people = {p.key: p for p in ([] if creating else event.people)}
        people: dict[str, Person] = {}
        for item in pkg.people:
            person = old_people.pop(item["key"], None)
            new = person is None
            if new:
                person = Person(event=event, key=item["key"])
                db.session.add(person)
            person.name = item["name"]
            for attr, default in (("email", None), ("organisation", None), ("pronouns", None)):
                _set(person, attr, item[attr], default, creating=new)
            _set(person, "job_title", item["job_title"], None, creating=new)
            _set(person, "bio", item["bio"], "", creating=new)
            gender = item["gender"]
            if gender is MISSING:
                gender = Gender.UNDISCLOSED if new else person.gender
            if new or gender != person.gender:
                person.gender = gender
                person.gender_source = None if gender == Gender.UNDISCLOSED else GenderSource.IMPORTED
                person.gender_recorded_at = None if gender == Gender.UNDISCLOSED else utcnow()
            _set(person, "gender_self_description", item["gender_self_description"], None, creating=new)
            if person.gender != Gender.SELF_DESCRIBED:
                person.gender_self_description = None
            people[item["key"]] = person

        # Sessions, matched by key (keeps their id, so sign-ups and calendar UIDs stay).
        old_sessions = {s.key: s for s in ([] if creating else event.sessions)}
        added = 0
        tracked_changes: list[SessionChange] = []
        for item in pkg.sessions:
            session = old_sessions.pop(item["key"], None)
            new = session is None
            if new:
                added += 1
                session = Session(event=event, key=item["key"], sequence=0)
                db.session.add(session)
            before = None if new else {f: getattr(session, f) for f in _TRACKED}
            session.title = item["title"]
            session.start = item["start"]
            session.end = item["end"]
            if item["room"] is not MISSING or new:
                session.room = rooms[item["room"]] if isinstance(item["room"], str) else None
            if item["track"] is not MISSING or new:
                session.track = tracks[item["track"]] if isinstance(item["track"], str) else None
            _set(session, "type", item["type"], SessionType.TALK, creating=new)
            _set(session, "capacity", item["capacity"], None, creating=new)
            _set(session, "requires_signup", item["requires_signup"], False, creating=new)
            _set(session, "description", item["description"], "", creating=new)
            _set(session, "status", item["status"], SessionStatus.CONFIRMED, creating=new)
            if before is not None and event.published:
                tracked_changes.extend(_session_change(event, session, before, actor))
            links = {link.person.key: link for link in session.speakers}
            wanted = []
            for pos, sp in enumerate(item["speakers"]):
                link = links.pop(sp["person"], None)
                if link is None:
                    link = SessionSpeaker(person=people[sp["person"]])
                link.role = sp["role"] if sp["role"] is not MISSING else (link.role or SpeakerRole.SPEAKER)
                link.position = pos
                wanted.append(link)
            session.speakers[:] = wanted

    removed_sessions = sorted(old_sessions)
    for session in old_sessions.values():
        event.sessions.remove(session)
    db.session.flush()
    for person in old_people.values():
        db.session.expire(person, ["session_links"])
        event.people.remove(person)
    for room in old_rooms.values():
        event.rooms.remove(room)
    for track in old_tracks.values():
        event.tracks.remove(track)
    db.session.flush()

    for change in tracked_changes:
        db.session.add(change)
    if event.published:
        # The "No Women No Panel" gate applies to an imported agenda as to an edited one:
        # a published event may not end up with a failing panel that has no exemption.
        balance.enforce_gate(event, publishing=True)

    audit.record(
        "event.import",
        actor=actor,
        event_id=event.id,
        obj=event,
        changes={
            "created": creating,
            "sessions_moved": len(tracked_changes),
            "format": FORMAT,
            "rooms": len(pkg.rooms),
            "tracks": len(pkg.tracks),
            "people": len(pkg.people),
            "sessions": len(pkg.sessions),
            "sessions_added": added,
            "sessions_removed": removed_sessions,
            "people_removed": sorted(old_people),
            "rooms_removed": sorted(old_rooms),
            "tracks_removed": sorted(old_tracks),
        },
    )
    return event


def event_by_slug(slug: str) -> Event | None:
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))
