"""Public JSON shapes. Only public facts: never gender, email or the livestream link."""

from __future__ import annotations

from flask import request

from wid_events.agenda import queries
from wid_events.agenda.models import Session
from wid_events.core.urls import external_url
from wid_events.events.models import Event
from wid_events.people.models import Person
from wid_events.speakers.views import public_photo_url


def event_summary(event: Event) -> dict:
    return {
        "slug": event.slug,
        "title": event.title,
        "timezone": event.timezone,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "mode": event.mode.value,
        "venue": (
            {"name": event.venue_name, "address": event.venue_address}
            if (event.venue_name or event.venue_address)
            else None
        ),
        "registration_open": event.registration_open,
        "url": external_url("events.event_page", slug=event.slug),
        "api_url": external_url("api.event_detail", slug=event.slug),
    }


def event_detail(event: Event) -> dict:
    data = event_summary(event)
    data.update(
        {
            "description": event.description,
            "travel_info": event.travel_info,
            "online_info": event.online_info,
            "capacity_in_person": event.capacity_in_person,
            "capacity_online": event.capacity_online,
            "default_language": event.default_language or "en",
            "translations": dict(event.translations or {}),
            "registration_opens": event.registration_opens.isoformat() if event.registration_opens else None,
            "registration_closes": event.registration_closes.isoformat()
            if event.registration_closes
            else None,
            "series": (
                {"title": event.series.title, "edition": event.edition} if event.series is not None else None
            ),
            "rooms": [{"key": r.key, "name": r.name, "capacity": r.capacity} for r in event.rooms],
            "tracks": [{"key": t.key, "name": t.name} for t in event.tracks],
            "links": {
                "sessions": external_url("api.event_sessions", slug=event.slug),
                "speakers": external_url("api.event_speakers", slug=event.slug),
                "exhibitors": external_url("api.event_exhibitors", slug=event.slug),
                "jobs": external_url("api.event_jobs", slug=event.slug),
                "agenda": external_url("agenda.agenda", slug=event.slug),
            },
        }
    )
    return data


def session(event: Event, s: Session) -> dict:
    return {
        "id": s.id,
        "key": s.key,
        "uid": s.uid,
        "title": s.title,
        "type": s.type.value,
        "status": s.status.value,
        "start": queries.local_iso(event, s.start),
        "end": queries.local_iso(event, s.end),
        "timezone": event.timezone,
        "room": {"key": s.room.key, "name": s.room.name} if s.room else None,
        "track": {"key": s.track.key, "name": s.track.name} if s.track else None,
        "description": s.description,
        "requires_signup": s.requires_signup,
        "attendance": s.attendance_mode.value,
        "capacity": s.capacity,
        "speakers": [
            {"id": link.person.id, "name": link.person.name, "role": link.role.value} for link in s.speakers
        ],
        "url": external_url("agenda.session_page", slug=event.slug, session_id=s.id),
    }


def speaker(event: Event, person: Person) -> dict:
    return {
        "id": person.id,
        "key": person.key,
        "name": person.name,
        "pronouns": person.pronouns,
        "organisation": person.organisation,
        "job_title": person.job_title,
        "bio": person.bio,
        "links": queries.public_links(person),
        "photo_url": _absolute(public_photo_url(person)),
        "sessions": [
            {"id": link.session.id, "role": link.role.value} for link in queries.speaker_sessions(person)
        ],
        "url": external_url("speakers.speaker_page", slug=event.slug, person_id=person.id),
    }


def _absolute(path: str | None) -> str | None:
    if not path or "://" in path:
        return path
    return request.host_url.rstrip("/") + path
