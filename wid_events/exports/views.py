"""Public export routes: iCalendar feeds, frab schedule XML/JSON, printable agenda PDF."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _

from wid_events import jobs
from wid_events.agenda.models import Session
from wid_events.core import httpcache
from wid_events.events.access import event_or_404
from wid_events.exports import agenda_pdf as agenda_pdf_store
from wid_events.exports import frab, ics
from wid_events.extensions import db
from wid_events.registration import services as registration_services

bp = Blueprint("exports", __name__)

#: Seconds after which a browser (or the person) may ask again for a PDF being prepared.
PDF_RETRY_AFTER = 10


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

    def render():
        return public_calendar(ics.event_calendar(event), f"{event.slug}.ics")

    return httpcache.serve(httpcache.event_parts(event, "ics"), render, last_modified=event.updated_at)


@bp.get("/events/<slug>/sessions/<int:session_id>.ics")
def session_calendar(slug: str, session_id: int):
    event = published_event_or_404(slug)

    def render():
        session = db.session.scalar(
            sa.select(Session).where(Session.id == session_id, Session.event_id == event.id)
        )
        if session is None:
            abort(404)
        return public_calendar(ics.session_calendar(session), f"{event.slug}-{session.key}.ics")

    parts = httpcache.event_parts(event, "session.ics", session_id)
    return httpcache.serve(parts, render, last_modified=event.updated_at)


def public_calendar(data: bytes, filename: str) -> Response:
    resp = calendar_response(data, filename)
    resp.headers["Cache-Control"] = httpcache.PUBLIC_CACHE_CONTROL
    return resp


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

    def render():
        resp = Response(frab.schedule_xml(event), mimetype="application/xml")
        resp.headers["Content-Type"] = "application/xml; charset=utf-8"
        return resp

    return httpcache.serve(httpcache.event_parts(event, "xml"), render, last_modified=event.updated_at)


@bp.get("/events/<slug>/schedule.json")
def schedule_json(slug: str):
    event = published_event_or_404(slug)

    def render():
        return Response(frab.schedule_json(event), mimetype="application/json")

    return httpcache.serve(httpcache.event_parts(event, "json"), render, last_modified=event.updated_at)


@bp.get("/events/<slug>/agenda.pdf")
def agenda_pdf(slug: str):
    """The stored PDF of the current version; "being prepared" (202, Retry-After) until it exists."""
    event = published_event_or_404(slug)
    locale, url_root = httpcache.locale(), request.url_root
    path = agenda_pdf_store.stored_pdf_path(event, locale, url_root)
    if not path.exists():
        key = agenda_pdf_store.job_key(event, locale, url_root)
        jobs.enqueue_keyed(key, agenda_pdf_store.build_stored_pdf, event.id, locale, url_root)
    if not path.exists():  # queued for a worker (it was not run inline)
        page = render_template(
            "exports/agenda_pdf_pending.html", title=_("The printable agenda is being prepared"), event=event
        )
        headers = {"Retry-After": str(PDF_RETRY_AFTER), "Cache-Control": httpcache.PRIVATE_CACHE_CONTROL}
        return page, 202, headers

    parts = httpcache.event_parts(event, "agenda.pdf", path.name)
    return httpcache.serve_file(
        parts,
        path,
        "application/pdf",
        download_name=f"{event.slug}-agenda.pdf",
        last_modified=event.updated_at,
    )
