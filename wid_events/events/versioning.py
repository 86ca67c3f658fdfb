"""The public version of an event: one integer that every publicly visible change bumps.

Public pages and exports derive their ETag and render-cache key from ``Event.version``
(see :mod:`wid_events.core.httpcache`), so a stale page can never be served: a change is a new
version, a new key, a cache miss.

No code path can forget the bump, because it happens in the ORM itself: before every flush,
:func:`_bump_changed_events` looks at the new, changed and deleted objects; each model whose
rows the public sees names the way to its event in ``__public_of__`` (attribute names tried in
order: ``event_id`` gives the id, any other name a related object that is asked in turn). The
event rows found get ``version = version + 1`` in the same flush, so in the same transaction.
Registrations are not public content: seat counts are kept out of the version (the agenda
fills them in per request, see :mod:`wid_events.agenda.views`).

Code that changes what the public sees without changing a row (a file replaced in storage)
sends :data:`wid_events.signals.agenda_changed`; its receiver bumps the version the same way.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from wid_events import signals
from wid_events.events.models import Event, Series
from wid_events.extensions import db

_MAX_DEPTH = 4


def event_id_of(obj, depth: int = 0) -> int | None:
    """The id of the event whose public content ``obj`` is part of, or None."""
    if isinstance(obj, Event):
        return obj.id
    spec = getattr(type(obj), "__public_of__", None)
    if not spec or depth > _MAX_DEPTH:
        return None
    for name in spec:
        value = getattr(obj, name, None)
        if value is None:
            continue
        if name == "event_id":
            return value
        found = event_id_of(value, depth + 1)
        if found is not None:
            return found
    return None


def _is_public(obj) -> bool:
    return isinstance(obj, Event) or getattr(type(obj), "__public_of__", None) is not None


def changed_event_ids(session) -> set[int]:
    """Events whose public content the pending flush changes."""
    ids: set[int] = set()
    with session.no_autoflush:
        for obj in list(session.new) + list(session.deleted):
            if _is_public(obj) and not isinstance(obj, Event):
                ids.add(event_id_of(obj))
        for obj in list(session.dirty):
            if isinstance(obj, Series) and session.is_modified(obj, include_collections=False):
                ids.update(e.id for e in obj.events)  # the series' title shows on its events' pages
            elif _is_public(obj) and session.is_modified(obj, include_collections=False):
                ids.add(event_id_of(obj))
    ids.discard(None)
    return ids


def bump(session, event_ids: set[int]) -> None:
    """``version = version + 1`` for these events, flushed with the rest of the change."""
    with session.no_autoflush:
        for event_id in event_ids:
            event = session.get(Event, event_id)
            if event is None or event in session.deleted:
                continue
            event.version = Event.version + 1


def _bump_changed_events(session, flush_context, instances) -> None:
    ids = changed_event_ids(session)
    if ids:
        bump(session, ids)


def _on_agenda_changed(event, **_kwargs) -> None:
    """Receiver of :data:`signals.agenda_changed`: bump now, even without a changed row."""
    if isinstance(event, Event) and event.id is not None:
        db.session.execute(sa.update(Event).where(Event.id == event.id).values(version=Event.version + 1))
        db.session.expire(event, ["version", "updated_at"])


def init_app(app: Flask) -> None:
    """Listen to every ORM flush, and to ``agenda_changed``. Idempotent (tests build many apps)."""
    if not sa.event.contains(sa.orm.Session, "before_flush", _bump_changed_events):
        sa.event.listen(sa.orm.Session, "before_flush", _bump_changed_events)
    signals.agenda_changed.connect(_on_agenda_changed, weak=False)
