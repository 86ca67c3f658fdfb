"""The organiser area (``/manage/…``): dashboard, new events, settings, rooms, tracks,
organiser rights and duplicating an event."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from wid_events.accounts import services as account_services
from wid_events.accounts.models import EventOrganiser
from wid_events.agenda.conflicts import find_conflicts
from wid_events.agenda.models import Session
from wid_events.errors import DomainError
from wid_events.events import services
from wid_events.events.access import organiser_required
from wid_events.events.forms import (
    COMMON_TIMEZONES,
    DuplicateForm,
    EventSettingsForm,
    NewEventForm,
    OrganiserForm,
    RoomForm,
    TrackForm,
)
from wid_events.events.models import Event, Room, Track
from wid_events.extensions import db
from wid_events.speakers.models import Person

bp = Blueprint("manage", __name__, url_prefix="/manage")


# --- helpers shared with the other organiser blueprints ---------------------------------


def actor():
    return current_user._get_current_object()


def show_error(form, exc: DomainError) -> None:
    """Put a service's refusal next to the field it concerns (or on top of the page)."""
    db.session.rollback()
    if form is not None and exc.field and exc.field in form:
        form[exc.field].errors = [*list(form[exc.field].errors or []), exc.message]
    else:
        flash(exc.message, "error")


def owned_or_404(model, ident: int, event: Event):
    obj = db.session.get(model, ident)
    if obj is None or getattr(obj, "event_id", None) != event.id:
        abort(404)
    return obj


def balance_report_url(event: Event) -> str:
    if "balance_manage.report" in current_app.view_functions:
        return url_for("balance_manage.report", slug=event.slug)
    return f"/manage/events/{event.slug}/balance"


@bp.app_context_processor
def manage_helpers():
    def has_endpoint(name: str) -> bool:
        return name in current_app.view_functions

    def pop_balance_gate() -> str | None:
        """The slug of an event whose balance gate just refused a change (shown once)."""
        return flask_session.pop("balance_gate", None)

    return {
        "has_endpoint": has_endpoint,
        "balance_report_url": balance_report_url,
        "pop_balance_gate": pop_balance_gate,
    }


def _series_choices(form) -> None:
    form.series_id.choices = [("", _("No series"))] + [(str(s.id), s.title) for s in services.all_series()]


def _series_id(form) -> int | None:
    if form.new_series.data:
        return services.create_series(form.new_series.data, actor=actor()).id
    return int(form.series_id.data) if form.series_id.data else None


# --- dashboard and events -------------------------------------------------------------


@bp.get("/")
@login_required
def dashboard():
    events = account_services.organised_events(current_user)
    ids = [e.id for e in events]
    counts: dict[int, dict[str, int]] = {i: {"sessions": 0, "people": 0, "registrations": 0} for i in ids}
    if ids:
        for eid, n in db.session.execute(
            sa.select(Session.event_id, sa.func.count())
            .where(Session.event_id.in_(ids))
            .group_by(Session.event_id)
        ):
            counts[eid]["sessions"] = n
        for eid, n in db.session.execute(
            sa.select(Person.event_id, sa.func.count())
            .where(Person.event_id.in_(ids))
            .group_by(Person.event_id)
        ):
            counts[eid]["people"] = n
        from wid_events.registration.models import Registration

        for eid, n in db.session.execute(
            sa.select(Registration.event_id, sa.func.count())
            .where(Registration.event_id.in_(ids))
            .group_by(Registration.event_id)
        ):
            counts[eid]["registrations"] = n
    return render_template("manage/dashboard.html", events=events, counts=counts, title=_("Your events"))


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def new_event():
    if not current_user.is_admin:
        abort(403)
    form = NewEventForm()
    _series_choices(form)
    if form.validate_on_submit():
        try:
            event = services.create_event(
                actor=actor(),
                title=form.title.data,
                slug=form.slug.data,
                start_date=form.start_date.data,
                end_date=form.end_date.data,
                timezone=form.timezone.data,
                mode=form.mode.data,
                series_id=_series_id(form),
                edition=form.edition.data,
            )
            db.session.commit()
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Event created as a draft. Add rooms, people and sessions, then publish."), "success")
            return redirect(url_for("manage.event_home", slug=event.slug))
    return render_template(
        "manage/event_new.html", form=form, timezones=COMMON_TIMEZONES, title=_("New event")
    ), (400 if form.errors else 200)


@bp.get("/events/<slug>/")
@organiser_required
def event_home(event: Event):
    conflicts = find_conflicts(event)
    return render_template("manage/event_home.html", event=event, conflicts=conflicts, title=event.title)


@bp.route("/events/<slug>/settings", methods=["GET", "POST"])
@organiser_required
def settings(event: Event):
    form = EventSettingsForm(obj=event) if request.method == "GET" else EventSettingsForm()
    _series_choices(form)
    if request.method == "GET":
        form.series_id.data = str(event.series_id) if event.series_id else ""
        form.mode.data = event.mode.value
    if form.validate_on_submit():
        fields = {
            name: form[name].data for name in services.EVENT_FIELDS if name in form and name != "series_id"
        }
        for optional_number in (
            "balance_min_women_per_panel",
            "balance_target_share_women",
            "balance_base_rate",
        ):
            if fields.get(optional_number) is None:
                fields.pop(optional_number, None)
        try:
            fields["series_id"] = _series_id(form)
            changes = services.update_event(event, actor=actor(), **fields)
            db.session.commit()
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(
                ngettext("Saved %(num)d change.", "Saved %(num)d changes.", len(changes))
                if changes
                else _("Nothing changed."),
                "success",
            )
            return redirect(url_for("manage.settings", slug=event.slug))
    return render_template(
        "manage/event_settings.html", event=event, form=form, timezones=COMMON_TIMEZONES, title=_("Settings")
    ), (400 if form.errors else 200)


# --- rooms ----------------------------------------------------------------------------


@bp.route("/events/<slug>/rooms", methods=["GET", "POST"])
@organiser_required
def rooms(event: Event):
    form = RoomForm()
    if form.validate_on_submit():
        try:
            room = services.create_room(
                event, form.name.data, form.capacity.data, actor=actor(), position=form.position.data
            )
            db.session.commit()
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Room “%(name)s” added.", name=room.name), "success")
            return redirect(url_for("manage.rooms", slug=event.slug))
    usage = dict(
        db.session.execute(
            sa.select(Session.room_id, sa.func.count())
            .where(Session.event_id == event.id)
            .group_by(Session.room_id)
        ).all()
    )
    return render_template("manage/rooms.html", event=event, form=form, usage=usage, title=_("Rooms")), (
        400 if form.errors else 200
    )


@bp.route("/events/<slug>/rooms/<int:room_id>", methods=["GET", "POST"])
@organiser_required
def room_edit(event: Event, room_id: int):
    room = owned_or_404(Room, room_id, event)
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        try:
            services.update_room(
                room,
                actor=actor(),
                name=form.name.data,
                capacity=form.capacity.data,
                position=form.position.data,
            )
            db.session.commit()
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Room saved."), "success")
            return redirect(url_for("manage.rooms", slug=event.slug))
    return render_template("manage/room_edit.html", event=event, form=form, room=room, title=room.name), (
        400 if form.errors else 200
    )


@bp.post("/events/<slug>/rooms/<int:room_id>/delete")
@organiser_required
def room_delete(event: Event, room_id: int):
    room = owned_or_404(Room, room_id, event)
    try:
        services.delete_room(room, actor=actor())
        db.session.commit()
    except DomainError as exc:
        show_error(None, exc)
    else:
        flash(_("Room deleted."), "success")
    return redirect(url_for("manage.rooms", slug=event.slug))


# --- tracks ---------------------------------------------------------------------------


@bp.route("/events/<slug>/tracks", methods=["GET", "POST"])
@organiser_required
def tracks(event: Event):
    form = TrackForm()
    if form.validate_on_submit():
        try:
            track = services.create_track(event, form.name.data, actor=actor())
            db.session.commit()
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Track “%(name)s” added.", name=track.name), "success")
            return redirect(url_for("manage.tracks", slug=event.slug))
    usage = dict(
        db.session.execute(
            sa.select(Session.track_id, sa.func.count())
            .where(Session.event_id == event.id)
            .group_by(Session.track_id)
        ).all()
    )
    return render_template("manage/tracks.html", event=event, form=form, usage=usage, title=_("Tracks")), (
        400 if form.errors else 200
    )


@bp.route("/events/<slug>/tracks/<int:track_id>", methods=["GET", "POST"])
@organiser_required
def track_edit(event: Event, track_id: int):
    track = owned_or_404(Track, track_id, event)
    form = TrackForm(obj=track)
    if form.validate_on_submit():
        try:
            services.update_track(track, actor=actor(), name=form.name.data)
            db.session.commit()
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Track saved."), "success")
            return redirect(url_for("manage.tracks", slug=event.slug))
    return render_template("manage/track_edit.html", event=event, form=form, track=track, title=track.name), (
        400 if form.errors else 200
    )


@bp.post("/events/<slug>/tracks/<int:track_id>/delete")
@organiser_required
def track_delete(event: Event, track_id: int):
    track = owned_or_404(Track, track_id, event)
    try:
        services.delete_track(track, actor=actor())
        db.session.commit()
    except DomainError as exc:
        show_error(None, exc)
    else:
        flash(_("Track deleted."), "success")
    return redirect(url_for("manage.tracks", slug=event.slug))


# --- organisers -----------------------------------------------------------------------


@bp.route("/events/<slug>/organisers", methods=["GET", "POST"])
@organiser_required
def organisers(event: Event):
    form = OrganiserForm()
    if request.method == "POST":
        if not current_user.is_admin:
            abort(403)
        if form.validate_on_submit():
            try:
                account_services.grant_organiser(event, form.email.data, actor=actor())
                db.session.commit()
            except DomainError as exc:
                show_error(form, exc)
            else:
                flash(_("%(email)s can now organise this event.", email=form.email.data), "success")
                return redirect(url_for("manage.organisers", slug=event.slug))
    roles = list(
        db.session.scalars(
            sa.select(EventOrganiser).where(EventOrganiser.event_id == event.id).order_by(EventOrganiser.id)
        )
    )
    return render_template(
        "manage/organisers.html", event=event, form=form, roles=roles, title=_("Organisers")
    ), (400 if form.errors else 200)


@bp.post("/events/<slug>/organisers/revoke")
@organiser_required
def organiser_revoke(event: Event):
    if not current_user.is_admin:
        abort(403)
    email = request.form.get("email", "")
    try:
        account_services.revoke_organiser(event, email, actor=actor())
        db.session.commit()
    except DomainError as exc:
        show_error(None, exc)
    else:
        flash(_("%(email)s no longer organises this event.", email=email), "success")
    return redirect(url_for("manage.organisers", slug=event.slug))


# --- duplicate ------------------------------------------------------------------------


@bp.route("/events/<slug>/duplicate", methods=["GET", "POST"])
@organiser_required
def duplicate(event: Event):
    form = DuplicateForm()
    if request.method == "GET":
        form.title.data = event.title
        form.edition.data = (event.edition + 1) if event.edition else None
    if form.validate_on_submit():
        try:
            new = services.duplicate_event(
                event,
                actor=actor(),
                slug=form.slug.data,
                title=form.title.data,
                start_date=form.start_date.data,
                edition=form.edition.data,
            )
            db.session.commit()
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(
                _(
                    "Draft “%(title)s” created with the rooms, tracks and sessions (without speakers).",
                    title=new.title,
                ),
                "success",
            )
            return redirect(url_for("manage.event_home", slug=new.slug))
    return render_template("manage/duplicate.html", event=event, form=form, title=_("Duplicate event")), (
        400 if form.errors else 200
    )
