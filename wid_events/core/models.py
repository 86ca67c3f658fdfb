"""Tables of the core: the database-backed counters of the sensitive rate limits."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wid_events.extensions import db
from wid_events.models_base import UTCDateTime, utcnow


class RateLimitHit(db.Model):
    """One counted attempt at a sensitive action (a login, a "resend my link", a guessed
    token), so a limit holds across every worker process even without Redis. Rows older
    than the longest window are deleted as new ones come in."""

    __tablename__ = "rate_limit_hits"
    __table_args__ = (sa.Index("ix_rate_limit_hits_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What is counted and for whom, e.g. ``login:203.0.113.7`` (no personal data beyond the address).
    key: Mapped[str] = mapped_column(sa.String(200))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
