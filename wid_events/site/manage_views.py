"""The organisers' dashboard and each event's home page: routes of the ``manage`` blueprint
(:mod:`wid_events.events.manage_views`) that show the other areas' data (sessions, people,
registrations, agenda conflicts)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from wid_events.agenda.conflicts import find_conflicts
from wid_events.agenda.models import Session
from wid_events.events import organisers as organiser_services
from wid_events.events.access import organiser_required
from wid_events.events.manage_views import bp
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.people.models import Person
from wid_events.registration.models import Registration
from wid_events.registration.overview import overview_box


def _count_by(column, *where) -> dict:
    """``{value of column: number of rows}`` for the rows matching ``where``."""
    return dict(db.session.execute(sa.select(column, sa.func.count()).where(*where).group_by(column)).all())


@bp.get("/")
@login_required
def dashboard():
    events = organiser_services.organised_events(current_user)
    ids = [e.id for e in events]
    counts: dict[int, dict[str, int]] = {i: {"sessions": 0, "people": 0, "registrations": 0} for i in ids}
    if ids:
        for name, model in (("sessions", Session), ("people", Person), ("registrations", Registration)):
            for eid, n in _count_by(model.event_id, model.event_id.in_(ids)).items():
                counts[eid][name] = n
    return render_template("manage/dashboard.html", events=events, counts=counts, title=_("Your events"))


@bp.get("/events/<slug>/")
@organiser_required
def event_home(event: Event):
    conflicts = find_conflicts(event)
    return render_template(
        "manage/event_home.html",
        event=event,
        conflicts=conflicts,
        boxes=overview_box(event),
        title=event.title,
    )
