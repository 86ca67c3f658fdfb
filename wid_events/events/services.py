"""Organiser services for events, series, rooms and tracks. Callers commit."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events import signals
from wid_events.accounts.models import EventOrganiser, User
from wid_events.accounts.permissions import require_admin
from wid_events.audit import services as audit
from wid_events.core.content import clean_translations
from wid_events.core.text import is_http_url
from wid_events.enums import CONTENT_LANGUAGES, EventMode
from wid_events.errors import Conflict, DomainError
from wid_events.events.models import Event, Room, Series, Track
from wid_events.events.slugs import RESERVED_SLUGS, free_slug, slugify
from wid_events.extensions import db

#: The event's translatable texts.
EVENT_TEXTS = ("title", "description", "travel_info", "online_info")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

EVENT_FIELDS = (
    "slug",
    "title",
    "description",
    "timezone",
    "start_date",
    "end_date",
    "mode",
    "venue_name",
    "venue_address",
    "travel_info",
    "online_info",
    "livestream_url",
    "capacity_in_person",
    "capacity_online",
    "registration_open",
    "requires_approval",
    "access_needs_deadline",
    "contact_email",
    "speaker_link_days",
    "series_id",
    "edition",
    "balance_min_women_per_panel",
    "balance_count_moderators",
    "balance_count_non_binary",
    "balance_target_share_women",
    "balance_base_rate",
    "default_language",
    "translations",
    "registration_opens",
    "registration_closes",
)


def valid_timezone(name: str) -> bool:
    if not name or name not in available_timezones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _normalised(fields: dict[str, Any]) -> dict[str, Any]:
    """Stripped text, LF line ends, and None for empty optional fields."""
    out = {}
    for key, value in fields.items():
        out[key] = value.strip() if isinstance(value, str) else value
    for text in ("description", "travel_info", "online_info"):
        if text in out:
            # Browsers submit textareas with CRLF line ends; store LF.
            out[text] = (out[text] or "").replace("\r\n", "\n")
    for optional in ("venue_name", "venue_address", "livestream_url"):
        if optional in out:
            out[optional] = out[optional] or None
    return out


def _clean_slug(value: str | None, event: Event | None) -> str:
    slug = (value or "").lower()
    if not SLUG_RE.match(slug) or len(slug) > 100 or slug in RESERVED_SLUGS:
        raise DomainError(
            _("Use lower-case letters, digits and single hyphens, e.g. dt4e-2026."), field="slug"
        )
    clash = db.session.scalar(sa.select(Event.id).where(Event.slug == slug))
    if clash is not None and (event is None or clash != event.id):
        raise DomainError(
            _(
                "Another event already uses the address “%(slug)s”. Choose another one, e.g. “%(free)s”.",
                slug=slug,
                free=free_slug(slug),
            ),
            field="slug",
        )
    return slug


def _check_dates(out: dict[str, Any], event: Event | None) -> None:
    start = out.get("start_date", event.start_date if event else None)
    end = out.get("end_date", event.end_date if event else None)
    if start is None:
        raise DomainError(_("This field is required."), field="start_date")
    if end is None:
        raise DomainError(_("This field is required."), field="end_date")
    if end < start:
        raise DomainError(_("The event cannot end before it starts."), field="end_date")


def _check_numbers(out: dict[str, Any]) -> None:
    for cap in ("capacity_in_person", "capacity_online", "edition"):
        if out.get(cap) is not None and int(out[cap]) < 0:
            raise DomainError(_("This cannot be negative."), field=cap)
    if out.get("balance_min_women_per_panel") is not None and out["balance_min_women_per_panel"] < 0:
        raise DomainError(_("This cannot be negative."), field="balance_min_women_per_panel")
    for share in ("balance_target_share_women", "balance_base_rate"):
        if out.get(share) is not None and not 0 <= float(out[share]) <= 1:
            raise DomainError(_("Enter a share between 0 and 1 (e.g. 0.4 for 40%)."), field=share)


def _check_content(out: dict[str, Any], event: Event | None) -> None:
    """Default language, translations (known languages only) and the registration window."""
    if "default_language" in out and out["default_language"] not in CONTENT_LANGUAGES:
        raise DomainError(_("Choose English, French, Dutch or German."), field="default_language")
    if "translations" in out:
        raw = out["translations"] or {}
        unknown = sorted(set(raw) - set(CONTENT_LANGUAGES))
        if unknown:
            raise DomainError(
                _(
                    "There is no content language “%(lang)s”; use en, fr, nl or de.",
                    lang=", ".join(map(str, unknown)),
                )
            )
        out["translations"] = clean_translations(raw, EVENT_TEXTS)
    opens = out.get("registration_opens", event.registration_opens if event else None)
    closes = out.get("registration_closes", event.registration_closes if event else None)
    if opens is not None and closes is not None and closes <= opens:
        raise DomainError(
            _("Registration must close after it opens."),
            field="registration_closes",
            code="window_order",
        )


def _clean_event(fields: dict[str, Any], event: Event | None) -> dict[str, Any]:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise DomainError(f"Unknown event fields: {', '.join(sorted(unknown))}")
    out = _normalised(fields)
    if "title" in out and not out["title"]:
        raise DomainError(_("An event needs a title."), field="title")
    if "slug" in out:
        out["slug"] = _clean_slug(out["slug"], event)
    if "timezone" in out and not valid_timezone(out["timezone"]):
        raise DomainError(_("Choose a valid time zone, e.g. Europe/Brussels."), field="timezone")
    if "mode" in out:
        try:
            out["mode"] = EventMode(out["mode"])
        except ValueError:
            raise DomainError(_("Choose in person, online or hybrid."), field="mode") from None
    _check_dates(out, event)
    if out.get("livestream_url"):
        url = out["livestream_url"]
        if not is_http_url(url):
            raise DomainError(
                _("Enter a web address starting with http:// or https://."), field="livestream_url"
            )
    _check_numbers(out)
    _check_content(out, event)
    if out.get("series_id") is not None and db.session.get(Series, out["series_id"]) is None:
        raise DomainError(_("Choose an existing series."), field="series_id")
    return out


def create_series(title: str, description: str = "", *, actor: User | str | None) -> Series:
    title = (title or "").strip()
    if not title:
        raise DomainError(_("A series needs a title."), field="new_series")
    existing = db.session.scalar(sa.select(Series).where(sa.func.lower(Series.title) == title.lower()))
    if existing is not None:
        return existing
    series = Series(title=title, description=description or "")
    db.session.add(series)
    db.session.flush()
    audit.record("series.create", actor=actor, obj=series)
    return series


def all_series() -> list[Series]:
    return list(db.session.scalars(sa.select(Series).order_by(Series.title)))


def create_event(*, actor: User | str | None, **fields: Any) -> Event:
    """Site admins (or the CLI) create events. The creating admin becomes an organiser."""
    if isinstance(actor, User):
        require_admin(actor)
    if not (fields.get("slug") or "").strip() and (fields.get("title") or "").strip():
        fields = fields | {"slug": free_slug(slugify(fields["title"]))}
    values = _clean_event(fields, None)
    for required in ("slug", "title"):
        if not values.get(required):
            raise DomainError(_("This field is required."), field=required)
    event = Event(**values)
    db.session.add(event)
    db.session.flush()
    if isinstance(actor, User):
        db.session.add(EventOrganiser(user_id=actor.id, event_id=event.id, granted_by_id=actor.id))
    audit.record(
        "event.create",
        actor=actor,
        event_id=event.id,
        obj=event,
        changes={k: [None, v] for k, v in values.items() if v not in (None, "")},
    )
    return event


def update_event(event: Event, *, actor: User | str | None, **fields: Any) -> dict:
    values = _clean_event(fields, event)
    changes = audit.diff(event, values)
    if event.published and ("start_date" in changes or "end_date" in changes or "timezone" in changes):
        pass  # allowed; conflicts ("outside dates") show up in the editor
    for key, (_old, new) in changes.items():
        setattr(event, key, new)
    if changes:
        audit.record("event.update", actor=actor, event_id=event.id, obj=event, changes=changes)
    return changes


def _unique_key(model, event: Event, name: str) -> str:
    base = slugify(name)[:40] or "item"
    existing = set(db.session.scalars(sa.select(model.key).where(model.event_id == event.id)))
    key, n = base, 2
    while key in existing:
        key, n = f"{base}-{n}", n + 1
    return key


# --- rooms ----------------------------------------------------------------------------


def _clean_room(name: str, capacity: int | None) -> tuple[str, int | None]:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("A room needs a name."), field="name")
    if capacity is not None and capacity < 0:
        raise DomainError(_("Capacity cannot be negative."), field="capacity")
    return name, capacity


def create_room(
    event: Event,
    name: str,
    capacity: int | None = None,
    *,
    actor: User | str | None,
    position: int | None = None,
) -> Room:
    name, capacity = _clean_room(name, capacity)
    if position is None:
        position = max((r.position for r in event.rooms), default=-1) + 1
    room = Room(
        event=event, key=_unique_key(Room, event, name), name=name, capacity=capacity, position=position
    )
    db.session.add(room)
    db.session.flush()
    audit.record(
        "room.create",
        actor=actor,
        event_id=event.id,
        obj=room,
        changes={"name": [None, name], "capacity": [None, capacity]},
    )
    return room


def update_room(
    room: Room,
    *,
    actor: User | str | None,
    name: str,
    capacity: int | None,
    position: int | None = None,
    translations: dict | None = None,
) -> dict:
    name, capacity = _clean_room(name, capacity)
    values: dict[str, Any] = {"name": name, "capacity": capacity}
    if translations is not None:
        values["translations"] = _clean_name_translations(translations)
    if position is not None:
        values["position"] = position
    changes = audit.diff(room, values)
    for key, (_old, new) in changes.items():
        setattr(room, key, new)
    if changes:
        audit.record("room.update", actor=actor, event_id=room.event_id, obj=room, changes=changes)
    return changes


def delete_room(room: Room, *, actor: User | str | None) -> None:
    used = [s for s in room.event.sessions if s.room_id == room.id]  # ordered by start
    if used:
        raise Conflict(
            ngettext(
                "Room “%(room)s” cannot be deleted: %(num)d session uses it (%(titles)s). Move it to "
                "another room first.",
                "Room “%(room)s” cannot be deleted: %(num)d sessions use it (%(titles)s). Move them to "
                "another room first.",
                len(used),
                room=room.name,
                titles=_titles(used),
            )
        )
    _delete_named(room, "room.delete", actor)


def _titles(sessions) -> str:
    return ", ".join(f"“{s.title}”" for s in sessions)


def _delete_named(obj: Room | Track, action: str, actor: User | str | None) -> None:
    audit.record(action, actor=actor, event_id=obj.event_id, obj=obj, changes={"name": [obj.name, None]})
    db.session.delete(obj)


# --- tracks ---------------------------------------------------------------------------


def create_track(event: Event, name: str, *, actor: User | str | None) -> Track:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("A track needs a name."), field="name")
    track = Track(event=event, key=_unique_key(Track, event, name), name=name)
    db.session.add(track)
    db.session.flush()
    audit.record("track.create", actor=actor, event_id=event.id, obj=track, changes={"name": [None, name]})
    return track


def _clean_name_translations(raw: dict) -> dict:
    unknown = sorted(set(raw) - set(CONTENT_LANGUAGES))
    if unknown:
        raise DomainError(
            _("There is no content language “%(lang)s”; use en, fr, nl or de.", lang=", ".join(unknown))
        )
    return clean_translations(raw, ("name",))


def update_track(
    track: Track, *, actor: User | str | None, name: str, translations: dict | None = None
) -> dict:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("A track needs a name."), field="name")
    values: dict[str, Any] = {"name": name}
    if translations is not None:
        values["translations"] = _clean_name_translations(translations)
    changes = audit.diff(track, values)
    if changes:
        for key, (_old, new) in changes.items():
            setattr(track, key, new)
        audit.record("track.update", actor=actor, event_id=track.event_id, obj=track, changes=changes)
    return changes


def delete_track(track: Track, *, actor: User | str | None) -> None:
    used = [s for s in track.event.sessions if s.track_id == track.id]  # ordered by start
    if used:
        raise Conflict(
            ngettext(
                "Track “%(track)s” cannot be deleted: %(num)d session is in it (%(titles)s). Change "
                "its track first.",
                "Track “%(track)s” cannot be deleted: %(num)d sessions are in it (%(titles)s). Change "
                "their track first.",
                len(used),
                track=track.name,
                titles=_titles(used),
            )
        )
    _delete_named(track, "track.delete", actor)


# --- duplicating ----------------------------------------------------------------------


def duplicate_event(
    event: Event,
    *,
    actor: User | str | None,
    slug: str,
    title: str,
    start_date: dt.date,
    edition: int | None = None,
) -> Event:
    """A new DRAFT event with the same settings, rooms, tracks, people and sessions with their
    speakers and roles, shifted to start on ``start_date``. The stream link is cleared and
    registrations are not copied (nor registration opened): the organiser reviews the
    dates and the description first.
    """
    shift = start_date - event.start_date
    copied = {
        f: getattr(event, f) for f in EVENT_FIELDS if f not in ("slug", "title", "start_date", "end_date")
    }
    copied.update(slug=slug, title=title, start_date=start_date, end_date=event.end_date + shift)
    if edition is not None:
        copied["edition"] = edition
    elif event.edition is not None:
        copied["edition"] = event.edition + 1
    copied["registration_open"] = False
    for window_end in ("registration_opens", "registration_closes"):
        if copied.get(window_end) is not None:
            copied[window_end] += shift  # the window keeps its place relative to the event
    copied["livestream_url"] = None  # each edition has its own stream
    values = _clean_event(copied, None)
    new = Event(**values, published=False)
    db.session.add(new)
    db.session.flush()
    rooms = {}
    for room in event.rooms:
        rooms[room.id] = new_room = Room(
            event=new, key=room.key, name=room.name, capacity=room.capacity, position=room.position
        )
        db.session.add(new_room)
    tracks = {}
    for track in event.tracks:
        tracks[track.id] = new_track = Track(event=new, key=track.key, name=track.name)
        db.session.add(new_track)
    db.session.flush()
    # The people, and the sessions with their speakers, are copied by the agenda (signal
    # ``event_duplicated``).
    signals.event_duplicated.send(new, original=event, shift=shift, rooms=rooms, tracks=tracks)
    for role in event.organisers:
        db.session.add(
            EventOrganiser(
                user_id=role.user_id,
                event_id=new.id,
                granted_by_id=actor.id if isinstance(actor, User) else None,
            )
        )
    if isinstance(actor, User) and not any(r.user_id == actor.id for r in event.organisers):
        db.session.add(EventOrganiser(user_id=actor.id, event_id=new.id, granted_by_id=actor.id))
    db.session.flush()
    audit.record(
        "event.duplicate",
        actor=actor,
        event_id=new.id,
        obj=new,
        changes={
            "copied_from": [None, event.slug],
            "sessions": [None, len(event.sessions)],
            "people": [None, len(event.people)],
        },
    )
    return new
