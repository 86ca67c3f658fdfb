"""Loading the demo events (``flask demo load``). Idempotent: an existing slug is left alone."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from wid_events.demo import data
from wid_events.events.models import Event, Series
from wid_events.extensions import db
from wid_events.jobday.services import load_demo_exhibitors
from wid_events.packages.package import event_by_slug, import_package


def _series(title: str, description: str) -> Series:
    series = db.session.scalar(sa.select(Series).where(Series.title == title).limit(1))
    if series is None:
        series = Series(title=title, description=description)
        db.session.add(series)
    return series


def load_demo(*, actor: object = "demo", today: dt.date | None = None) -> list[Event]:
    """Import every demo event whose slug does not exist yet; returns the events created.

    Existing events, even edited ones, are never touched, so running it again changes nothing
    (the events dated relative to the load day keep the dates of their first load).
    The caller commits.
    """
    created = []
    for package in data.packages(today):
        if event_by_slug(package["event"]["slug"]) is not None:
            continue
        event = import_package(package, actor=actor)
        if event.slug == data.NEWCOMERS_SLUG:
            event.series = _series(**data.NEWCOMERS_SERIES)
            event.edition = data.NEWCOMERS_EDITION
        if event.slug in {"dt4e-2024", data.DT4E_NEXT_SLUG}:
            event.series = _series(**data.DT4E_SERIES)
        if event.slug == data.JOBDAY_SLUG:
            _load_jobday(event, actor=actor)
        created.append(event)
    db.session.flush()
    return created


def _load_jobday(event: Event, *, actor: object) -> None:
    """The Job Day step: fictional exhibitors, their offers and interview slots."""
    db.session.flush()
    load_demo_exhibitors(event, data.JOBDAY_EXHIBITORS, actor=actor)
