"""Exemptions from the No Women No Panel publishing gate."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wid_events.extensions import db
from wid_events.models_base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from wid_events.accounts.models import User
    from wid_events.agenda.models import Session


class BalanceExemption(db.Model):
    """An organiser's written decision that one panel may be published although it fails.

    An exemption is for the panel, not for one line-up: it stays in force until revoked,
    even when the line-up changes, so that swapping a speaker at the last minute cannot
    unpublish an agenda. The report shows exempted panels distinctly and warns when the
    line-up differs from the one that was exempted (:attr:`lineup`). Recording and revoking
    are audited (``balance.exemption`` / ``balance.exemption_revoked``). Revoked exemptions
    are kept as history; at most one is active per panel.
    """

    __tablename__ = "balance_exemptions"

    #: How a change here reaches the public version of its event (see events.versioning).

    __public_of__ = ("event_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    #: Why this panel may go ahead without meeting the minimum (required, written by a person).
    reason: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: Who recorded it, kept if the user is deleted (email, or "cli").
    created_by_label: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Counted line-up when exempted: sorted ``"person_id:role"`` strings (no gender stored here).
    lineup: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Set when revoked; a revoked exemption no longer lets the panel through the gate.
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    revoked_by_label: Mapped[str | None] = mapped_column(sa.String(300))

    session: Mapped[Session] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def active(self) -> bool:
        return self.revoked_at is None
