"""Organiser pages for sessions and their speakers (routes of the ``agenda_manage`` blueprint)."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events import signals
from wid_events.agenda import people as people_services
from wid_events.agenda import services
from wid_events.agenda.conflicts import conflicts_by_session, find_conflicts
from wid_events.agenda.forms import (
    SESSION_TRANSLATED,
    AddSpeakerForm,
    NewSpeakerForm,
    SessionForm,
    SpeakerRoleForm,
)
from wid_events.agenda.manage_views import bp, day_choices, run_gated
from wid_events.agenda.models import Session
from wid_events.core.actions import actor, owned_or_404, run_action
from wid_events.core.content_forms import fill_translations, translations_from
from wid_events.core.search import like_pattern
from wid_events.enums import SessionType, SpeakerRole
from wid_events.events.access import organiser_required
from wid_events.events.models import Event
from wid_events.people.models import Person

#: The role preselected when adding someone to a session of this type.
DEFAULT_ROLES = {
    SessionType.PANEL: SpeakerRole.PANELIST,
    SessionType.WORKSHOP: SpeakerRole.FACILITATOR,
}
#: Service field names shown on other fields of the session form.
FORM_FIELDS = {"start": "start_time", "end": "end_time"}


def _session_form(event: Event, session: Session | None = None) -> SessionForm:
    form = SessionForm(obj=session) if request.method == "GET" and session else SessionForm()
    form.day.choices = day_choices(event, session.start.date() if session else None)
    form.room_id.choices = [("", _("No room / online"))] + [
        (str(r.id), f"{r.name} ({r.capacity})" if r.capacity is not None else r.name) for r in event.rooms
    ]
    form.track_id.choices = [("", _("No track"))] + [(str(t.id), t.name) for t in event.tracks]
    if request.method == "GET":
        if session is not None:
            _fill_from_session(form, session)
            fill_translations(form, session, tuple(SESSION_TRANSLATED))
        else:
            _fill_from_query(form, event)
    return form


def _fill_from_session(form: SessionForm, session: Session) -> None:
    form.day.data = session.start.date().isoformat()
    form.start_time.data = session.start.time()
    form.end_time.data = session.end.time()
    form.room_id.data = str(session.room_id or "")
    form.track_id.data = str(session.track_id or "")
    form.type.data = session.type.value
    form.status.data = session.status.value
    form.attendance.data = session.attendance.value if session.attendance else ""
    form.version.data = str(session.version)


def _version(form: SessionForm) -> int | None:
    """The version the editor was opened at (absent from older forms: no check)."""
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None


def _fill_from_query(form: SessionForm, event: Event) -> None:
    """A new session from the editor's "add" links: day, room and start time preset."""
    form.day.data = request.args.get("day") or event.start_date.isoformat()
    form.room_id.data = request.args.get("room", "")
    if request.args.get("start"):
        try:
            form.start_time.data = dt.time.fromisoformat(request.args["start"])
        except ValueError:
            pass


def _session_fields(form: SessionForm, event: Event) -> dict:
    day = dt.date.fromisoformat(form.day.data)
    start = dt.datetime.combine(day, form.start_time.data)
    end = dt.datetime.combine(day, form.end_time.data)
    return {
        "title": form.title.data,
        "type": form.type.data,
        "start": start,
        "end": end,
        "room_id": int(form.room_id.data) if form.room_id.data else None,
        "track_id": int(form.track_id.data) if form.track_id.data else None,
        "capacity": form.capacity.data,
        "requires_signup": form.requires_signup.data,
        "attendance": form.attendance.data or None,
        "description": form.description.data or "",
        "status": form.status.data,
        "translations": translations_from(form, tuple(SESSION_TRANSLATED), event.default_language),
        "tags": form.tags.data or "",
    }


@bp.get("/sessions")
@organiser_required
def sessions(event: Event):
    conflicts = conflicts_by_session(find_conflicts(event))
    return render_template(
        "agenda/manage_sessions.html", event=event, conflicts=conflicts, title=_("Sessions")
    )


@bp.route("/sessions/new", methods=["GET", "POST"])
@organiser_required
def session_new(event: Event):
    form = _session_form(event)
    if form.validate_on_submit():
        done = run_gated(
            event,
            services.create_session,
            event,
            actor=actor(),
            form=form,
            rename=FORM_FIELDS,
            **_session_fields(form, event),
        )
        if done:
            flash(_("Session created. Now add its speakers."), "success")
            return redirect(url_for("agenda_manage.session_edit", slug=event.slug, session_id=done.value.id))
    return render_template(
        "agenda/manage_session_form.html",
        event=event,
        form=form,
        session=None,
        session_translated=SESSION_TRANSLATED,
        title=_("New session"),
    ), (400 if form.errors else 200)


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@organiser_required
def session_edit(event: Event, session_id: int):
    session = owned_or_404(Session, session_id, event)
    form = _session_form(event, session)
    if request.method == "POST" and form.validate_on_submit():
        notify = bool(form.notify.data)
        done = run_gated(
            event,
            services.update_session,
            session,
            actor=actor(),
            notify=notify,
            expected_version=_version(form),
            form=form,
            rename=FORM_FIELDS,
            **_session_fields(form, event),
        )
        if done:
            changes = done.value
            if changes and event.published and not notify and services.pending_changes(event):
                flash(
                    _("Attendees have not been told yet. Send the change notices from “Changes”."), "success"
                )
            flash(
                ngettext("Saved %(num)d change.", "Saved %(num)d changes.", len(changes))
                if changes
                else _("Nothing changed."),
                "success",
            )
            return redirect(url_for("agenda_manage.session_edit", slug=event.slug, session_id=session.id))
    return _render_session(event, session, form)


def _render_session(event: Event, session: Session, form: SessionForm):
    """The session page: its form, its speakers and the people search to add more."""
    query = request.args.get("q", "").strip()
    found = people_services.search_people(event, query) if query else []
    on_session = {link.person_id for link in session.speakers}
    conflicts = conflicts_by_session(find_conflicts(event)).get(session.id, [])
    verdict = None
    if session.type == SessionType.PANEL and not session.is_cancelled:
        verdicts = signals.collect(signals.panel_verdicts, event)
        verdict = next((r for r in verdicts if r.session.id == session.id), None)
    new_speaker_form = NewSpeakerForm(formdata=None)
    new_speaker_form.role.data = DEFAULT_ROLES.get(session.type, SpeakerRole.SPEAKER).value
    return render_template(
        "agenda/manage_session_form.html",
        event=event,
        form=form,
        session=session,
        session_translated=SESSION_TRANSLATED,
        query=query,
        unsearchable=bool(query) and like_pattern(query) is None,
        found=[p for p in found if p.id not in on_session],
        add_form=AddSpeakerForm(formdata=None),
        new_speaker_form=new_speaker_form,
        role_form=SpeakerRoleForm(formdata=None),
        conflicts=conflicts,
        verdict=verdict,
        balance_url=url_for("balance_manage.report", slug=event.slug),
        title=session.title,
    ), (400 if form.errors else 200)


@bp.post("/sessions/<int:session_id>/delete")
@organiser_required
def session_delete(event: Event, session_id: int):
    session = owned_or_404(Session, session_id, event)
    if not run_action(services.delete_session, session, actor=actor()):
        return redirect(url_for("agenda_manage.session_edit", slug=event.slug, session_id=session_id))
    flash(_("Session deleted."), "success")
    return redirect(url_for("agenda_manage.sessions", slug=event.slug))


# --- speakers of a session ------------------------------------------------------------


def _back_to_session(event: Event, session: Session):
    return redirect(
        url_for("agenda_manage.session_edit", slug=event.slug, session_id=session.id) + "#speakers"
    )


@bp.post("/sessions/<int:session_id>/speakers")
@organiser_required
def speaker_add(event: Event, session_id: int):
    session = owned_or_404(Session, session_id, event)
    form = AddSpeakerForm()
    if not form.validate():
        flash(_("Choose a person and a role."), "error")
        return _back_to_session(event, session)
    person = owned_or_404(Person, form.person_id.data, event)
    if run_gated(event, services.add_speaker, session, person, form.role.data, actor=actor()):
        flash(_("%(name)s added.", name=person.name), "success")
    return _back_to_session(event, session)


@bp.post("/sessions/<int:session_id>/speakers/new")
@organiser_required
def speaker_new(event: Event, session_id: int):
    session = owned_or_404(Session, session_id, event)
    form = NewSpeakerForm()
    if not form.validate():
        flash(_("Enter the new speaker's name."), "error")
        return _back_to_session(event, session)
    done = run_gated(
        event,
        services.add_new_speaker,
        event,
        session,
        name=form.name.data,
        organisation=form.organisation.data,
        role=form.role.data,
        actor=actor(),
    )
    if done:
        flash(
            _("%(name)s created and added. Complete their profile under People.", name=done.value.name),
            "success",
        )
    return _back_to_session(event, session)


@bp.post("/sessions/<int:session_id>/speakers/<int:person_id>/move")
@organiser_required
def speaker_move(event: Event, session_id: int, person_id: int):
    session = owned_or_404(Session, session_id, event)
    person = owned_or_404(Person, person_id, event)
    run_action(services.move_speaker, session, person, request.form.get("direction", ""), actor=actor())
    return _back_to_session(event, session)


@bp.post("/sessions/<int:session_id>/speakers/<int:person_id>/role")
@organiser_required
def speaker_role(event: Event, session_id: int, person_id: int):
    session = owned_or_404(Session, session_id, event)
    person = owned_or_404(Person, person_id, event)
    if run_gated(
        event, services.set_speaker_role, session, person, request.form.get("role", ""), actor=actor()
    ):
        flash(_("Role of %(name)s saved.", name=person.name), "success")
    return _back_to_session(event, session)


@bp.post("/sessions/<int:session_id>/speakers/<int:person_id>/remove")
@organiser_required
def speaker_remove(event: Event, session_id: int, person_id: int):
    session = owned_or_404(Session, session_id, event)
    person = owned_or_404(Person, person_id, event)
    if run_gated(event, services.remove_speaker, session, person, actor=actor()):
        flash(_("%(name)s removed from this session.", name=person.name), "success")
    return _back_to_session(event, session)
