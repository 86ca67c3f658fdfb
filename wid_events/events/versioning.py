"""The public version of an event: one integer that every publicly visible change bumps.

Public pages and exports derive their ETag and render-cache key from ``Event.version``
(see :mod:`wid_events.core.httpcache`), so a stale page can never be served: a change is a new
version, a new key, a cache miss.

No code path can forget the bump, because it happens in the ORM itself: before every flush,
:func:`_bump_changed_events` looks at the new, changed and deleted objects; each model whose
rows the public sees names the way to its event in ``__public_of__`` (attribute names tried in
order: ``event_id`` gives the id, any other name a related object that is asked in turn). The
event rows found get ``version = version + 1`` in the same flush, so in the same transaction.
Registrations are not public content: a change of a registration or a workshop choice bumps
``Event.seats_version`` instead (models naming their event in ``__seats_of__``), which only
the seat notes of the agenda and session pages depend on (:mod:`wid_events.agenda.views`).

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


def event_id_of(obj, depth: int = 0, attr: str = "__public_of__") -> int | None:
    """The id of the event whose public content (or, with ``__seats_of__``, seats) ``obj`` is part of."""
    if isinstance(obj, Event):
        return obj.id
    spec = getattr(type(obj), attr, None)
    if not spec or depth > _MAX_DEPTH:
        return None
    for name in spec:
        value = getattr(obj, name, None)
        if value is None:
            continue
        if name == "event_id":
            return value
        found = event_id_of(value, depth + 1, attr)
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


_SEATS_BUMPED = "wid_seats_bumped"


_events = Event.__table__
#: One statement locks the row, bumps the seats version and reads the public version (Core, on
#: the session's connection: a sign-up runs it under the lock, where each statement's CPU counts).
_LOCK_AND_BUMP_SEATS = (
    sa.update(_events)
    .where(_events.c.id == sa.bindparam("event_id"))
    .values(seats_version=_events.c.seats_version + 1, updated_at=_events.c.updated_at)
    .returning(_events.c.version)
)


def lock_and_bump_seats(event_id: int) -> int | None:
    """Lock the event row, bump its ``seats_version`` and return its public ``version``: one
    statement (None: no such event).

    ``UPDATE … RETURNING`` takes the same row lock as ``SELECT … FOR UPDATE`` on PostgreSQL (on
    SQLite, :func:`wid_events.core.database.write_transaction` holds the database's write lock
    already). The version tells the caller whether what it checked before taking the lock is
    still current. The seat changes this transaction then flushes do not bump the seats again.
    """
    session = db.session()
    version = session.connection().execute(_LOCK_AND_BUMP_SEATS, {"event_id": event_id}).scalar_one_or_none()
    session.info.setdefault(_SEATS_BUMPED, set()).add(event_id)
    return version


def _transaction_ended(session) -> None:
    session.info.pop(_SEATS_BUMPED, None)


def changed_seat_event_ids(session) -> set[int]:
    """Events whose registrations or workshop choices the pending flush changes (and whose seats
    version this transaction has not bumped yet)."""
    ids: set[int] = set()
    with session.no_autoflush:
        for obj in list(session.new) + list(session.deleted) + list(session.dirty):
            if getattr(type(obj), "__seats_of__", None) is None:
                continue
            if obj in session.dirty and not session.is_modified(obj, include_collections=False):
                continue
            ids.add(event_id_of(obj, attr="__seats_of__"))
    ids.discard(None)
    return ids - session.info.get(_SEATS_BUMPED, set())


def bump(session, event_ids: set[int], column: str = "version", *, keep_updated_at: bool = False) -> None:
    """``version = version + 1`` (or ``seats_version``) for these events, in the same flush.

    ``keep_updated_at``: the row's ``updated_at`` (the time of the last *public* change, sent as
    ``Last-Modified``) stays as it is; a registration is not a change of the event.
    """
    with session.no_autoflush:
        for event_id in event_ids:
            event = session.get(Event, event_id)
            if event is None or event in session.deleted:
                continue
            setattr(event, column, getattr(Event, column) + 1)
            if keep_updated_at:
                event.updated_at = Event.updated_at  # SET updated_at = updated_at: no onupdate


def _bump_changed_events(session, flush_context, instances) -> None:
    ids = changed_event_ids(session)
    if ids:
        bump(session, ids)
    seat_ids = changed_seat_event_ids(session)
    if seat_ids:
        bump(session, seat_ids, "seats_version", keep_updated_at=not (seat_ids & ids))


def _on_agenda_changed(event, **_kwargs) -> None:
    """Receiver of :data:`signals.agenda_changed`: bump now, even without a changed row."""
    if isinstance(event, Event) and event.id is not None:
        db.session.execute(sa.update(Event).where(Event.id == event.id).values(version=Event.version + 1))
        db.session.expire(event, ["version", "updated_at"])


def init_app(app: Flask) -> None:
    """Listen to every ORM flush and transaction end, and to ``agenda_changed``. Idempotent
    (tests build many apps)."""
    for name, listener in (
        ("before_flush", _bump_changed_events),
        ("after_commit", _transaction_ended),
        ("after_rollback", _transaction_ended),
    ):
        if not sa.event.contains(sa.orm.Session, name, listener):
            sa.event.listen(sa.orm.Session, name, listener)
    signals.agenda_changed.connect(_on_agenda_changed, weak=False)
