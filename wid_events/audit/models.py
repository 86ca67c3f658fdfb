"""The audit trail: who changed what, when, from what to what."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wid_events.accounts.models import User
from wid_events.extensions import db
from wid_events.models_base import UTCDateTime, utcnow


class AuditLogEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The event concerned; None for site-wide actions.
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: The acting user; None for the CLI, a speaker link or the system.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: Human label of the actor, kept if the user is deleted ("cli", "speaker:Name", email).
    actor_label: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Dotted verb, e.g. ``session.update``, ``event.publish``, ``balance.exemption``.
    action: Mapped[str] = mapped_column(sa.String(100))
    #: Kind and id of the changed object, e.g. ``session`` / ``12``.
    object_type: Mapped[str] = mapped_column(sa.String(50), default="")
    object_id: Mapped[str] = mapped_column(sa.String(50), default="")
    #: Short human description of the object at the time ("Panel 1: …").
    object_label: Mapped[str] = mapped_column(sa.String(300), default="")
    #: ``{field: [from, to]}`` for updates, or free details.
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()
