"""Background badge batches (organiser area)."""

from __future__ import annotations

import datetime as dt
import enum
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wid_events.extensions import db
from wid_events.models_base import UTCDateTime, enum_type, utcnow


class BadgeJobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def _job_token() -> str:
    return secrets.token_hex(8)


class BadgeJob(db.Model):
    """One badge PDF rendered in the background; the file lives in ``instance/badges/``."""

    __tablename__ = "badge_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: ``a6``, ``a4-4up`` or ``a4-8up``.
    layout: Mapped[str] = mapped_column(sa.String(16))
    #: Comma-separated BadgeRole values to include; empty for every role.
    roles: Mapped[str] = mapped_column(sa.String(200), default="")
    #: ``in_person`` or ``online`` to print only those registrations; empty for everyone.
    attendance: Mapped[str] = mapped_column(sa.String(16), default="")
    state: Mapped[BadgeJobState] = mapped_column(enum_type(BadgeJobState), default=BadgeJobState.QUEUED)
    #: Badges to render, and rendered so far (progress).
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    #: Random part of the file name, so files cannot be guessed from the job id.
    token: Mapped[str] = mapped_column(sa.String(32), default=_job_token)
    #: File name under ``instance/badges/`` once done.
    file_name: Mapped[str | None] = mapped_column(sa.String(200))
    #: Failure message shown to organisers.
    error: Mapped[str | None] = mapped_column(sa.String(500))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.done / self.total))
