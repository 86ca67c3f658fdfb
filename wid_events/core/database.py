"""Engine settings per database, and the write transaction used for capacity guarantees."""

from __future__ import annotations

import collections
import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import sqlalchemy as sa

from wid_events.extensions import db

T = TypeVar("T")


def configure_engine(engine: sa.Engine) -> None:
    """SQLite: WAL, a busy timeout, foreign keys, and ``BEGIN IMMEDIATE`` on request.

    pysqlite's own transaction handling is switched off so that we emit BEGIN ourselves:
    a plain ``BEGIN`` (deferred) by default, or ``BEGIN IMMEDIATE`` inside
    :func:`write_transaction`, which takes SQLite's single write lock up front so that two
    workers can never both read "one seat left" and both take it.
    """
    if engine.dialect.name != "sqlite":
        _note_writes(engine)
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


_WROTE = "wid_wrote"


def _note_writes(engine: sa.Engine) -> None:
    """Remember on each connection whether its transaction sent anything but a ``SELECT`` (what
    :func:`write_transaction` asks, to keep a transaction that only read)."""

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.info.pop(_WROTE, None)

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _on_execute(conn, _cursor, statement, _parameters, _context, _executemany):
        if statement.lstrip()[:6].upper() != "SELECT":
            conn.info[_WROTE] = True


def _only_read(session: sa.orm.Session) -> bool:
    """Whether the session's open transaction has only read so far (PostgreSQL)."""
    if _has_unflushed_changes(session):
        return False
    return not session.connection().info.get(_WROTE)


@contextlib.contextmanager
def write_transaction() -> Iterator[None]:
    """Run the block in a transaction that serialises writers to capacity-limited rows.

    SQLite: any open transaction is committed, then a new one starts with
    ``BEGIN IMMEDIATE``, which takes SQLite's single write lock before anything is read,
    so two workers can never both read "one seat left". PostgreSQL: callers lock the
    rows they count with ``SELECT … FOR UPDATE`` (see :func:`lock_for_update`); an open
    transaction that wrote is committed first, one that only read goes on with everything it
    loaded expired, as a commit would leave it (READ COMMITTED: every later statement sees
    what others committed). That saves a commit, a connection checkout and its ping per sign-up.
    The caller commits (or an exception rolls back).

    Usage, for any "count, then insert if there is room" rule (event seats, workshop seats,
    interview slots)::

        with write_transaction():
            db.session.execute(lock_for_update(sa.select(Event.id).where(Event.id == event_id)))
            taken = db.session.scalar(sa.select(sa.func.count(...)).where(...))
            if taken < capacity:
                db.session.add(...)
        db.session.commit()

    Lock one parent row (e.g. the event) for everything it contains rather than several child
    rows, so two transactions can never lock the same rows in opposite orders (deadlock).
    Keep slow work (rendering PDFs, calendars, sending mail) outside the block: every other
    writer waits while it runs.
    """
    session = db.session()
    sqlite = db.engine.dialect.name == "sqlite"
    if session.in_transaction():
        if sqlite or not _only_read(session):
            session.commit()
        else:
            forget_reads()  # what the commit would expire: nothing read before the lock is trusted
    if sqlite:
        session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})
    try:
        yield
    except BaseException:
        session.rollback()
        raise


def lock_key(key: str) -> None:
    """Serialise the transactions that use ``key`` until this one ends (commit or rollback).

    PostgreSQL: a transaction-level advisory lock on the key's hash, so a count made after it
    sees every earlier holder's committed rows (in READ COMMITTED, rows a concurrent transaction
    has not committed yet are invisible, so "insert, then count" alone lets racers through).
    SQLite: nothing to do, its single write lock already serialises writers.
    """
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(key))))


def lock_for_update(stmt: sa.Select) -> sa.Select:
    """``FOR UPDATE`` where the database supports it (PostgreSQL); SQLite locks the whole DB."""
    if db.engine.dialect.name == "postgresql":
        return stmt.with_for_update()
    return stmt


# --------------------------------------------------------------------------- per-transaction memo

_MEMO = "wid_read_memo"


def memoized(key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, reused for the same ``key`` until the session next writes.

    For read-only lists that one request asks for several times (an event's questions, its
    sign-up sessions: the form's view and the service both need them). The memo lives in the
    database session's ``info`` and is dropped on every flush, commit and rollback, and
    whenever the session holds unflushed changes, so it never hides a write.
    """
    session = db.session()
    if _has_unflushed_changes(session):
        session.info.pop(_MEMO, None)
        return compute()
    memo = session.info.setdefault(_MEMO, {})
    if key not in memo or _expired(memo[key]):
        memo[key] = compute()
    return memo[key]


def forget_reads() -> None:
    """Drop what this transaction read (the memo and every loaded object's state), so the next
    reads see what others committed since (READ COMMITTED)."""
    session = db.session()
    session.info.pop(_MEMO, None)
    session.expire_all()


def _has_unflushed_changes(session: sa.orm.Session) -> bool:
    return bool(session.new or session.dirty or session.deleted)


def _expired(value: Any) -> bool:
    """Whether a memoized list holds objects that were expired since (``expire_all()``): then
    reading them would reload each one by one, so the memo is read again in one query."""
    if not isinstance(value, list):
        return False
    return any(getattr(sa.inspect(item, raiseerr=False), "expired", False) for item in value)


@sa.event.listens_for(sa.orm.Session, "after_flush")
@sa.event.listens_for(sa.orm.Session, "after_transaction_end")  # every commit and rollback
def _drop_memo(session, *_args) -> None:
    session.info.pop(_MEMO, None)


# --------------------------------------------------------------------------- kept per version

#: ``key → (version, value)``, this process, bounded (least recently stored first out).
_BY_VERSION: collections.OrderedDict[tuple, tuple[Any, Any]] = collections.OrderedDict()
_BY_VERSION_MAX = 4096
_BY_VERSION_LOCK = threading.Lock()


def _kept(key: tuple, version: Any) -> tuple[bool, Any]:
    """Whether a value is kept under ``key`` for ``version``, and that value."""
    found = _BY_VERSION.get(key)
    if found is not None and found[0] == version:
        return True, found[1]
    return False, None


def _keep(key: tuple, version: Any, value: Any) -> None:
    with _BY_VERSION_LOCK:
        _BY_VERSION[key] = (version, value)
        _BY_VERSION.move_to_end(key)
        while len(_BY_VERSION) > _BY_VERSION_MAX:
            _BY_VERSION.popitem(last=False)


def known_empty(kind: str, owner_id: int, version: Any) -> bool:
    """Whether ``kind`` of ``owner_id`` was found empty at ``version`` (this process, bounded).

    For lists that every change bumps a version for (an event's registration questions bump
    ``Event.version``): at the same version the list is still empty, so the query can be
    skipped. Never trusted while the session holds unflushed changes (the version bump of a
    new row happens at the flush).
    """
    if _has_unflushed_changes(db.session()):
        return False
    return _kept(("empty", kind, owner_id), version)[0]


def version_memo(kind: str, owner_id: int, version: Any, compute: Callable[[], T]) -> T:
    """``compute()``, kept in this process (bounded) while ``owner_id``'s ``version`` stays the same.

    For plain data (never ORM objects, which belong to one session) derived from rows that every
    change bumps the version for, such as an event's sign-up sessions (public: any edit bumps
    ``Event.version``). Computed afresh while the session holds unflushed changes.
    """
    if _has_unflushed_changes(db.session()):
        return compute()
    key = (kind, owner_id)
    found, value = _kept(key, version)
    if not found:
        value = compute()
        _keep(key, version, value)
    return value


def remember_empty(kind: str, owner_id: int, version: Any, empty: bool) -> None:
    key = ("empty", kind, owner_id)
    if empty:
        _keep(key, version, True)
    else:
        with _BY_VERSION_LOCK:
            _BY_VERSION.pop(key, None)
