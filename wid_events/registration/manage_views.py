"""Organiser view of registrations: filters, counts, approve/reject/cancel/promote, CSV, lists."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events.agenda.models import Session
from wid_events.core.actions import actor, run_action
from wid_events.core.collation import sorted_by_name
from wid_events.core.web import int_arg
from wid_events.enums import RegistrationStatus
from wid_events.events.access import organiser_required
from wid_events.extensions import db
from wid_events.registration import services
from wid_events.registration.forms import ConfirmForm
from wid_events.registration.models import Registration
from wid_events.registration.services import questions
from wid_events.registration.services.spreadsheet import registrations_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

bp = Blueprint("registration_manage", __name__, url_prefix="/manage/events/<slug>")

ACTION_TITLES = {
    "cancel": lambda n: ngettext("Cancel %(num)d registration?", "Cancel %(num)d registrations?", n),
    "reject": lambda n: ngettext("Reject %(num)d registration?", "Reject %(num)d registrations?", n),
}

ACTIONS = {
    "approve": (services.approve, "Registration approved."),
    "reject": (services.reject, "Registration rejected."),
    "cancel": (services.cancel, "Registration cancelled."),
    "promote": (services.promote, "Registration promoted from the waitlist."),
}


#: Actions that end someone's place: the list asks for a confirmation first.
DESTRUCTIVE = ("cancel", "reject")


#: The selection's actions, in the order the list offers them.
BULK_ACTIONS = ("approve", "promote", "cancel", "reject")


def _filters(event) -> services.Filters:
    return services.Filters(
        q=request.args.get("q", ""),
        status=request.args.get("status") or None,
        attendance=request.args.get("attendance") or None,
        session_id=int_arg("session") or None,
        sort=request.args.get("sort") or services.listing.DEFAULT_SORT,
        page=min(int_arg("page") or 1, 100_000),
    )


def _star_rows(event) -> list[tuple]:
    """(session, stars) for every starred session, most stars first (to help choose rooms)."""
    counts = services.star_counts(event)
    by_id = {s.id: s for s in event.sessions}
    rows = [(by_id[sid], n) for sid, n in counts.items() if sid in by_id]
    return sorted(rows, key=lambda row: (-row[1], row[0].start, row[0].id))


@bp.get("/registrations")
@organiser_required
def index(event):
    filters = _filters(event)
    page = services.registration_page(event, filters)
    return render_template(
        "registration/manage_list.html",
        event=event,
        regs=page.items,
        page=page,
        positions={r.id: services.waitlist_position(r) for r in page.items},
        counts=services.counts(event),
        stars=_star_rows(event),
        filters=filters,
        sessions=services.signup_sessions(event),
        statuses=list(RegistrationStatus),
        bulk_actions=BULK_ACTIONS,
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


@bp.get("/registrations/<int:registration_id>/<action>")
@organiser_required
def confirm(event, registration_id: int, action: str):
    """The confirmation step before cancelling or rejecting one registration (no JavaScript)."""
    if action not in DESTRUCTIVE:
        abort(404)
    reg = db.session.get(Registration, registration_id)
    if reg is None or reg.event_id != event.id:
        abort(404)
    return render_template(
        "registration/manage_confirm.html",
        event=event,
        action=action,
        regs=[reg],
        action_url=url_for("registration_manage.act", slug=event.slug, registration_id=reg.id, action=action),
        back_query=request.args.get("back", ""),
        form=ConfirmForm(),
        title=ACTION_TITLES[action](1),
    )


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


@bp.post("/registrations/bulk")
@organiser_required
def bulk(event):
    """An action on the selected registrations. Cancel and reject ask for a confirmation
    (a page listing who), then run once ``confirmed`` is sent back."""
    form = ConfirmForm()
    action = request.form.get("action", "")
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    if not form.validate():
        flash(_("The form expired. Please submit it again."), "error")
        return _back(event)
    if action not in BULK_ACTIONS:
        flash(_("Choose what to do with the selected registrations."), "error")
        return _back(event)
    regs = services.registrations_by_ids(event, ids)
    if not regs:
        flash(_("Select at least one registration."), "error")
        return _back(event)
    if action in DESTRUCTIVE and request.form.get("confirmed") != "1":
        return render_template(
            "registration/manage_confirm.html",
            event=event,
            action=action,
            regs=regs,
            action_url=url_for("registration_manage.bulk", slug=event.slug),
            back_query=request.form.get("back_query", ""),
            form=form,
            title=ACTION_TITLES[action](len(regs)),
        )
    func, _message = ACTIONS[action]
    done = sum(1 for reg in regs if run_action(func, reg, actor=actor()))
    if done:
        flash(ngettext("%(num)d registration updated.", "%(num)d registrations updated.", done), "success")
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


def _export_rows(event) -> list[Registration]:
    """The list's matching registrations (its filters and search), in collation order."""
    filters = _filters(event)
    return sorted_by_name(
        services.list_registrations(
            event,
            q=filters.q,
            status=filters.status,
            attendance=filters.attendance,
            session_id=filters.session_id,
        )
    )


@bp.get("/registrations.xlsx")
@organiser_required
def export_xlsx(event):
    """For Excel: real dates in the event's time zone, names as text."""
    body = registrations_xlsx(event, _export_rows(event), include_email=request.args.get("email") == "1")
    response = Response(body, mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-registrations.xlsx"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/registrations.csv")
@organiser_required
def export_csv(event):
    body = services.registrations_csv(
        event,
        _export_rows(event),
        include_email=request.args.get("email") == "1",
        excel=request.args.get("excel") == "1",
    )
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
