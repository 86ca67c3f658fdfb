"""Public agenda and session pages.

Both are served through :func:`wid_events.core.httpcache.serve`: rendered once per event
version and locale, with the seats of sign-up workshops filled in afterwards
(:func:`fill_seats`) once per ``Event.seats_version``, which every registration and workshop
choice bumps in its own transaction: a full workshop never shows places left, and a burst of
registrations never re-renders the agenda.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import escape

from wid_events.agenda import queries
from wid_events.core import httpcache
from wid_events.core.content import localized
from wid_events.enums import SessionType
from wid_events.errors import NotFound
from wid_events.events.views import event_today, public_event_or_404, window_parts

bp = Blueprint("agenda", __name__)

SEATS_MARK = re.compile(rb"<!--seats:(\d+):(\d+)-->")


def seats_text(left: int, capacity: int) -> str:
    if left > 0:
        return ngettext(
            "%(num)d of %(capacity)s places left; choose it when you register.",
            "%(num)d of %(capacity)s places left; choose it when you register.",
            left,
            capacity=capacity,
        )
    return ngettext(
        "Full (%(num)d place); you can join the waiting list when you register.",
        "Full (%(num)d places); you can join the waiting list when you register.",
        capacity,
    )


def fill_seats(event):
    """A ``fill`` for :func:`httpcache.serve`: the marks of ``signup_note`` become the text.

    The counts are read (one grouped query) only when the filled page is not cached for the
    event's current ``seats_version``, i.e. once after each registration, not once per view.
    """
    texts: dict[tuple[int, int], bytes] = {}
    counts: dict[int, int] = {}

    def replace(match: re.Match) -> bytes:
        session_id, capacity = int(match.group(1)), int(match.group(2))
        left = capacity - counts.get(session_id, 0)
        key = (max(left, 0), capacity)
        if key not in texts:
            texts[key] = str(escape(seats_text(*key))).encode()
        return texts[key]

    def fill(body: bytes) -> bytes:
        if b"<!--seats:" not in body:
            return body
        counts.update(queries.event_signup_counts(event))
        return SEATS_MARK.sub(replace, body)

    return fill


def serve_with_seats(event, parts: tuple, render):
    """:func:`httpcache.serve` for a page with workshop seat notes (the agenda, a session page)."""
    return httpcache.serve(
        parts,
        render,
        last_modified=event.updated_at,
        fill=fill_seats(event),
        fill_parts=(event.seats_version,),
    )


@bp.get("/events/<slug>/agenda")
def agenda(slug: str):
    event, draft = public_event_or_404(slug)

    def render():
        filters = queries.parse_filters(
            event, request.args.get("day"), request.args.get("type"), request.args.get("track")
        )
        days = queries.published_agenda(event, day=filters.day, type=filters.type, track=filters.track)
        status = 400 if filters.problems else 200
        page = render_template(
            "agenda/agenda.html",
            title=_("Agenda: %(event)s", event=localized(event, "title")),
            event=event,
            draft=draft,
            days=days,
            filters=filters,
            session_types=list(SessionType),
            signups=None,
            tz_labels=queries.tz_labels(event),
            type_labels={key: str(label) for key, label in queries.SESSION_TYPE_LABELS.items()},
            role_labels={key: str(label) for key, label in queries.SPEAKER_ROLE_LABELS.items()},
            section="agenda",
        )
        return page, status

    parts = httpcache.event_parts(event, "agenda", event_today(event), *window_parts(event))
    return serve_with_seats(event, parts, render)


@bp.get("/events/<slug>/sessions/<int:session_id>")
def session_page(slug: str, session_id: int):
    event, draft = public_event_or_404(slug)

    def render():
        try:
            session = queries.public_session(event, session_id)
        except NotFound:
            abort(404)
        return render_template(
            "agenda/session.html",
            title=localized(session, "title"),
            event=event,
            draft=draft,
            session=session,
            signups=None,
            tz_label=queries.tz_label(event, session.start.date()),
            section="agenda",
        )

    parts = httpcache.event_parts(event, "session", session_id, event_today(event), *window_parts(event))
    return serve_with_seats(event, parts, render)
