"""Public agenda and session pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from wid_events.agenda import queries
from wid_events.core.content import localized
from wid_events.enums import SessionType
from wid_events.errors import NotFound
from wid_events.events.views import public_event_or_404

bp = Blueprint("agenda", __name__)


@bp.get("/events/<slug>/agenda")
def agenda(slug: str):
    event, draft = public_event_or_404(slug)
    filters = queries.parse_filters(
        event, request.args.get("day"), request.args.get("type"), request.args.get("track")
    )
    days = queries.published_agenda(event, day=filters.day, type=filters.type, track=filters.track)
    signup_ids = [s.id for d in days for slot in d.slots for s in slot.sessions if s.requires_signup]
    status = 400 if filters.problems else 200
    return (
        render_template(
            "agenda/agenda.html",
            title=_("Agenda: %(event)s", event=localized(event, "title")),
            event=event,
            draft=draft,
            days=days,
            filters=filters,
            session_types=list(SessionType),
            signups=queries.signup_counts(signup_ids),
            tz_labels=queries.tz_labels(event),
            section="agenda",
        ),
        status,
    )


@bp.get("/events/<slug>/sessions/<int:session_id>")
def session_page(slug: str, session_id: int):
    event, draft = public_event_or_404(slug)
    try:
        session = queries.public_session(event, session_id)
    except NotFound:
        abort(404)
    signups = queries.signup_counts([session.id]) if session.requires_signup else {}
    return render_template(
        "agenda/session.html",
        title=localized(session, "title"),
        event=event,
        draft=draft,
        session=session,
        signups=signups,
        tz_label=queries.tz_label(event, session.start.date()),
        section="agenda",
    )
