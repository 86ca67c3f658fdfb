"""Public export routes: iCalendar feeds, frab schedule XML/JSON, printable agenda PDF."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort

from wid_events.agenda.models import Session
from wid_events.events.access import event_or_404
from wid_events.exports import frab, ics
from wid_events.exports.agenda_pdf import render_agenda_pdf
from wid_events.extensions import db
from wid_events.registration import services as registration_services

bp = Blueprint("exports", __name__)


def published_event_or_404(slug: str):
    event = event_or_404(slug)
    if not event.published:
        abort(404)
    return event


def calendar_response(data: bytes, filename: str) -> Response:
    """``text/calendar`` served ``inline`` with a filename.

    ``inline`` (not ``attachment``) because subscription clients (Google "From URL", Outlook
    "Subscribe from web", Apple ``webcal://``) fetch the URL directly and ignore the
    disposition, while browsers still offer the ``.ics`` file to the system calendar app.
    """
    resp = Response(data, mimetype="text/calendar")
    resp.headers["Content-Type"] = "text/calendar; charset=utf-8"
    resp.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    resp.headers["Cache-Control"] = "private, max-age=300"
    return resp


@bp.get("/events/<slug>/calendar.ics")
def event_calendar(slug: str):
    event = published_event_or_404(slug)
    return calendar_response(ics.event_calendar(event), f"{event.slug}.ics")


@bp.get("/events/<slug>/sessions/<int:session_id>.ics")
def session_calendar(slug: str, session_id: int):
    event = published_event_or_404(slug)
    session = db.session.scalar(
        sa.select(Session).where(Session.id == session_id, Session.event_id == event.id)
    )
    if session is None:
        abort(404)
    return calendar_response(ics.session_calendar(session), f"{event.slug}-{session.key}.ics")


@bp.get("/registrations/<token>/calendar.ics")
def personal_calendar(token: str):
    registration = registration_services.by_token(token)  # NotFound -> 404
    resp = calendar_response(ics.personal_calendar(registration), f"{registration.event.slug}-my-agenda.ics")
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["X-Robots-Tag"] = "noindex"
    return resp


@bp.get("/events/<slug>/schedule.xml")
def schedule_xml(slug: str):
    event = published_event_or_404(slug)
    resp = Response(frab.schedule_xml(event), mimetype="application/xml")
    resp.headers["Content-Type"] = "application/xml; charset=utf-8"
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp


@bp.get("/events/<slug>/schedule.json")
def schedule_json(slug: str):
    event = published_event_or_404(slug)
    resp = Response(frab.schedule_json(event), mimetype="application/json")
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp


@bp.get("/events/<slug>/agenda.pdf")
def agenda_pdf(slug: str):
    event = published_event_or_404(slug)
    resp = Response(render_agenda_pdf(event), mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'inline; filename="{event.slug}-agenda.pdf"'
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp
