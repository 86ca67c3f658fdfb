"""Public registration: the form, the attendee's own page (self-service, GDPR) and the resend page."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from wid_events.core.actions import run_action
from wid_events.core.content import localized
from wid_events.core.uow import unit_of_work
from wid_events.core.urls import external_url
from wid_events.core.web import remember_registration, remembered_next
from wid_events.enums import Attendance, EventMode, RegistrationStatus
from wid_events.errors import DomainError
from wid_events.events.access import event_or_404
from wid_events.extensions import limiter
from wid_events.registration import services
from wid_events.registration.forms import (
    AttendanceForm,
    ConfirmForm,
    RegistrationForm,
    ResendForm,
    SessionsForm,
)
from wid_events.registration.services import questions

bp = Blueprint("registration", __name__)

RATE_LIMIT = "20 per minute; 200 per hour"
RATE_LIMIT_MESSAGE = _l(
    "Too many registration attempts from your network. Please wait a minute and try again; "
    "nothing you already registered is lost."
)


def _slot_views(event, form_sessions=None):
    """The sign-up slots with each session's remaining seats, for the template."""
    chosen = set(form_sessions or [])
    slots = []
    all_slots = services.signup_slots(event)
    left = services.sessions_seats_left([s for slot in all_slots for s in slot.sessions])
    for slot in all_slots:
        slots.append(
            {
                "slot": slot,
                "parallel": len(slot.sessions) > 1,
                "sessions": [
                    {
                        "session": s,
                        "left": left[s.id],
                        "checked": s.id in chosen,
                    }
                    for s in slot.sessions
                ],
            }
        )
    return slots


def _apply_error(form, exc: DomainError) -> None:
    if exc.field and exc.field in form:
        form[exc.field].errors = [*list(form[exc.field].errors or []), exc.message]
    else:
        form.form_errors.append(exc.message)


def raw_answers(event) -> dict[str, list[str]]:
    """The submitted ``q_<key>`` fields of the event's questions."""
    return {q.key: request.form.getlist(f"q_{q.key}") for q in questions.event_questions(event)}


def question_views(event, raw: dict | None = None, errors: dict | None = None) -> list[dict]:
    """The questions with their shown texts, options, submitted values and errors."""
    raw = raw or {}
    errors = errors or {}
    out = []
    for q in questions.event_questions(event):
        out.append(
            {
                "q": q,
                "name": f"q_{q.key}",
                "label": localized(q, "label"),
                "help": localized(q, "help_text"),
                "options": questions.option_labels(q),
                "countries": questions.countries() if q.type == "country" else [],
                "submitted": raw.get(q.key, []),
                "error": errors.get(f"q_{q.key}"),
            }
        )
    return out


def _render_form(event, form, status=200, duplicate=False, *, answers=None, answer_errors=None):
    attendance_choice = event.mode == EventMode.HYBRID
    context = {
        "questions": question_views(event, answers, answer_errors),
        "event": event,
        "form": form,
        "slots": _slot_views(event, form.sessions.data),
        "attendance_choice": attendance_choice,
        "seats": {a.value: services.seats_left(event, a) for a in services.allowed_attendance(event)},
        "duplicate": duplicate,
        "title": _("Register: %(title)s", title=localized(event, "title")),
    }
    return render_template("registration/register.html", **context), status


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@limiter.limit(RATE_LIMIT, methods=["POST"], error_message=RATE_LIMIT_MESSAGE)
def register(slug: str):
    event = event_or_404(slug)
    closed = services.registration_closed_reason(event)
    if closed:
        status = 404 if not event.published else 200 if request.method == "GET" else 409
        return render_template(
            "registration/closed.html", event=event, reason=closed, title=_("Registration closed")
        ), status
    form = RegistrationForm()
    if request.method == "GET":
        form.form_key.data = services.new_form_key()
        if event.mode == EventMode.HYBRID:
            form.attendance.data = None
        return _render_form(event, form)

    if form.website.data:
        # Honeypot filled in: a bot. Pretend all is well and store nothing.
        return render_template("registration/received.html", event=event, title=_("Thank you")), 200

    valid = form.validate()
    if event.mode == EventMode.HYBRID and form.attendance.data not in ("in_person", "online"):
        form.attendance.errors = [_("Please choose whether you attend in person or online.")]
        valid = False
    # The server checks workshop choices even when other fields have errors, so all show at once.
    try:
        chosen_mode = form.attendance.data if form.attendance.data in ("in_person", "online") else None
        services.check_choices(event, [i for i in (form.sessions.data or []) if i > 0], chosen_mode)
        if any(i <= 0 for i in form.sessions.data or []):
            raise DomainError(
                _("Please choose only among the workshops listed on this form."), field="sessions"
            )
    except DomainError as exc:
        _apply_error(form, exc)
        valid = False
    answers = raw_answers(event)
    allowed = services.allowed_attendance(event)
    attendance = allowed[0] if len(allowed) == 1 else form.attendance.data
    _values, problems = questions.check_answers(event, attendance, answers)
    answer_errors = {exc.field: exc.message for exc in problems}
    if problems:
        valid = False
    if not valid:
        return _render_form(event, form, 400, answers=answers, answer_errors=answer_errors)

    data = services.RegistrationData(
        name=form.name.data,
        email=form.email.data,
        attendance=form.attendance.data,
        organisation=form.organisation.data or "",
        pronouns=form.pronouns.data or "",
        session_ids=form.sessions.data or [],
        access_needs=form.access_needs.data or "",
        dietary=form.dietary.data or "",
        consent=bool(form.consent.data),
        form_key=form.form_key.data,
        locale=str(get_locale() or "en"),
        answers=answers,
    )
    done = run_action(services.register, event, data, form=form)
    if not done:
        exc = done.error
        if exc.code == "registration_closed":
            return render_template(
                "registration/closed.html", event=event, reason=exc.message, title=_("Registration closed")
            ), 409
        return _render_form(
            event, form, 409 if exc.status == 409 else 400, exc.code == "already_registered", answers=answers
        )
    _reg, token, _created = done.value
    return redirect(url_for("registration.manage", token=token), code=303)


@bp.route("/events/<slug>/register/resend", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"], error_message=RATE_LIMIT_MESSAGE)
def resend(slug: str):
    event = event_or_404(slug)
    if not event.published:
        return render_template(
            "registration/closed.html",
            event=event,
            reason=_("This event is not published yet."),
            title=_("Registration closed"),
        ), 404
    form = ResendForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"]
    sent = False
    if form.validate_on_submit():
        run_action(services.resend_link, event, form.email.data)
        sent = True  # the same answer whether or not the email is registered
    status = 400 if request.method == "POST" and form.errors else 200
    return render_template(
        "registration/resend.html", event=event, form=form, sent=sent, title=_("Get your registration link")
    ), status


# --------------------------------------------------------------------------- the attendee's page


def _manage_context(reg, token, sessions_form=None, attendance_form=None):
    event = reg.event
    chosen = [c.session_id for c in reg.choices if c.status != RegistrationStatus.CANCELLED]
    if sessions_form is None:
        sessions_form = SessionsForm(formdata=None)
        sessions_form.sessions.data = chosen
    if attendance_form is None:
        attendance_form = AttendanceForm(formdata=None)
        attendance_form.attendance.data = reg.attendance.value
    return {
        "reg": reg,
        "event": event,
        "token": token,
        "position": services.waitlist_position(reg),
        "choices": [(c, services.choice_position(c)) for c in reg.choices if c.status != "cancelled"],
        "slots": _slot_views(event, sessions_form.sessions.data),
        "sessions_form": sessions_form,
        "attendance_form": attendance_form,
        "can_switch_attendance": event.mode == EventMode.HYBRID and reg.is_active,
        "livestream_url": event.livestream_url
        if reg.status == RegistrationStatus.CONFIRMED and reg.attendance == Attendance.ONLINE
        else None,
        "calendar_url": url_for("exports.personal_calendar", token=token),
        "webcal_url": external_url("exports.personal_calendar", token=token)
        .replace("https://", "webcal://")
        .replace("http://", "webcal://"),
        "answers": [
            (localized(a.question, "label"), questions.display_value(a.question, a.value))
            for a in reg.answers
        ],
        "title": _("Your registration: %(title)s", title=localized(event, "title")),
        "next_url": remembered_next(event.id) if reg.is_active else None,
    }


def _private(response):
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/registrations/<token>")
def manage(token: str):
    if token.endswith(".json"):
        return status_json(token[: -len(".json")])
    reg = services.by_token(token)
    remember_registration(reg.event_id, token)
    response = Response(render_template("registration/manage.html", **_manage_context(reg, token)))
    return _private(response)


@bp.get("/registrations/<token>.json")
def status_json(token: str):
    reg = services.by_token(token)
    return _private(jsonify(services.status_json(reg)))


@bp.post("/registrations/<token>/sessions")
def change_sessions(token: str):
    reg = services.by_token(token)
    form = SessionsForm()
    if form.validate():
        chosen = [i for i in form.sessions.data or [] if i > 0]
        if run_action(services.change_sessions, reg, chosen, form=form):
            flash(_("Your workshop choices are saved."), "success")
            return redirect(url_for("registration.manage", token=token), code=303)
        reg = services.by_token(token)
    ctx = _manage_context(reg, token, sessions_form=form)
    return _private(Response(render_template("registration/manage.html", **ctx), status=400))


@bp.post("/registrations/<token>/attendance")
def change_attendance(token: str):
    reg = services.by_token(token)
    form = AttendanceForm()
    if form.validate():
        if run_action(services.change_attendance, reg, form.attendance.data, form=form):
            flash(_("Your attendance mode is saved."), "success")
            return redirect(url_for("registration.manage", token=token), code=303)
        reg = services.by_token(token)
    ctx = _manage_context(reg, token, attendance_form=form)
    return _private(Response(render_template("registration/manage.html", **ctx), status=409))


@bp.route("/registrations/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):
    reg = services.by_token(token)
    form = ConfirmForm()
    if request.method == "POST" and form.validate():
        with unit_of_work():  # a refusal (already cancelled) is the app's 409 error page
            services.cancel(reg)
        flash(_("Your registration is cancelled. Thank you for freeing your place."), "success")
        return redirect(url_for("registration.manage", token=token), code=303)
    status = 400 if request.method == "POST" else 200
    page = render_template(
        "registration/confirm.html",
        reg=reg,
        token=token,
        form=form,
        action="cancel",
        title=_("Cancel your registration"),
    )
    return _private(Response(page, status=status))


@bp.route("/registrations/<token>/erase", methods=["GET", "POST"])
def erase(token: str):
    reg = services.by_token(token)
    form = ConfirmForm()
    if request.method == "POST" and form.validate():
        event = reg.event
        with unit_of_work():
            services.erase(reg)
        return _private(
            Response(render_template("registration/erased.html", event=event, title=_("Your data is erased")))
        )
    status = 400 if request.method == "POST" else 200
    page = render_template(
        "registration/confirm.html",
        reg=reg,
        token=token,
        form=form,
        action="erase",
        title=_("Erase your data"),
    )
    return _private(Response(page, status=status))


@bp.get("/registrations/<token>/data.json")
def data_json(token: str):
    reg = services.by_token(token)
    body = json.dumps(services.export_data(reg), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="registration-{reg.event.slug}.json"'
    return _private(response)
