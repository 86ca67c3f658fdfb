"""Tables of the core: the durable job queue without Redis (one row per job, run by
``flask jobs worker``) and the database-backed counters of the sensitive rate limits."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wid_events.extensions import db
from wid_events.models_base import UTCDateTime, enum_type, utcnow


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """A background job: a module-level function and plain (JSON) arguments.

    A worker claims a queued job with a conditional update (so two workers never run the same
    job), beats ``heartbeat_at`` while it runs, and records ``done`` or ``failed``. A running job
    whose heartbeat stopped (the worker was killed) is marked failed by the next worker.
    """

    __tablename__ = "jobs"
    __table_args__ = (sa.Index("ix_jobs_state_id", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``module:function`` of the job function.
    func: Mapped[str] = mapped_column(sa.String(200))
    #: ``{"args": [...], "kwargs": {...}}``; functions among them as ``{"__func__": "module:name"}``.
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: Optional de-duplication key: no second queued or running job with the same key is added.
    key: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    state: Mapped[JobState] = mapped_column(enum_type(JobState), default=JobState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    #: The worker that runs (or ran) it: ``host:pid``.
    worker: Mapped[str | None] = mapped_column(sa.String(200))
    #: Last sign of life of the worker running it.
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(sa.String(1000))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.func} {self.state}>"


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
