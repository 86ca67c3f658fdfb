"""frab/pretalx conference schedule (XML and JSON), as read by Giggity, ConfClerk, EventFahrplan.

Both documents are built from one structure (:func:`schedule_data`) and validate against the
c3voc schemas (``schedule.xml.xsd`` / ``schedule.json.schema.json``, see tests/data/).

Decisions:

* ``guid`` = ``uuid5(NAMESPACE_URL, session.uid)``: stable across re-exports and event-package
  round trips, because :attr:`Session.uid` is built from the event slug and session key.
* ``acronym`` is the event slug, with characters the JSON schema refuses turned into ``_``
  (``dt4e-2024`` becomes ``dt4e_2024``), the same in both formats.
* Cancelled sessions are left out (conference apps have no "cancelled" state; they drop
  events that disappear on refresh). The iCalendar feeds keep them as ``STATUS:CANCELLED``.
* Persons carry the public name, biography and page only (never email or gender); their
  ``guid`` is ``uuid5`` of the person key, not of an email address.
* Sessions without a room are listed under the venue name (or "Online").
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import uuid
from collections import OrderedDict

from flask import current_app
from flask_babel import gettext as _
from lxml import etree

from wid_events.enums import EventMode
from wid_events.exports.ics import (
    load_event_sessions,
    locale_context,
    public_speakers,
    public_url,
    session_url,
)
from wid_events.speakers.services import event_materials, is_public, public_materials

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
GENERATOR = {"name": "wid_events", "version": "1"}


def guid_for(text: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, text))


def session_guid(session) -> str:
    return guid_for(session.uid)


def acronym(event) -> str:
    """Slug made acceptable to both schemas: ``[a-z0-9_]``, at least four characters."""
    value = re.sub(r"[^a-z0-9_]", "_", event.slug.lower())
    return value.ljust(4, "_")


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:60].strip("-")


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _aware(event, value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=event.tz)


def _no_room_name(event) -> str:
    if event.venue_name:
        return event.venue_name
    return _("Online") if event.mode == EventMode.ONLINE else _("Main venue")


def _public_materials_by_session(event) -> dict[int, list]:
    """Every session's public materials, in two queries for the whole event (no N+1)."""
    out: dict[int, list] = {}
    for material in sorted(event_materials(event), key=lambda m: (m.created_at, m.id)):
        if is_public(material):
            out.setdefault(material.session_id, []).append(material)
    return out


def _materials(session, materials: list | None = None) -> list[dict]:
    """``attachments``: links to the public materials (the site's download URL, or the link)."""
    out = []
    for material in public_materials(session) if materials is None else materials:
        if getattr(material, "url", None):
            url = material.url
        else:
            url = public_url(f"/events/{session.event.slug}/materials/{material.id}")
        kind = getattr(getattr(material, "current", None), "kind", "") or ""
        title = material.title or _("Material")
        kind = "slides" if kind in ("pdf", "pptx", "odp") else "related"
        out.append({"url": url, "title": title, "type": kind})
    return out


def _person(event, link) -> dict:
    person = link.person
    data = {
        "guid": guid_for(f"person:{person.key}.{event.slug}@wid-events"),
        "name": person.name,
        "public_name": person.name,
        "biography": person.bio or None,
        "url": public_url(f"/events/{event.slug}/speakers/{person.id}"),
    }
    return data


def _event_item(session, room_name: str, materials: list | None = None) -> dict:
    event = session.event
    start = _aware(event, session.start)
    end = _aware(event, session.end)
    minutes = max(0, int((session.end - session.start).total_seconds() // 60))
    title_slug = slugify(session.title) or "session"
    description = session.description or ""
    abstract = description.strip().split("\n\n", 1)[0] if description else ""
    url = session_url(session)
    return {
        "guid": session_guid(session),
        "id": session.id,
        "date": start.isoformat(),
        "start": session.start.strftime("%H:%M"),
        "end": end.isoformat(),
        "duration": hhmm(minutes),
        "room": room_name,
        "slug": f"{acronym(event)}-{session.id}-{title_slug}",
        "url": url,
        "title": session.title,
        "subtitle": "",
        "track": session.track.name if session.track is not None else None,
        "type": session.type.value,
        # Titles and descriptions are the plain columns: the event's default language.
        "language": getattr(event, "default_language", None)
        or current_app.config.get("BABEL_DEFAULT_LOCALE", "en"),
        "abstract": abstract,
        "description": description,
        "persons": [_person(event, link) for link in public_speakers(session)],
        "links": [{"url": url, "title": _("Session page"), "type": "web"}],
        "attachments": _materials(session, materials),
    }


def schedule_data(event) -> dict:
    """The schedule as the JSON document (``{"$schema", "generator", "schedule"}``)."""
    sessions = [s for s in load_event_sessions(event) if not s.is_cancelled]
    materials = _public_materials_by_session(event)
    no_room = _no_room_name(event)
    rooms: list[dict] = []
    room_names: dict[int | None, str] = {}
    for room in event.rooms:
        room_names[room.id] = room.name
        rooms.append(
            {
                "name": room.name,
                "guid": guid_for(f"room:{room.key}.{event.slug}@wid-events"),
                "capacity": room.capacity,
            }
        )
    if any(s.room_id is None for s in sessions):
        room_names[None] = no_room
        rooms.append({"name": no_room, "guid": guid_for(f"room:-.{event.slug}@wid-events"), "capacity": None})
    dates = sorted(set(event.days) | {s.start.date() for s in sessions})
    days = []
    for index, day in enumerate(dates, start=1):
        todays = [s for s in sessions if s.start.date() == day]
        if todays:
            day_start = min(s.start for s in todays)
            day_end = max(s.end for s in todays)
        else:
            day_start = dt.datetime.combine(day, dt.time(0, 0))
            day_end = dt.datetime.combine(day, dt.time(23, 59))
        by_room: OrderedDict[str, list] = OrderedDict()
        for room in rooms:
            by_room[room["name"]] = []
        for s in todays:
            name = room_names.get(s.room_id, no_room)
            by_room.setdefault(name, []).append(_event_item(s, name, materials.get(s.id, [])))
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": _aware(event, day_start).isoformat(),
                "day_end": _aware(event, day_end).isoformat(),
                "rooms": {name: items for name, items in by_room.items() if items},
            }
        )
    stamps = [s.updated_at for s in event.sessions if s.updated_at] + [event.updated_at]
    stamps = [s for s in stamps if s]
    version = max(stamps).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if stamps else "1"
    conference = {
        "acronym": acronym(event),
        "title": event.title,
        "description": event.description or "",
        "start": event.start_date.isoformat(),
        "end": event.end_date.isoformat(),
        "daysCount": len(dates),
        "timeslot_duration": "00:05",
        "time_zone_name": event.timezone,
        "url": public_url(f"/events/{event.slug}/"),
        "tracks": [{"name": t.name, "slug": slugify(t.name) or f"t{t.id}"} for t in event.tracks],
        "rooms": rooms,
        "days": days,
    }
    for track in conference["tracks"]:
        if not re.fullmatch(r"[a-z0-9_-]+[a-z0-9]", track["slug"]):
            track.pop("slug")
    return {
        "$schema": SCHEMA_URL,
        "generator": GENERATOR,
        "schedule": {
            "version": version,
            "base_url": public_url("/"),
            "conference": conference,
        },
    }


def schedule_json(event) -> bytes:
    with locale_context():
        data = schedule_data(event)
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def _sub(parent, tag: str, text=None, **attrs):
    el = etree.SubElement(parent, tag, {k: str(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = str(text)
    return el


def schedule_xml(event) -> bytes:
    with locale_context():
        data = schedule_data(event)
    schedule = data["schedule"]
    conf = schedule["conference"]
    root = etree.Element("schedule")
    _sub(root, "generator", name=GENERATOR["name"], version=GENERATOR["version"])
    _sub(root, "url", public_url(f"/events/{event.slug}/schedule.xml"))
    _sub(root, "version", schedule["version"])
    c = _sub(root, "conference")
    _sub(c, "acronym", conf["acronym"])
    _sub(c, "title", conf["title"])
    _sub(c, "start", conf["start"])
    _sub(c, "end", conf["end"])
    _sub(c, "days", conf["daysCount"])
    _sub(c, "timeslot_duration", conf["timeslot_duration"])
    _sub(c, "base_url", schedule["base_url"])
    _sub(c, "url", conf["url"])
    _sub(c, "time_zone_name", conf["time_zone_name"])
    for track in conf["tracks"]:
        _sub(c, "track", track["name"], name=track["name"], slug=track.get("slug"))
    room_guids = {room["name"]: room["guid"] for room in conf["rooms"]}
    for day in conf["days"]:
        d = _sub(
            root, "day", index=day["index"], date=day["date"], start=day["day_start"], end=day["day_end"]
        )
        for room_name, items in day["rooms"].items():
            r = _sub(d, "room", name=room_name, guid=room_guids.get(room_name))
            for item in items:
                e = _sub(r, "event", guid=item["guid"], id=item["id"])
                _sub(e, "date", item["date"])
                _sub(e, "start", item["start"])
                _sub(e, "duration", item["duration"])
                _sub(e, "room", item["room"])
                _sub(e, "slug", item["slug"])
                _sub(e, "url", item["url"])
                _sub(e, "title", item["title"])
                _sub(e, "subtitle", item["subtitle"])
                _sub(e, "track", item["track"] or "")
                _sub(e, "type", item["type"])
                _sub(e, "language", item["language"])
                _sub(e, "abstract", item["abstract"])
                _sub(e, "description", item["description"])
                persons = _sub(e, "persons")
                for person in item["persons"]:
                    _sub(persons, "person", person["name"], guid=person["guid"])
                links = _sub(e, "links")
                for link in item["links"]:
                    _sub(links, "link", link["title"], href=link["url"], type=link["type"])
                attachments = _sub(e, "attachments")
                for att in item["attachments"]:
                    _sub(attachments, "attachment", att["title"], href=att["url"], type=att["type"])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
