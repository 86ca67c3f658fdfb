"""Writing an event as a "wid-event/1" package (see :mod:`wid_events.packages.package`).

PRIVACY: the package contains people's emails and self-declared gender. It is an
organiser-only artefact (the ``flask events export`` command, organiser-only views):
never serve it from a public page or the public API.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from wid_events.enums import EventMode, Gender, SessionStatus, SessionType, SpeakerRole
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.packages.package_extras import export_question, window_iso
from wid_events.packages.package_format import FORMAT, local_iso
from wid_events.registration.models import Question


def _questions(event: Event) -> list[dict]:
    """The event's questions in form order (archived ones are no longer part of the event)."""
    questions = db.session.scalars(
        sa.select(Question)
        .where(Question.event_id == event.id, Question.archived_at.is_(None))
        .order_by(Question.position, Question.id)
    )
    return [export_question(q) for q in questions]


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
            "default_language": event.default_language or "en",
            "translations": dict(event.translations or {}),
            "registration_opens": window_iso(event.registration_opens),
            "registration_closes": window_iso(event.registration_closes),
            "questions": _questions(event),
        },
        "rooms": [
            {"key": r.key, "name": r.name, "capacity": r.capacity, "translations": dict(r.translations or {})}
            for r in rooms
        ],
        "tracks": [
            {"key": t.key, "name": t.name, "translations": dict(t.translations or {})}
            for t in sorted(event.tracks, key=lambda t: t.id)
        ],
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
                "translations": dict(p.translations or {}),
            }
            # The person's own answer on how they are counted: self-described people only.
            | ({"count_as_woman": p.count_as_woman} if p.gender == Gender.SELF_DESCRIBED else {})
            for p in sorted(event.people, key=lambda p: p.id)
        ],
        "sessions": [
            {
                "key": s.key,
                "title": s.title,
                "type": SessionType(s.type).value,
                "start": local_iso(s.start),
                "end": local_iso(s.end),
                "room": s.room.key if s.room is not None else None,
                "track": s.track.key if s.track is not None else None,
                "capacity": s.capacity,
                "requires_signup": bool(s.requires_signup),
                "description": s.description or "",
                "status": SessionStatus(s.status).value,
                "attendance": s.attendance_mode.value,
                "speakers": [
                    {"person": link.person.key, "role": SpeakerRole(link.role).value}
                    for link in sorted(s.speakers, key=lambda link: (link.position, link.id))
                ],
                "translations": dict(s.translations or {}),
            }
            for s in sessions
        ],
    }


def dumps(data: dict) -> str:
    """The package as UTF-8-ready JSON text (indent 2, non-ASCII kept, final newline)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
