"""Speaker profiles: public fields and links, the photo, and periods of unavailability.

Plain functions over models with an explicit ``actor``; callers commit.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events.audit import services as audit
from wid_events.core.text import is_http_url
from wid_events.errors import DomainError, NotFound
from wid_events.extensions import db
from wid_events.people.models import Person, Unavailability
from wid_events.speakers.tokens import Actor
from wid_events.uploads import clear_image, swap_image

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PX = 800
MAX_LINKS = 5


def clean_links(links: list[dict]) -> list[dict]:
    """Keep complete rows; refuse any URL that is not http(s)."""
    out = []
    for row in links:
        label = (row.get("label") or "").strip()
        url = (row.get("url") or "").strip()
        if not label and not url:
            continue
        if not is_http_url(url, 500):
            raise DomainError(
                _("Links must start with https:// or http:// (%(url)s).", url=url[:80]), field="links"
            )
        out.append({"label": (label or url)[:100], "url": url})
    if len(out) > MAX_LINKS:
        raise DomainError(
            ngettext("At most %(num)d link.", "At most %(num)d links.", MAX_LINKS), field="links"
        )
    return out


PROFILE_FIELDS = ("name", "organisation", "job_title", "bio", "pronouns", "links")


def update_profile(person: Person, values: dict, *, actor: Actor) -> dict:
    """Update the public profile fields; returns the audit diff."""
    data = {
        "name": (values.get("name") or "").strip(),
        "organisation": (values.get("organisation") or "").strip() or None,
        "job_title": (values.get("job_title") or "").strip() or None,
        "bio": (values.get("bio") or "").strip(),
        "pronouns": (values.get("pronouns") or "").strip() or None,
        "links": clean_links(values.get("links") or []),
    }
    if not data["name"]:
        raise DomainError(_("Please enter your name."), field="name")
    if len(data["bio"]) > 5000:
        raise DomainError(_("The bio is limited to 5000 characters."), field="bio")
    changes = audit.diff(person, data)
    for key, value in data.items():
        setattr(person, key, value)
    if changes:
        audit.record(
            "person.profile",
            actor=actor,
            event_id=person.event_id,
            obj=person,
            changes={k: v for k, v in changes.items() if k != "bio"}
            | ({"bio": ["…", "…"]} if "bio" in changes else {}),
        )
    return changes


def set_photo(person: Person, file_storage, *, actor: Actor) -> str:
    """Store a new profile photo (checked by content, resized, EXIF stripped)."""
    key, had = swap_image(
        person,
        "photo_key",
        file_storage,
        prefix="photos",
        max_bytes=PHOTO_MAX_BYTES,
        max_px=PHOTO_MAX_PX,
        field="photo",
    )
    _audit_photo(person, actor, [had, True])
    return key


def remove_photo(person: Person, *, actor: Actor) -> None:
    if clear_image(person, "photo_key"):
        _audit_photo(person, actor, [True, False])


def _audit_photo(person: Person, actor: Actor, change: list[bool]) -> None:
    audit.record("person.photo", actor=actor, event_id=person.event_id, obj=person, changes={"photo": change})


def person_for_photo(key: str) -> Person | None:
    return db.session.scalar(sa.select(Person).where(Person.photo_key == key).limit(1))


# --- availability ---------------------------------------------------------------------------


def add_unavailability(
    person: Person, start: dt.datetime, end: dt.datetime, note: str = "", *, actor: Actor
) -> Unavailability:
    """A period (event-local wall-clock times) when ``person`` cannot speak."""
    event = person.event
    first = dt.datetime.combine(event.start_date, dt.time.min)
    last = dt.datetime.combine(event.end_date + dt.timedelta(days=1), dt.time.min)
    start = start.replace(tzinfo=None, second=0, microsecond=0)
    end = end.replace(tzinfo=None, second=0, microsecond=0)
    if end <= start:
        raise DomainError(_("The end must be after the start."), field="end")
    if start < first or end > last:
        raise DomainError(
            _(
                "The period must be within the event (%(first)s to %(last)s).",
                first=event.start_date.isoformat(),
                last=event.end_date.isoformat(),
            ),
            field="start",
        )
    for other in person.unavailability:
        if other.start == start and other.end == end:
            raise DomainError(_("You already entered this period."), field="start")
    item = Unavailability(person=person, start=start, end=end, note=(note or "").strip()[:300])
    db.session.add(item)
    audit.record(
        "person.unavailability",
        actor=actor,
        event_id=person.event_id,
        obj=person,
        changes={"added": [None, f"{start.isoformat()}/{end.isoformat()}"]},
    )
    return item


def remove_unavailability(person: Person, item_id: int, *, actor: Actor) -> None:
    item = db.session.get(Unavailability, item_id)
    if item is None or item.person_id != person.id:
        raise NotFound(_("No such period."))
    audit.record(
        "person.unavailability",
        actor=actor,
        event_id=person.event_id,
        obj=person,
        changes={"removed": [f"{item.start.isoformat()}/{item.end.isoformat()}", None]},
    )
    person.unavailability.remove(item)
    db.session.delete(item)
