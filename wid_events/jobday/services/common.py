"""Helpers shared by the Job Day services: the actor type, tags, URLs, search folding, settings."""

from __future__ import annotations

import datetime as dt
import unicodedata

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events.accounts.models import User
from wid_events.core.text import is_http_url
from wid_events.errors import DomainError
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.jobday.models import Exhibitor, JobDaySettings
from wid_events.models_base import utcnow

Actor = User | str | None

DEFAULT_MAX_BOOKINGS = 5
MAX_TAGS = 15


def exhibitor_actor(exhibitor: Exhibitor) -> str:
    return f"exhibitor:{exhibitor.id}"


def parse_tags(value: str | list | None, field: str | None = None) -> list[str]:
    """``"Python, SQL ,python"`` → ``["Python", "SQL"]`` (trimmed, case-insensitively unique).

    Too many tags are refused; the error names ``field`` (the form field) when given."""
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).replace(";", ",").split(",")
    seen: set[str] = set()
    tags: list[str] = []
    for item in items:
        tag = " ".join(str(item).split())[:60]
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise DomainError(
            ngettext("Please give at most %(num)d tag.", "Please give at most %(num)d tags.", MAX_TAGS),
            code="too_many_tags",
            field=field,
        )
    return tags


def clean_url(url: str | None, field_name: str) -> str | None:
    url = (url or "").strip()
    if not url:
        return None
    if not is_http_url(url, 1000):
        raise DomainError(_("Please give a full web address starting with https://."), field=field_name)
    return url


def fold(text: str | None) -> str:
    """Case- and accent-insensitive form of ``text`` for search."""
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def settings_for(event: Event, *, create: bool = False) -> JobDaySettings | None:
    settings = db.session.get(JobDaySettings, event.id)
    if settings is None and create:
        settings = JobDaySettings(event_id=event.id)
        db.session.add(settings)
    return settings


def max_bookings(event: Event) -> int:
    settings = settings_for(event)
    if settings is not None and settings.max_bookings is not None:
        return settings.max_bookings
    return int(current_app.config.get("JOBDAY_MAX_BOOKINGS", DEFAULT_MAX_BOOKINGS))


def now_local(event: Event) -> dt.datetime:
    """The current wall-clock time at the event (naive, like slot times)."""
    return utcnow().astimezone(event.tz).replace(tzinfo=None)
