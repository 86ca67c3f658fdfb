"""Organiser area for the agenda: sessions and their speakers, people, the agenda editor,
publishing, changes since publication and CSV import (``/manage/events/<slug>/…``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from wid_events.agenda import csv_import, services
from wid_events.agenda import people as people_services
from wid_events.agenda.conflicts import conflicts_by_session, find_conflicts
from wid_events.agenda.forms import (
    AddSpeakerForm,
    ImportConfirmForm,
    ImportUploadForm,
    NewSpeakerForm,
    PersonForm,
    PublishForm,
    SessionForm,
    SpeakerRoleForm,
    UnavailabilityForm,
)
from wid_events.agenda.models import Session, SessionChange
from wid_events.balance.forms import PURPOSE
from wid_events.balance.services import BalanceGateError
from wid_events.enums import SessionStatus, SessionType, SpeakerRole
from wid_events.errors import DomainError
from wid_events.events.access import organiser_required
from wid_events.events.manage_views import actor, owned_or_404, show_error
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.speakers.models import Person, Unavailability

bp = Blueprint("agenda_manage", __name__, url_prefix="/manage/events/<slug>")

#: The role preselected when adding someone to a session of this type.
DEFAULT_ROLES = {
    SessionType.PANEL: SpeakerRole.PANELIST,
    SessionType.WORKSHOP: SpeakerRole.FACILITATOR,
}
#: Minutes per row of the agenda editor grid.
GRID_STEP = 5


def _day_choices(event: Event, extra: dt.date | None = None) -> list[tuple[str, str]]:
    days = list(event.days)
    if extra is not None and extra not in days:
        days = sorted([*days, extra])
    return [(d.isoformat(), d.strftime("%a %d %b %Y")) for d in days]


def _session_form(event: Event, session: Session | None = None) -> SessionForm:
    form = SessionForm(obj=session) if request.method == "GET" and session else SessionForm()
    form.day.choices = _day_choices(event, session.start.date() if session else None)
    form.room_id.choices = [("", _("No room / online"))] + [
        (str(r.id), f"{r.name} ({r.capacity})" if r.capacity is not None else r.name) for r in event.rooms
    ]
    form.track_id.choices = [("", _("No track"))] + [(str(t.id), t.name) for t in event.tracks]
    if request.method == "GET":
        if session is not None:
            form.day.data = session.start.date().isoformat()
            form.start_time.data = session.start.time()
            form.end_time.data = session.end.time()
            form.room_id.data = str(session.room_id or "")
            form.track_id.data = str(session.track_id or "")
            form.type.data = session.type.value
            form.status.data = session.status.value
        else:
            form.day.data = request.args.get("day") or event.start_date.isoformat()
            form.room_id.data = request.args.get("room", "")
            if request.args.get("start"):
                try:
                    form.start_time.data = dt.time.fromisoformat(request.args["start"])
                except ValueError:
                    pass
    return form


def _session_fields(form: SessionForm) -> dict:
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
        "description": form.description.data or "",
        "status": form.status.data,
    }


def _error_field(exc: DomainError) -> DomainError:
    """Map service field names onto the session form's fields."""
    mapping = {"start": "start_time", "end": "end_time"}
    if exc.field in mapping:
        exc.field = mapping[exc.field]
    return exc


def _gate_failed(exc: BalanceGateError, event: Event) -> None:
    """Show the balance gate's refusal; the organiser layout then links to the balance report."""
    db.session.rollback()
    flash(_("%(message)s Nothing was saved.", message=exc.message), "error")
    flask_session["balance_gate"] = event.slug


def _balance_url(event: Event) -> str:
    from wid_events.events.manage_views import balance_report_url

    return balance_report_url(event)


# --- agenda editor --------------------------------------------------------------------


def _grid_for_day(event: Event, day: dt.date, sessions: list[Session], conflict_ids: set[int]) -> dict:
    """Place the day's sessions on a CSS grid: rows of GRID_STEP minutes, one column per room."""
    rooms = list(event.rooms)
    has_unroomed = any(s.room_id is None for s in sessions)
    columns = [(r.id, r.name, r.capacity) for r in rooms]
    if has_unroomed:
        columns.append((None, _("No room / online"), None))
    col_index = {room_id: i + 2 for i, (room_id, _n, _c) in enumerate(columns)}
    day_start = dt.datetime.combine(day, dt.time.min)
    starts = [s.start for s in sessions] or [day_start + dt.timedelta(hours=9)]
    ends = [max(s.end, s.start) for s in sessions] or [day_start + dt.timedelta(hours=17)]
    first = max(min(starts), day_start)
    first_minute = (first.hour * 60) // 60 * 60
    last = min(max(ends), day_start + dt.timedelta(days=1))
    last_minute = ((last - day_start).total_seconds() // 60) if last > day_start else 24 * 60
    last_minute = int(min(24 * 60, -(-last_minute // 60) * 60))
    if last_minute <= first_minute:
        last_minute = first_minute + 60
    rows = (last_minute - first_minute) // GRID_STEP

    def row_of(moment: dt.datetime) -> int:
        minutes = (moment - day_start).total_seconds() / 60
        minutes = min(max(minutes, first_minute), last_minute)
        return int((minutes - first_minute) // GRID_STEP) + 2

    placed = []
    by_col: dict = defaultdict(list)
    for s in sessions:
        start_row = row_of(s.start)
        end_row = row_of(min(s.end, day_start + dt.timedelta(days=1)))
        span = max(1, end_row - start_row)
        item = {
            "session": s,
            "row": start_row,
            "span": min(span, 288),
            "col": col_index[s.room_id],
            "conflict": s.id in conflict_ids,
            "offset": 0,
        }
        by_col[s.room_id].append(item)
        placed.append(item)
    for items in by_col.values():
        items.sort(key=lambda i: (i["row"], i["session"].id))
        active: list = []
        for item in items:
            active = [a for a in active if a["row"] + a["span"] > item["row"]]
            if active and item["session"].status != SessionStatus.CANCELLED:
                item["offset"] = min(3, len(active))
                item["overlap"] = True
                for a in active:
                    a["overlap"] = True
            active.append(item)
    hours = []
    minute = first_minute
    while minute < last_minute:
        hours.append(
            {
                "label": f"{minute // 60:02d}:{minute % 60:02d}",
                "row": (minute - first_minute) // GRID_STEP + 2,
                "span": min(60, last_minute - minute) // GRID_STEP,
            }
        )
        minute += 60
    gaps = []
    if sessions:
        ordered = sorted((s for s in sessions if not s.is_cancelled), key=lambda s: s.start)
        reach = None
        for s in ordered:
            if reach is not None and s.start > reach:
                gaps.append((reach, s.start))
            reach = max(reach, s.end) if reach else s.end
    return {"day": day, "columns": columns, "rows": rows, "placed": placed, "hours": hours, "gaps": gaps}


@bp.get("/agenda")
@organiser_required
def editor(event: Event):
    conflicts = find_conflicts(event)
    by_session = conflicts_by_session(conflicts)
    by_day: dict[dt.date, list[Session]] = defaultdict(list)
    for s in event.sessions:
        by_day[s.start.date()].append(s)
    days = sorted(set(event.days) | set(by_day))
    grids = [_grid_for_day(event, d, by_day.get(d, []), set(by_session)) for d in days]
    return render_template(
        "agenda/manage_editor.html",
        event=event,
        grids=grids,
        conflicts=conflicts,
        by_session=by_session,
        title=_("Agenda editor"),
    )


# --- sessions -------------------------------------------------------------------------


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
        try:
            session = services.create_session(event, actor=actor(), **_session_fields(form))
            db.session.commit()
        except BalanceGateError as exc:
            _gate_failed(exc, event)
        except DomainError as exc:
            show_error(form, _error_field(exc))
        else:
            flash(_("Session created. Now add its speakers."), "success")
            return redirect(url_for("agenda_manage.session_edit", slug=event.slug, session_id=session.id))
    return render_template(
        "agenda/manage_session_form.html", event=event, form=form, session=None, title=_("New session")
    ), (400 if form.errors else 200)


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@organiser_required
def session_edit(event: Event, session_id: int):
    session = owned_or_404(Session, session_id, event)
    form = _session_form(event, session)
    if request.method == "POST" and form.validate_on_submit():
        try:
            changes = services.update_session(session, actor=actor(), **_session_fields(form))
            db.session.commit()
        except BalanceGateError as exc:
            _gate_failed(exc, event)
        except DomainError as exc:
            show_error(form, _error_field(exc))
        else:
            if changes and event.published and form.notify.data:
                services.queue_notifications(event)
            elif changes and event.published and services.pending_changes(event):
                flash(
                    _("Attendees have not been told yet. Send the change notices from “Changes”."), "success"
                )
            flash(_("Saved %(n)s changes.", n=len(changes)) if changes else _("Nothing changed."), "success")
            return redirect(url_for("agenda_manage.session_edit", slug=event.slug, session_id=session.id))
    query = request.args.get("q", "").strip()
    found = people_services.search_people(event, query) if query else []
    on_session = {link.person_id for link in session.speakers}
    conflicts = conflicts_by_session(find_conflicts(event)).get(session.id, [])
    new_speaker_form = NewSpeakerForm(formdata=None)
    new_speaker_form.role.data = DEFAULT_ROLES.get(session.type, SpeakerRole.SPEAKER).value
    return render_template(
        "agenda/manage_session_form.html",
        event=event,
        form=form,
        session=session,
        query=query,
        found=[p for p in found if p.id not in on_session],
        add_form=AddSpeakerForm(formdata=None),
        new_speaker_form=new_speaker_form,
        role_form=SpeakerRoleForm(formdata=None),
        conflicts=conflicts,
        title=session.title,
    ), (400 if form.errors else 200)


@bp.post("/sessions/<int:session_id>/delete")
@organiser_required
def session_delete(event: Event, session_id: int):
    session = owned_or_404(Session, session_id, event)
    try:
        services.delete_session(session, actor=actor())
        db.session.commit()
    except DomainError as exc:
        show_error(None, exc)
        return redirect(url_for("agenda_manage.session_edit", slug=event.slug, session_id=session_id))
    flash(_("Session deleted."), "success")
    return redirect(url_for("agenda_manage.sessions", slug=event.slug))


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
    try:
        services.add_speaker(session, person, form.role.data, actor=actor())
        db.session.commit()
    except BalanceGateError as exc:
        _gate_failed(exc, event)
    except DomainError as exc:
        show_error(None, exc)
    else:
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
    try:
        person = people_services.create_person(
            event, actor=actor(), name=form.name.data, organisation=form.organisation.data
        )
        services.add_speaker(session, person, form.role.data, actor=actor())
        db.session.commit()
    except BalanceGateError as exc:
        _gate_failed(exc, event)
    except DomainError as exc:
        show_error(None, exc)
    else:
        flash(
            _("%(name)s created and added. Complete their profile under People.", name=person.name), "success"
        )
    return _back_to_session(event, session)


@bp.post("/sessions/<int:session_id>/speakers/<int:person_id>/move")
@organiser_required
def speaker_move(event: Event, session_id: int, person_id: int):
    session = owned_or_404(Session, session_id, event)
    person = owned_or_404(Person, person_id, event)
    try:
        services.move_speaker(session, person, request.form.get("direction", ""), actor=actor())
        db.session.commit()
    except DomainError as exc:
        show_error(None, exc)
    return _back_to_session(event, session)


@bp.post("/sessions/<int:session_id>/speakers/<int:person_id>/role")
@organiser_required
def speaker_role(event: Event, session_id: int, person_id: int):
    session = owned_or_404(Session, session_id, event)
    person = owned_or_404(Person, person_id, event)
    try:
        services.set_speaker_role(session, person, request.form.get("role", ""), actor=actor())
        db.session.commit()
    except BalanceGateError as exc:
        _gate_failed(exc, event)
    except DomainError as exc:
        show_error(None, exc)
    else:
        flash(_("Role of %(name)s saved.", name=person.name), "success")
    return _back_to_session(event, session)


@bp.post("/sessions/<int:session_id>/speakers/<int:person_id>/remove")
@organiser_required
def speaker_remove(event: Event, session_id: int, person_id: int):
    session = owned_or_404(Session, session_id, event)
    person = owned_or_404(Person, person_id, event)
    try:
        services.remove_speaker(session, person, actor=actor())
        db.session.commit()
    except BalanceGateError as exc:
        _gate_failed(exc, event)
    except DomainError as exc:
        show_error(None, exc)
    else:
        flash(_("%(name)s removed from this session.", name=person.name), "success")
    return _back_to_session(event, session)


# --- people ---------------------------------------------------------------------------


@bp.get("/people")
@organiser_required
def people(event: Event):
    query = request.args.get("q", "").strip()
    items = people_services.search_people(event, query, limit=500) if query else list(event.people)
    return render_template(
        "agenda/manage_people.html", event=event, people=items, query=query, title=_("People")
    )


def _save_person(event: Event, form: PersonForm, person: Person | None) -> Person:
    fields = {name: form[name].data for name in people_services.PERSON_FIELDS}
    if person is None:
        person = people_services.create_person(event, actor=actor(), **fields)
    else:
        people_services.update_person(person, actor=actor(), **fields)
    people_services.set_gender(
        person,
        form.gender.data,
        form.gender_self_description.data,
        consent=form.gender_consent.data,
        actor=actor(),
    )
    return person


@bp.route("/people/new", methods=["GET", "POST"])
@organiser_required
def person_new(event: Event):
    form = PersonForm()
    if form.validate_on_submit():
        try:
            person = _save_person(event, form, None)
            db.session.commit()
        except BalanceGateError as exc:
            _gate_failed(exc, event)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("%(name)s added.", name=person.name), "success")
            return redirect(url_for("agenda_manage.person_edit", slug=event.slug, person_id=person.id))
    return render_template(
        "agenda/manage_person_form.html",
        event=event,
        form=form,
        person=None,
        purpose=PURPOSE,
        title=_("New person"),
    ), (400 if form.errors else 200)


@bp.route("/people/<int:person_id>", methods=["GET", "POST"])
@organiser_required
def person_edit(event: Event, person_id: int):
    person = owned_or_404(Person, person_id, event)
    form = PersonForm(obj=person) if request.method == "GET" else PersonForm()
    if request.method == "GET":
        form.gender.data = person.gender.value
    if request.method == "POST" and form.validate_on_submit():
        try:
            _save_person(event, form, person)
            db.session.commit()
        except BalanceGateError as exc:
            _gate_failed(exc, event)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("agenda_manage.person_edit", slug=event.slug, person_id=person.id))
    period_form = UnavailabilityForm(formdata=None)
    period_form.day.choices = _day_choices(event)
    return render_template(
        "agenda/manage_person_form.html",
        event=event,
        form=form,
        person=person,
        period_form=period_form,
        purpose=PURPOSE,
        title=person.name,
    ), (400 if form.errors else 200)


@bp.post("/people/<int:person_id>/delete")
@organiser_required
def person_delete(event: Event, person_id: int):
    person = owned_or_404(Person, person_id, event)
    try:
        people_services.delete_person(person, actor=actor())
        db.session.commit()
    except DomainError as exc:
        show_error(None, exc)
        return redirect(url_for("agenda_manage.person_edit", slug=event.slug, person_id=person_id))
    flash(_("Person deleted."), "success")
    return redirect(url_for("agenda_manage.people", slug=event.slug))


@bp.post("/people/<int:person_id>/unavailability")
@organiser_required
def period_add(event: Event, person_id: int):
    person = owned_or_404(Person, person_id, event)
    form = UnavailabilityForm()
    form.day.choices = _day_choices(event)
    if not form.validate():
        flash(_("Enter a day and both times of the unavailable period."), "error")
    else:
        day = dt.date.fromisoformat(form.day.data)
        try:
            people_services.add_unavailability(
                person,
                dt.datetime.combine(day, form.start_time.data),
                dt.datetime.combine(day, form.end_time.data),
                form.note.data,
                actor=actor(),
            )
            db.session.commit()
        except DomainError as exc:
            show_error(None, exc)
        else:
            flash(_("Unavailable period added."), "success")
    return redirect(
        url_for("agenda_manage.person_edit", slug=event.slug, person_id=person.id) + "#unavailability"
    )


@bp.post("/people/<int:person_id>/unavailability/<int:period_id>/delete")
@organiser_required
def period_delete(event: Event, person_id: int, period_id: int):
    person = owned_or_404(Person, person_id, event)
    period = db.session.get(Unavailability, period_id)
    if period is None or period.person_id != person.id:
        from flask import abort

        abort(404)
    people_services.remove_unavailability(period, actor=actor())
    db.session.commit()
    flash(_("Unavailable period removed."), "success")
    return redirect(
        url_for("agenda_manage.person_edit", slug=event.slug, person_id=person.id) + "#unavailability"
    )


# --- publishing and changes -----------------------------------------------------------


@bp.route("/publish", methods=["GET", "POST"])
@organiser_required
def publish(event: Event):
    form = PublishForm()
    conflicts = find_conflicts(event)
    gate_error = None
    if form.validate_on_submit():
        try:
            services.publish(event, actor=actor(), confirm_conflicts=form.confirm_conflicts.data)
            db.session.commit()
        except BalanceGateError as exc:
            db.session.rollback()
            gate_error = exc
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("The agenda is published."), "success")
            return redirect(url_for("agenda_manage.publish", slug=event.slug))
    warnings_func = None
    try:
        from wid_events.balance import services as balance_services

        warnings_func = getattr(balance_services, "publish_warnings", None)
    except ImportError:  # pragma: no cover
        pass
    warnings = list(warnings_func(event)) if warnings_func else []
    status = 409 if gate_error else (400 if form.errors else 200)
    return render_template(
        "agenda/manage_publish.html",
        event=event,
        form=form,
        conflicts=conflicts,
        gate_error=gate_error,
        warnings=warnings,
        balance_url=_balance_url(event),
        title=_("Publish"),
    ), status


@bp.post("/unpublish")
@organiser_required
def unpublish(event: Event):
    services.unpublish(event, actor=actor())
    db.session.commit()
    flash(_("The agenda is no longer public."), "success")
    return redirect(url_for("agenda_manage.publish", slug=event.slug))


@bp.get("/changes")
@organiser_required
def changes(event: Event):
    rows = list(
        db.session.scalars(
            sa.select(SessionChange)
            .where(SessionChange.event_id == event.id)
            .order_by(SessionChange.id.desc())
        )
    )
    pending = [c for c in rows if c.notified_at is None]
    return render_template(
        "agenda/manage_changes.html",
        event=event,
        changes=rows,
        pending=pending,
        title=_("Changes since publication"),
    )


@bp.post("/changes/notify")
@organiser_required
def changes_notify(event: Event):
    pending = services.pending_changes(event)
    if not pending:
        flash(_("There are no pending change notices."), "success")
    else:
        services.queue_notifications(event)
        flash(_("Change notices are being sent to the attendees concerned."), "success")
    return redirect(url_for("agenda_manage.changes", slug=event.slug))


# --- CSV import -----------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="agenda-csv-import")


@bp.get("/import/template.csv")
@organiser_required
def import_template(event: Event):
    body = "\ufeff" + csv_import.template_csv()
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-sessions-template.csv"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@organiser_required
def import_upload(event: Event):
    form = ImportUploadForm()
    preview = None
    token = None
    if form.validate_on_submit():
        try:
            text = csv_import.decode(form.file.data.read())
        except DomainError as exc:
            form.file.errors = [exc.message]
        else:
            preview = csv_import.parse(text, event, create_missing=form.create_missing.data)
            token = _serializer().dumps({"e": event.id, "t": text})
    confirm = ImportConfirmForm(
        formdata=None, token=token, create_missing="1" if form.create_missing.data else ""
    )
    return render_template(
        "agenda/manage_import.html",
        event=event,
        form=form,
        preview=preview,
        confirm=confirm,
        columns=csv_import.COLUMNS,
        title=_("Import sessions"),
    ), (400 if form.errors else 200)


@bp.post("/import/confirm")
@organiser_required
def import_confirm(event: Event):
    form = ImportConfirmForm()
    try:
        data = _serializer().loads(form.token.data or "")
    except BadSignature:
        flash(_("The preview expired or was changed. Please upload the file again."), "error")
        return redirect(url_for("agenda_manage.import_upload", slug=event.slug))
    if not form.validate() or data.get("e") != event.id:
        flash(_("The preview expired or was changed. Please upload the file again."), "error")
        return redirect(url_for("agenda_manage.import_upload", slug=event.slug))
    create_missing = form.create_missing.data == "1"
    preview = csv_import.parse(data["t"], event, create_missing=create_missing)
    if not preview.ok:
        flash(
            _("The data changed since the preview; please check the errors below. Nothing was imported."),
            "error",
        )
        upload = ImportUploadForm(formdata=None)
        confirm = ImportConfirmForm(
            formdata=None, token=form.token.data, create_missing=form.create_missing.data
        )
        return render_template(
            "agenda/manage_import.html",
            event=event,
            form=upload,
            preview=preview,
            confirm=confirm,
            columns=csv_import.COLUMNS,
            title=_("Import sessions"),
        ), 400
    try:
        created = csv_import.apply(preview, event, actor=actor())
        db.session.commit()
    except BalanceGateError as exc:
        _gate_failed(exc, event)
        return redirect(url_for("agenda_manage.import_upload", slug=event.slug))
    except DomainError as exc:
        show_error(None, exc)
        return redirect(url_for("agenda_manage.import_upload", slug=event.slug))
    flash(_("Imported %(n)s sessions.", n=len(created)), "success")
    return redirect(url_for("agenda_manage.editor", slug=event.slug))
