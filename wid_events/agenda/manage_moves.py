"""``POST …/sessions/<id>/move``: the agenda grid's drag-and-drop and keyboard moves (JSON).

The answer carries the re-rendered day of the grid and the conflict list, so the page shows
exactly what the server saved; a refusal is the contract's JSON error with the reason.
Without JavaScript the session form does the same job (``…/sessions/<id>``).
"""

from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _

from wid_events.agenda import moves
from wid_events.agenda.conflicts import conflicts_by_session, find_conflicts
from wid_events.agenda.layout import grid_for_day
from wid_events.agenda.manage_views import bp
from wid_events.core.actions import actor, run_json_action
from wid_events.events.access import organiser_required
from wid_events.events.models import Event


def _day_html(event: Event, day, conflict_ids: set[int]) -> str:
    sessions = [s for s in event.sessions if s.start.date() == day]
    grid = grid_for_day(event, day, sessions, conflict_ids)
    return render_template("agenda/_editor_day.html", event=event, grid=grid)


@bp.post("/sessions/<int:session_id>/move")
@organiser_required
def session_move(event: Event, session_id: int):
    data = request.get_json(silent=True) or request.form
    session = run_json_action(
        moves.move_session,
        event,
        session_id,
        start=data.get("start"),
        end=data.get("end"),
        room_id=data.get("room_id"),
        version=data.get("version"),
        actor=actor(),
    )
    conflicts = find_conflicts(event)
    ids = set(conflicts_by_session(conflicts))
    day = session.start.date()
    message = _(
        "Saved: “%(title)s”, %(start)s–%(end)s, %(room)s.",
        title=session.title,
        start=session.start.strftime("%H:%M"),
        end=session.end.strftime("%H:%M"),
        room=session.room.name if session.room else _("No room / online"),
    )
    return jsonify(
        session={
            "id": session.id,
            "start": session.start.isoformat(timespec="minutes"),
            "end": session.end.isoformat(timespec="minutes"),
            "room_id": session.room_id,
            "version": session.version,
            "sequence": session.sequence,
        },
        day=day.isoformat(),
        day_html=_day_html(event, day, ids),
        conflicts_html=render_template("agenda/_editor_conflicts.html", conflicts=conflicts, event=event),
        message=message,
    )
