"""The agenda editor's grid: each day's sessions placed on CSS grid rows and room columns.

Pure layout over loaded objects (no queries, no request). Rows are :data:`GRID_STEP` minutes;
row 1 and column 1 are the headers, so the first time row and the first room column are 2.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _

from wid_events.agenda.models import Session
from wid_events.enums import SessionStatus
from wid_events.events.models import Event

#: Minutes per row of the agenda editor grid.
GRID_STEP = 5
#: A session never spans more rows than a whole day has.
MAX_SPAN = 24 * 60 // GRID_STEP
#: How far overlapping sessions of one room are indented, at most.
MAX_OFFSET = 3
DAY_MINUTES = 24 * 60


def editor_grids(event: Event, conflict_ids: set[int]) -> list[dict]:
    """One grid per day of the event, plus any day that has sessions outside the event's dates."""
    by_day: dict[dt.date, list[Session]] = defaultdict(list)
    for s in event.sessions:
        by_day[s.start.date()].append(s)
    days = sorted(set(event.days) | set(by_day))
    return [grid_for_day(event, d, by_day.get(d, []), conflict_ids) for d in days]


def grid_for_day(event: Event, day: dt.date, sessions: list[Session], conflict_ids: set[int]) -> dict:
    """Place the day's sessions on a CSS grid: rows of GRID_STEP minutes, one column per room."""
    columns = _columns(event, sessions)
    col_index = {room_id: i + 2 for i, (room_id, _n, _c) in enumerate(columns)}
    window = _Window.around(day, sessions)
    placed = [
        {
            "session": s,
            "row": window.row_of(s.start),
            "span": window.span_of(s),
            "col": col_index[s.room_id],
            "conflict": s.id in conflict_ids,
            "offset": 0,
        }
        for s in sessions
    ]
    _mark_overlaps(placed)
    return {
        "day": day,
        "columns": columns,
        "rows": window.rows,
        "first_minute": window.first_minute,
        "step": GRID_STEP,
        "placed": placed,
        "hours": window.hours(),
        "gaps": _gaps(sessions),
    }


def _columns(event: Event, sessions: list[Session]) -> list[tuple[int | None, str, int | None]]:
    """``(room id, name, capacity)`` per room, plus a "no room" column when a session needs it."""
    columns: list[tuple[int | None, str, int | None]] = [(r.id, r.name, r.capacity) for r in event.rooms]
    if any(s.room_id is None for s in sessions):
        columns.append((None, _("No room / online"), None))
    return columns


@dataclass(frozen=True)
class _Window:
    """The whole hours of one day that the grid shows, in minutes since midnight."""

    day_start: dt.datetime
    first_minute: int
    last_minute: int

    @classmethod
    def around(cls, day: dt.date, sessions: list[Session]) -> _Window:
        """From the hour of the first start to the hour after the last end (9 to 17 when empty),
        clipped to the day."""
        day_start = dt.datetime.combine(day, dt.time.min)
        day_end = day_start + dt.timedelta(days=1)
        starts = [s.start for s in sessions] or [day_start + dt.timedelta(hours=9)]
        ends = [max(s.end, s.start) for s in sessions] or [day_start + dt.timedelta(hours=17)]
        first_minute = max(min(starts), day_start).hour * 60
        last = min(max(ends), day_end)
        last_minute = (last - day_start).total_seconds() // 60 if last > day_start else DAY_MINUTES
        last_minute = int(min(DAY_MINUTES, -(-last_minute // 60) * 60))
        if last_minute <= first_minute:
            last_minute = first_minute + 60
        return cls(day_start, first_minute, last_minute)

    @property
    def rows(self) -> int:
        return (self.last_minute - self.first_minute) // GRID_STEP

    def row_of(self, moment: dt.datetime) -> int:
        minutes = (moment - self.day_start).total_seconds() / 60
        minutes = min(max(minutes, self.first_minute), self.last_minute)
        return int((minutes - self.first_minute) // GRID_STEP) + 2

    def span_of(self, session: Session) -> int:
        end = min(session.end, self.day_start + dt.timedelta(days=1))
        return min(max(1, self.row_of(end) - self.row_of(session.start)), MAX_SPAN)

    def hours(self) -> list[dict]:
        """The time column: one label per hour."""
        return [
            {
                "label": f"{minute // 60:02d}:{minute % 60:02d}",
                "row": (minute - self.first_minute) // GRID_STEP + 2,
                "span": min(60, self.last_minute - minute) // GRID_STEP,
            }
            for minute in range(self.first_minute, self.last_minute, 60)
        ]


def _mark_overlaps(placed: list[dict]) -> None:
    """Indent (``offset``) and flag (``overlap``) sessions of one room that run at the same time.
    A cancelled session is never indented."""
    by_col: dict[int, list[dict]] = defaultdict(list)
    for item in placed:
        by_col[item["col"]].append(item)
    for items in by_col.values():
        items.sort(key=lambda i: (i["row"], i["session"].id))
        active: list[dict] = []
        for item in items:
            active = [a for a in active if a["row"] + a["span"] > item["row"]]
            if active and item["session"].status != SessionStatus.CANCELLED:
                item["offset"] = min(MAX_OFFSET, len(active))
                item["overlap"] = True
                for a in active:
                    a["overlap"] = True
            active.append(item)


def _gaps(sessions: list[Session]) -> list[tuple[dt.datetime, dt.datetime]]:
    """Free time between the day's (non-cancelled) sessions, as ``(from, to)``."""
    gaps = []
    reach = None
    for s in sorted((s for s in sessions if not s.is_cancelled), key=lambda s: s.start):
        if reach is not None and s.start > reach:
            gaps.append((reach, s.start))
        reach = max(reach, s.end) if reach else s.end
    return gaps
