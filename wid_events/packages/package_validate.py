"""Validating a "wid-event/1" package on its own: every problem at once, one message each.

:func:`parse` turns the JSON into a :class:`Parsed` package (Python values, ``MISSING`` for
absent fields) and the list of problems, each naming where it is
(``sessions[3] ("Panel 2"): room "hall-x" is not a room key``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events.enums import EventMode, Gender, SessionAttendance, SessionStatus, SessionType, SpeakerRole
from wid_events.packages.package_extras import (
    PERSON_TEXTS,
    QUESTION_FIELDS,
    ROOM_TEXTS,
    SESSION_TEXTS,
    TRACK_TEXTS,
    parse_event_extras,
    parse_question,
    read_translations,
)
from wid_events.packages.package_format import (
    EVENT_FIELDS,
    FORMAT,
    MAX_EVENT_DAYS,
    MISSING,
    PERSON_FIELDS,
    POLICY_FIELDS,
    ROOM_FIELDS,
    SESSION_FIELDS,
    SLUG_RE,
    SPEAKER_FIELDS,
    TOP_FIELDS,
    TRACK_FIELDS,
    VENUE_FIELDS,
    Reader,
    iana_timezones,
    items,
    label,
    local_iso,
    show,
    type_name,
    unique_keys,
)


@dataclass
class Parsed:
    """A validated package, with Python values (dates, enums) and MISSING for absent fields."""

    event: dict = field(default_factory=dict)
    rooms: list[dict] = field(default_factory=list)
    tracks: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    sessions: list[dict] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)


# --- the event ------------------------------------------------------------------------


def _parse_event(problems: list[str], raw: Any) -> dict:
    if not isinstance(raw, dict):
        if raw is MISSING:
            problems.append(_('missing required field "event"'))
        else:
            problems.append(_('"event" must be an object, not %(type)s', type=type_name(raw)))
        return {}
    r = Reader(problems, "event", raw, EVENT_FIELDS)
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
    _check_event_values(r, ev)
    parse_event_extras(r, ev)
    ev["_raw_fields"] = tuple(raw)
    ev["venue"] = _parse_venue(problems, r, raw.get("venue", MISSING))
    ev["balance_policy"] = _parse_policy(problems, r, raw.get("balance_policy", MISSING))
    return ev


def _check_event_values(r: Reader, ev: dict) -> None:
    """Slug, time zone and dates that are well-formed but not acceptable."""
    slug = ev["slug"]
    if isinstance(slug, str) and not SLUG_RE.match(slug):
        r.problem(
            _(
                '"slug" %(value)s may only use a-z, 0-9 and single hyphens (e.g. "dt4e-2024")',
                value=show(slug),
            )
        )
        ev["slug"] = MISSING
    tz = ev["timezone"]
    if isinstance(tz, str) and tz not in iana_timezones():
        r.problem(_('"timezone" %(value)s is not an IANA time zone (e.g. "Europe/Brussels")', value=show(tz)))
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


def _parse_venue(problems: list[str], r: Reader, venue: Any) -> Any:
    if venue is None:
        return None
    if isinstance(venue, dict):
        v = Reader(problems, "event.venue", venue, VENUE_FIELDS)
        name = v.text("name", required=True, max_len=300)
        address = v.text("address", nullable=True, max_len=500)
        if name is not MISSING and address is not MISSING:
            return {"name": name, "address": address if address is not MISSING else None}
        if name is not MISSING and "address" not in venue:
            return {"name": name, "address": None}
    elif venue is not MISSING:
        r.wrong("venue", _('an object {"name", "address"} or null'), venue)
    return MISSING


def _parse_policy(problems: list[str], r: Reader, policy: Any) -> dict:
    if isinstance(policy, dict):
        p = Reader(problems, "event.balance_policy", policy, POLICY_FIELDS)
        return {
            "min_women_per_panel": p.count("min_women_per_panel", nullable=False),
            "count_moderators": p.boolean("count_moderators"),
            "count_non_binary": p.boolean("count_non_binary"),
            "target_share_women": p.share("target_share_women"),
        }
    if policy is not MISSING:
        r.wrong("balance_policy", _("an object"), policy)
    return {}


# --- rooms, tracks, people ------------------------------------------------------------


def _parse_room(r: Reader) -> dict:
    return {
        "key": r.key(),
        "name": r.text("name", required=True, max_len=200, non_empty=True),
        "capacity": r.count("capacity"),
        "translations": read_translations(r, ROOM_TEXTS),
    }


def _parse_track(r: Reader) -> dict:
    return {
        "key": r.key(),
        "name": r.text("name", required=True, max_len=200, non_empty=True),
        "translations": read_translations(r, TRACK_TEXTS),
    }


def _count_as_woman(r: Reader, gender) -> object:
    """``count_as_woman``: true, false or null, and only for a self-described person."""
    if "count_as_woman" not in r.data:
        return MISSING
    value = r.data["count_as_woman"]
    if value is not None and not isinstance(value, bool):
        return r.wrong("count_as_woman", _("true, false or null"), value)
    if gender != Gender.SELF_DESCRIBED.value:
        r.problem(
            _(
                '"count_as_woman" is only allowed with "gender": "self_described" '
                "(it is the self-described person's own answer to how they are counted)"
            )
        )
        return MISSING
    return value


def _parse_person(r: Reader) -> dict:
    gender = r.choice("gender", Gender)
    return {
        "key": r.key(),
        "name": r.text("name", required=True, max_len=200, non_empty=True),
        "email": r.email("email"),
        "organisation": r.text("organisation", nullable=True, max_len=300),
        "pronouns": r.text("pronouns", nullable=True, max_len=50),
        "gender": gender,
        "job_title": r.text("job_title", nullable=True, max_len=300),
        "bio": r.text("bio"),
        "gender_self_description": r.text("gender_self_description", nullable=True, max_len=100),
        "translations": read_translations(r, PERSON_TEXTS),
        "count_as_woman": _count_as_woman(r, gender),
    }


def _parse_list(
    problems: list[str], data: dict, kind: str, allowed: tuple[str, ...], parse_one
) -> list[dict]:
    """Each object of the top-level list ``kind``, read by ``parse_one``, with its place."""
    out = []
    for i, raw in items(problems, data, kind):
        r = Reader(problems, label(kind, i, raw, "name"), raw, allowed)
        out.append({"_index": i, "_where": r.where, **parse_one(r)})
    return out


# --- sessions -------------------------------------------------------------------------


@dataclass
class _SessionContext:
    """What a session is checked against: the event's dates and zone, and the known keys."""

    rooms: dict[str, dict]
    tracks: dict[str, dict]
    people: dict[str, dict]
    tz_name: Any
    tz: zoneinfo.ZoneInfo | None
    first_day: Any
    last_day: Any
    dates_ok: bool

    @classmethod
    def of(cls, ev: dict, rooms: dict, tracks: dict, people: dict) -> _SessionContext:
        tz_name = ev.get("timezone")
        tz = zoneinfo.ZoneInfo(tz_name) if isinstance(tz_name, str) else None
        first_day, last_day = ev.get("start_date"), ev.get("end_date")
        dates_ok = isinstance(first_day, dt.date) and isinstance(last_day, dt.date) and first_day <= last_day
        return cls(rooms, tracks, people, tz_name, tz, first_day, last_day, dates_ok)


def _check_session_times(r: Reader, s: dict, ctx: _SessionContext) -> None:
    start, end = s["start"], s["end"]
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        if end <= start:
            if end < start:
                message = _(
                    "ends (%(end)s) before it starts (%(start)s)",
                    end=local_iso(end),
                    start=local_iso(start),
                )
            else:
                message = _("ends when it starts (%(start)s); give it a duration", start=local_iso(start))
            r.problem(message)
        if ctx.dates_ok:
            first_day, last_day = ctx.first_day, ctx.last_day
            day_after = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time())
            if start.date() < first_day or start.date() > last_day or end > day_after:
                r.problem(
                    _(
                        "%(start)s–%(end)s is outside the event's dates (%(first)s to %(last)s)",
                        start=local_iso(start),
                        end=local_iso(end),
                        first=first_day.isoformat(),
                        last=last_day.isoformat(),
                    )
                )
    if ctx.tz is not None:
        for name in ("start", "end"):
            value = s[name]
            if isinstance(value, dt.datetime) and not exists_in(value, ctx.tz):
                r.problem(
                    _(
                        '"%(name)s" %(value)s does not exist in %(tz)s (the clocks go forward then)',
                        name=name,
                        value=local_iso(value),
                        tz=ctx.tz_name,
                    )
                )


def _parse_speakers(problems: list[str], r: Reader, speakers: Any, people: dict) -> list[dict]:
    if not isinstance(speakers, list):
        r.wrong("speakers", _("a list"), speakers)
        return []
    out = []
    seen_people: set[str] = set()
    for j, sp in enumerate(speakers):
        where = f"{r.where}.speakers[{j}]"
        if not isinstance(sp, dict):
            problems.append(_("%(where)s must be an object, not %(type)s", where=where, type=type_name(sp)))
            continue
        spr = Reader(problems, where, sp, SPEAKER_FIELDS)
        person = spr.text("person", required=True, non_empty=True)
        role = spr.choice("role", SpeakerRole)
        if isinstance(person, str):
            if person not in people:
                spr.problem(_('person "%(key)s" is not a person key', key=person))
            elif person in seen_people:
                spr.problem(_('person "%(key)s" is listed more than once on this session', key=person))
            seen_people.add(person)
        out.append({"person": person, "role": role})
    return out


def _parse_session(problems: list[str], i: int, raw: dict, ctx: _SessionContext) -> dict:
    r = Reader(problems, label("sessions", i, raw, "title"), raw, SESSION_FIELDS)
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
        "attendance": r.choice("attendance", SessionAttendance),
        "speakers": [],
        "translations": read_translations(r, SESSION_TEXTS),
    }
    _check_session_times(r, s, ctx)
    if isinstance(s["room"], str) and s["room"] not in ctx.rooms:
        r.problem(_('room "%(key)s" is not a room key', key=s["room"]))
    if isinstance(s["track"], str) and s["track"] not in ctx.tracks:
        r.problem(_('track "%(key)s" is not a track key', key=s["track"]))
    s["speakers"] = _parse_speakers(problems, r, raw.get("speakers", []), ctx.people)
    return s


# --- the whole package ----------------------------------------------------------------


def _check_top(problems: list[str], data: dict) -> None:
    for name in data:
        if name not in TOP_FIELDS:
            problems.append(_('unknown top-level field "%(name)s"', name=name))
    fmt = data.get("format", MISSING)
    if fmt is MISSING:
        problems.append(_('missing required field "format" (expected "%(format)s")', format=FORMAT))
    elif fmt != FORMAT:
        problems.append(_('"format" must be "%(format)s", not %(value)s', format=FORMAT, value=show(fmt)))


def parse(data: Any) -> tuple[list[str], Parsed]:
    """The problems of the package (empty when valid) and the package as Python values."""
    problems: list[str] = []
    out = Parsed()
    if not isinstance(data, dict):
        problems.append(_("the package must be a JSON object, not %(type)s", type=type_name(data)))
        return problems, out
    _check_top(problems, data)
    out.event = _parse_event(problems, data.get("event", MISSING))
    out.rooms = _parse_list(problems, data, "rooms", ROOM_FIELDS, _parse_room)
    out.tracks = _parse_list(problems, data, "tracks", TRACK_FIELDS, _parse_track)
    out.people = _parse_list(problems, data, "people", PERSON_FIELDS, _parse_person)
    ctx = _SessionContext.of(
        out.event,
        rooms=unique_keys(problems, "rooms", out.rooms),
        tracks=unique_keys(problems, "tracks", out.tracks),
        people=unique_keys(problems, "people", out.people),
    )
    out.sessions = [_parse_session(problems, i, raw, ctx) for i, raw in items(problems, data, "sessions")]
    unique_keys(problems, "sessions", out.sessions)
    out.questions = _parse_questions(problems, data.get("event"))
    return problems, out


def _parse_questions(problems: list[str], event: Any) -> list[dict]:
    """``event.questions``: the custom registration questions, in form order."""
    if not isinstance(event, dict) or "questions" not in event:
        return []
    raw = event["questions"]
    if not isinstance(raw, list):
        problems.append(
            _('"%(name)s" must be a list, not %(type)s', name="event.questions", type=type_name(raw))
        )
        return []
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            problems.append(
                _(
                    "%(where)s must be an object, not %(type)s",
                    where=f"event.questions[{i}]",
                    type=type_name(item),
                )
            )
            continue
        r = Reader(problems, label("event.questions", i, item, "label"), item, QUESTION_FIELDS)
        out.append({"_index": i, "_where": r.where, **parse_question(r)})
    unique_keys(problems, "event.questions", out)
    return out


def exists_in(value: dt.datetime, tz: zoneinfo.ZoneInfo) -> bool:
    """False for a wall-clock time skipped by a DST jump (e.g. 02:30 on the last Sunday of March)."""
    aware = value.replace(tzinfo=tz)
    back = aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
    return back == value


def validate_package(data: Any) -> list[str]:
    """Every problem of the package, one clear message each; an empty list when it is valid.

    This checks the package on its own. :func:`~wid_events.packages.package_import.import_package`
    also checks it against the existing event (e.g. sessions with sign-ups that would disappear).
    """
    return parse(data)[0]
