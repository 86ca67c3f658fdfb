"""The public JSON API (``/api/v1/…``) and its OpenAPI document.

Only published events are visible; drafts answer 404 like unknown slugs. Responses hold
public facts only: no gender, no email, no livestream link.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from wid_events.agenda import queries
from wid_events.agenda.people import api_people
from wid_events.api import serializers
from wid_events.api.openapi import build_document
from wid_events.core import httpcache
from wid_events.core.search import like_pattern
from wid_events.core.web import error_response
from wid_events.events.access import api_organiser_required
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.jobday import services as jobday

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _published_event(slug: str) -> Event | None:
    return db.session.scalar(sa.select(Event).where(Event.slug == slug, Event.published.is_(True)))


def _not_found(slug: str):
    return error_response(404, _("No published event is called “%(slug)s”.", slug=slug), "not_found")


def _serve(event: Event, name: str, render):
    """A public API answer: ETag, 304 and the render cache, keyed on the event's version."""
    return httpcache.serve(httpcache.event_parts(event, "api", name), render, last_modified=event.updated_at)


@bp.get("/events")
def events():
    """Published events, soonest first."""
    rows = db.session.execute(
        sa.select(Event.id, Event.created_at, Event.version, Event.updated_at).where(
            Event.published.is_(True)
        )
    ).all()
    parts = ("api-events", tuple((r.id, r.created_at.isoformat(), r.version) for r in sorted(rows)))
    changed = max((r.updated_at for r in rows), default=None)

    def render():
        return jsonify([serializers.event_summary(e) for e in queries.published_events()])

    return httpcache.serve(parts, render, last_modified=changed)


@bp.get("/events/<slug>")
def event_detail(slug: str):
    event = _published_event(slug)
    if event is None:
        return _not_found(slug)
    return _serve(event, "detail", lambda: jsonify(serializers.event_detail(event)))


@bp.get("/events/<slug>/sessions")
def event_sessions(slug: str):
    """All sessions in agenda order (cancelled ones too, with ``status``); same filters as the agenda."""
    event = _published_event(slug)
    if event is None:
        return _not_found(slug)
    filters = queries.parse_filters(
        event, request.args.get("day"), request.args.get("type"), request.args.get("track")
    )
    if filters.problems:
        return error_response(400, " ".join(filters.problems.values()), "invalid_filter")

    def render():
        sessions = queries.agenda_sessions(event, day=filters.day, type=filters.type, track=filters.track)
        return jsonify([serializers.session(event, s) for s in sessions])

    return _serve(event, "sessions", render)


@bp.get("/events/<slug>/speakers")
def event_speakers(slug: str):
    event = _published_event(slug)
    if event is None:
        return _not_found(slug)
    return _serve(
        event,
        "speakers",
        lambda: jsonify([serializers.speaker(event, p) for p in queries.public_speakers(event)]),
    )


@bp.get("/events/<slug>/exhibitors")
def event_exhibitors(slug: str):
    """The event's exhibitors. The Job Day area provides them; an event without any gives ``[]``."""
    event = _published_event(slug)
    if event is None:
        return _not_found(slug)
    return _serve(event, "exhibitors", lambda: jsonify(jobday.public_exhibitors(event)))


@bp.get("/events/<slug>/jobs")
def event_jobs(slug: str):
    """The exhibitors' published job offers (``[]`` for an event without exhibitors).

    Filters as on ``/events/<slug>/jobs``: ``q``, ``sector``, ``contract``, ``language``,
    ``remote``, ``skill``, ``level``, ``exhibitor``.
    """
    event = _published_event(slug)
    if event is None:
        return _not_found(slug)
    filters = jobday.JobFilters.from_args(request.args)
    return _serve(event, "jobs", lambda: jsonify(jobday.public_jobs(event, filters)))


@bp.get("/events/<slug>/people")
@api_organiser_required
def event_people(event: Event):
    """Organisers: the event's people whose name or organisation matches ``q`` (ignoring case,
    accents and script-specific case), as ``{"id", "name", "organisation"}``; all without ``q``."""
    query = request.args.get("q")
    if query is not None and query.strip() and like_pattern(query) is None:
        return error_response(
            400, _("Search for at least one letter or digit of a name or organisation."), "invalid_query"
        )
    response = jsonify(api_people(event, query))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of every ``/api/v1`` endpoint."""
    return jsonify(build_document(server_url=request.host_url.rstrip("/") + "/api/v1"))
