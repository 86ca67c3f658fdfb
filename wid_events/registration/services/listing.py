"""The organisers' registrations list at the scale of a real conference: filters, a search
that ignores case and accents (``core.search``), sorting and pages of 50."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from wid_events.core.search import like_pattern
from wid_events.enums import Attendance, RegistrationStatus
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.registration.models import Registration, RegistrationSession
from wid_events.registration.services.capacity import CONFIRMED, PENDING, WAITLISTED

PER_PAGE = 50

#: ``?sort=`` values and their SQL order (the id breaks ties, so pages never overlap).
SORTS = {
    "name": (Registration.name_key, Registration.id),
    "-name": (Registration.name_key.desc(), Registration.id.desc()),
    "registered": (Registration.created_at, Registration.id),
    "-registered": (Registration.created_at.desc(), Registration.id.desc()),
    "status": (Registration.status, Registration.name_key, Registration.id),
    "attendance": (Registration.attendance, Registration.name_key, Registration.id),
}
DEFAULT_SORT = "registered"


@dataclass
class Filters:
    """What the organiser asked for (``?q=&status=&attendance=&session=&sort=&page=``)."""

    q: str = ""
    status: str | None = None
    attendance: str | None = None
    session_id: int | None = None
    sort: str = DEFAULT_SORT
    page: int = 1
    #: The query has nothing to search for (only spaces or symbols).
    unsearchable: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.q = (self.q or "").strip()[:200]
        if self.status not in {s.value for s in RegistrationStatus}:
            self.status = None
        if self.attendance not in {a.value for a in Attendance}:
            self.attendance = None
        if self.sort not in SORTS:
            self.sort = DEFAULT_SORT
        self.page = max(1, self.page or 1)
        self.unsearchable = bool(self.q) and like_pattern(self.q) is None

    def args(self, **changes) -> dict:
        """The query-string arguments of these filters (empty ones left out), with ``changes``."""
        values = {
            "q": self.q,
            "status": self.status,
            "attendance": self.attendance,
            "session": self.session_id,
            "sort": None if self.sort == DEFAULT_SORT else self.sort,
            "page": None if self.page == 1 else self.page,
        } | changes
        return {k: v for k, v in values.items() if v not in (None, "")}


def filtered(event: Event, filters: Filters) -> sa.Select:
    """The registrations of ``event`` that match ``filters`` (unordered)."""
    stmt = sa.select(Registration).where(Registration.event_id == event.id)
    if filters.q:
        pattern = like_pattern(filters.q)
        if pattern is None:
            return stmt.where(sa.false())
        stmt = stmt.where(Registration.search_key.like(pattern, escape="\\"))
    if filters.status:
        stmt = stmt.where(Registration.status == RegistrationStatus(filters.status))
    if filters.attendance:
        stmt = stmt.where(Registration.attendance == Attendance(filters.attendance))
    if filters.session_id:
        stmt = stmt.where(
            Registration.id.in_(
                sa.select(RegistrationSession.registration_id).where(
                    RegistrationSession.session_id == filters.session_id,
                    RegistrationSession.status.in_([CONFIRMED, WAITLISTED, PENDING]),
                )
            )
        )
    return stmt


@dataclass
class Page:
    items: list[Registration]
    total: int
    number: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first(self) -> int:
        """1-based position of the first row shown (0 when empty)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0


def registration_page(event: Event, filters: Filters, per_page: int = PER_PAGE) -> Page:
    """One page of the matching registrations, in the asked order (a page past the end shows
    the last one)."""
    stmt = filtered(event, filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    number = min(filters.page, pages)
    items = db.session.scalars(
        stmt.options(selectinload(Registration.choices).selectinload(RegistrationSession.session))
        .order_by(*SORTS[filters.sort])
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    return Page(items=list(items), total=total, number=number, per_page=per_page)


def registrations_by_ids(event: Event, ids: list[int]) -> list[Registration]:
    """The event's registrations among ``ids`` (others' ids are ignored), by name."""
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.id.in_(ids[: PER_PAGE * 4]))
            .order_by(Registration.name_key, Registration.id)
        )
    )
