"""Organiser view of registrations: filters, counts, approve/reject/cancel/promote, CSV, lists."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from wid_events.agenda.models import Session
from wid_events.core.actions import actor, run_action
from wid_events.enums import Attendance, RegistrationStatus
from wid_events.events.access import organiser_required
from wid_events.extensions import db
from wid_events.registration import services
from wid_events.registration.forms import ConfirmForm
from wid_events.registration.services import questions

bp = Blueprint("registration_manage", __name__, url_prefix="/manage/events/<slug>")

ACTIONS = {
    "approve": (services.approve, "Registration approved."),
    "reject": (services.reject, "Registration rejected."),
    "cancel": (services.cancel, "Registration cancelled."),
    "promote": (services.promote, "Registration promoted from the waitlist."),
}


def _filters(event):
    status = request.args.get("status") or None
    attendance = request.args.get("attendance") or None
    session_id = request.args.get("session", type=int) or None
    if status not in {s.value for s in RegistrationStatus} | {None}:
        status = None
    if attendance not in {a.value for a in Attendance} | {None}:
        attendance = None
    return {"status": status, "attendance": attendance, "session_id": session_id}


@bp.get("/registrations")
@organiser_required
def index(event):
    filters = _filters(event)
    regs = services.list_registrations(event, **filters)
    return render_template(
        "registration/manage_list.html",
        event=event,
        regs=regs,
        positions={r.id: services.waitlist_position(r) for r in regs},
        counts=services.counts(event),
        filters=filters,
        sessions=services.signup_sessions(event),
        statuses=list(RegistrationStatus),
        form=ConfirmForm(),
        questions=questions.event_questions(event, archived=True),
        answers=questions.answers_for(event),
        answer_text=questions.display_value,
        title=_("Registrations: %(title)s", title=event.title),
    )


def _back(event):
    # Back to the same filtered list (only our own query string, never an outside URL).
    query = request.form.get("back_query", "")
    url = url_for("registration_manage.index", slug=event.slug)
    return redirect(f"{url}?{query}" if query and "//" not in query else url, code=303)


@bp.post("/registrations/<int:registration_id>/<action>")
@organiser_required
def act(event, registration_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    form = ConfirmForm()
    if not form.validate():
        flash(_("The form expired. Please submit it again."), "error")
        return _back(event)
    reg = services.get_for_event(event, registration_id)
    func, message = ACTIONS[action]
    if run_action(func, reg, actor=actor()):
        flash(_(message), "success")
    return _back(event)


@bp.post("/registrations/<int:registration_id>/sessions/<int:session_id>/promote")
@organiser_required
def promote_session(event, registration_id: int, session_id: int):
    form = ConfirmForm()
    if not form.validate():
        flash(_("The form expired. Please submit it again."), "error")
        return _back(event)
    reg = services.get_for_event(event, registration_id)
    if run_action(services.promote_choice, reg, session_id, actor=actor()):
        flash(_("Workshop place given."), "success")
    return _back(event)


@bp.get("/registrations.csv")
@organiser_required
def export_csv(event):
    regs = services.list_registrations(event, **_filters(event))
    body = services.registrations_csv(event, regs, include_email=request.args.get("email") == "1")
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-registrations.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/registrations/sessions/<int:session_id>")
@organiser_required
def session_list(event, session_id: int):
    session = db.session.get(Session, session_id)
    if session is None or session.event_id != event.id:
        abort(404)
    return render_template(
        "registration/session_list.html",
        event=event,
        session=session,
        capacity=services.session_capacity(session),
        attendees=services.session_attendees(session),
        title=_("Attendees: %(title)s", title=session.title),
    )
