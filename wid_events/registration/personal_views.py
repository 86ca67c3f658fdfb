"""The attendee's personal agenda: the event's sessions with stars (favourites), through the
personal link, with plain forms (no account, no JavaScript)."""

from __future__ import annotations

import itertools

import sqlalchemy as sa
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from wid_events.agenda.models import Session, plenary_ids
from wid_events.core.actions import run_action
from wid_events.enums import RegistrationStatus
from wid_events.extensions import db
from wid_events.registration import services
from wid_events.registration.forms import StarForm
from wid_events.registration.views import _private, bp


def load_event_sessions(event) -> list[Session]:
    stmt = (
        sa.select(Session)
        .where(Session.event_id == event.id)
        .options(joinedload(Session.room))
        .order_by(Session.start, Session.id)
    )
    return list(db.session.scalars(stmt))


@bp.get("/registrations/<token>/agenda")
def personal_agenda(token: str):
    reg = services.by_token(token)
    event = reg.event
    sessions = load_event_sessions(event) if event.published else []
    confirmed = {c.session_id for c in reg.choices if c.status == RegistrationStatus.CONFIRMED}
    days = [(day, list(items)) for day, items in itertools.groupby(sessions, key=lambda s: s.start.date())]
    page = render_template(
        "registration/personal_agenda.html",
        reg=reg,
        event=event,
        token=token,
        days=days,
        plenary=plenary_ids(sessions),
        confirmed=confirmed,
        starred=services.starred_ids(reg),
        form=StarForm(),
        title=_("My agenda: %(title)s", title=event.title),
    )
    return _private(Response(page))


@bp.post("/registrations/<token>/stars/<int:session_id>")
def star(token: str, session_id: int):
    reg = services.by_token(token)
    form = StarForm()
    wanted = request.form.get("star") == "1"
    if not form.validate():
        flash(_("The form has expired. Please try again."), "error")
    elif run_action(services.set_star, reg, session_id, wanted, form=form):  # a refusal is flashed
        flash(_("Added to your agenda.") if wanted else _("Removed from your agenda."), "success")
    target = url_for("registration.personal_agenda", token=token) + f"#s-{session_id}"
    return redirect(target, code=303)
