"""The organiser area (``/manage/…``): dashboard, new events, settings, rooms, tracks,
organiser rights and duplicating an event."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import login_required

from wid_events.accounts.models import EventOrganiser
from wid_events.accounts.permissions import require_admin
from wid_events.core.actions import actor, run_action
from wid_events.core.content_forms import fill_translations, translations_from
from wid_events.events import look, services
from wid_events.events import organisers as organiser_services
from wid_events.events.access import organiser_required
from wid_events.events.crud import EventCrud
from wid_events.events.forms import (
    EVENT_TRANSLATED,
    DuplicateForm,
    EventSettingsForm,
    LookForm,
    NewEventForm,
    OrganiserForm,
    RoomForm,
    TrackForm,
    timezone_choices,
)
from wid_events.events.models import Event, Room, Track
from wid_events.extensions import db

bp = Blueprint("manage", __name__, url_prefix="/manage")


# --- helpers shared with the other organiser blueprints ---------------------------------


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


def _timezone_choices(form) -> None:
    default = current_app.config.get("DEFAULT_TIMEZONE", "Europe/Brussels")
    form.timezone.choices = timezone_choices(default, form.timezone.data)


def _series_id(form) -> int | None:
    if form.new_series.data:
        return services.create_series(form.new_series.data, actor=actor()).id
    return int(form.series_id.data) if form.series_id.data else None


def _with_series(service, form, *args, **fields):
    """Call ``service`` with the series the form picked (creating the new series it names)."""
    fields["series_id"] = _series_id(form)
    return service(*args, **fields)


# --- dashboard and events -------------------------------------------------------------


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def new_event():
    require_admin(actor())
    form = NewEventForm()
    _series_choices(form)
    _timezone_choices(form)
    if form.validate_on_submit():
        done = run_action(
            _with_series,
            services.create_event,
            form,
            form=form,
            actor=actor(),
            title=form.title.data,
            slug=form.slug.data,
            start_date=form.start_date.data,
            end_date=form.end_date.data,
            timezone=form.timezone.data,
            mode=form.mode.data,
            series_id=None,  # the form's series, set by _with_series (keeps the audit's field order)
            edition=form.edition.data,
        )
        if done:
            flash(_("Event created as a draft. Add rooms, people and sessions, then publish."), "success")
            return redirect(url_for("manage.event_home", slug=done.value.slug))
    return render_template("manage/event_new.html", form=form, title=_("New event")), (
        400 if form.errors else 200
    )


@bp.route("/events/<slug>/settings", methods=["GET", "POST"])
@organiser_required
def settings(event: Event):
    form = EventSettingsForm(obj=event) if request.method == "GET" else EventSettingsForm()
    _series_choices(form)
    _timezone_choices(form)
    if request.method == "GET":
        form.series_id.data = str(event.series_id) if event.series_id else ""
        form.mode.data = event.mode.value
        fill_translations(form, event, services.EVENT_TEXTS)
    if form.validate_on_submit():
        fields = {
            name: form[name].data for name in services.EVENT_FIELDS if name in form and name != "series_id"
        }
        fields["translations"] = _submitted_translations(form, event, services.EVENT_TEXTS)
        for optional_number in (
            "balance_min_women_per_panel",
            "balance_target_share_women",
            "balance_base_rate",
        ):
            if fields.get(optional_number) is None:
                fields.pop(optional_number, None)
        done = run_action(
            _with_series, services.update_event, form, event, form=form, actor=actor(), **fields
        )
        if done:
            changes = done.value
            flash(
                ngettext("Saved %(num)d change.", "Saved %(num)d changes.", len(changes))
                if changes
                else _("Nothing changed."),
                "success",
            )
            return redirect(url_for("manage.settings", slug=event.slug))
    return render_template(
        "manage/event_settings.html", event=event, form=form, translated=EVENT_TRANSLATED, title=_("Settings")
    ), (400 if form.errors else 200)


def _submitted_translations(form, obj, fields: tuple[str, ...]) -> dict:
    """The form's translations; the default language's own (not shown) is kept as stored."""
    default = getattr(obj, "default_language", None) or getattr(obj.event, "default_language", "en")
    out = translations_from(form, fields, default)
    stored = (obj.translations or {}).get(default)
    if stored:
        out[default] = stored
    return out


@bp.route("/events/<slug>/look", methods=["GET", "POST"])
@organiser_required
def event_look(event: Event):
    """Logo, accent colour and header image (checked and cleaned; the colour for WCAG AA)."""
    form = LookForm(obj=event) if request.method == "GET" else LookForm()
    if form.validate_on_submit():
        done = run_action(
            look.update_look,
            event,
            form=form,
            actor=actor(),
            accent_colour=form.accent_colour.data,
            logo=form.logo.data,
            header_image=form.header_image.data,
            header_image_alt=form.header_image_alt.data,
            remove_logo=form.remove_logo.data,
            remove_header=form.remove_header.data,
        )
        if done:
            flash(_("The look of the event is saved."), "success")
            return redirect(url_for("manage.event_look", slug=event.slug), code=303)
    return render_template("manage/event_look.html", event=event, form=form, title=_("Look")), (
        400 if form.errors else 200
    )


# --- rooms and tracks: one generic list/edit/delete view each --------------------------


class _SessionPlaceCrud(EventCrud):
    """Rooms and tracks: their list shows how many sessions use each."""

    #: The Session column that points at this kind of place ("room_id", "track_id").
    session_column: str

    def usage(self, event):
        return Counter(getattr(session, self.session_column) for session in event.sessions)


class RoomCrud(_SessionPlaceCrud):
    kind, plural, model, form_class, session_column = "room", "rooms", Room, RoomForm, "room_id"
    list_title, saved_message, deleted_message = _l("Rooms"), _l("Room saved."), _l("Room deleted.")
    added_message = _l("Room “%(name)s” added.")

    def create(self, event, form, *, actor):
        return services.create_room(
            event, form.name.data, form.capacity.data, actor=actor, position=form.position.data
        )

    def update(self, obj, form, *, actor):
        return services.update_room(
            obj,
            actor=actor,
            name=form.name.data,
            capacity=form.capacity.data,
            position=form.position.data,
            translations=_submitted_translations(form, obj, ("name",)),
        )

    def fill(self, form, obj):
        fill_translations(form, obj, ("name",))

    def delete(self, obj, *, actor):
        services.delete_room(obj, actor=actor)


class TrackCrud(_SessionPlaceCrud):
    kind, plural, model, form_class, session_column = "track", "tracks", Track, TrackForm, "track_id"
    list_title, saved_message, deleted_message = _l("Tracks"), _l("Track saved."), _l("Track deleted.")
    added_message = _l("Track “%(name)s” added.")

    def create(self, event, form, *, actor):
        return services.create_track(event, form.name.data, actor=actor)

    def update(self, obj, form, *, actor):
        return services.update_track(
            obj, actor=actor, name=form.name.data, translations=_submitted_translations(form, obj, ("name",))
        )

    def fill(self, form, obj):
        fill_translations(form, obj, ("name",))

    def delete(self, obj, *, actor):
        services.delete_track(obj, actor=actor)


RoomCrud.register(bp)
TrackCrud.register(bp)


# --- organisers -----------------------------------------------------------------------


@bp.route("/events/<slug>/organisers", methods=["GET", "POST"])
@organiser_required
def organisers(event: Event):
    form = OrganiserForm()
    if request.method == "POST":
        require_admin(actor())
        if form.validate_on_submit() and run_action(
            organiser_services.grant_organiser, event, form.email.data, actor=actor(), form=form
        ):
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
    require_admin(actor())
    email = request.form.get("email", "")
    if run_action(organiser_services.revoke_organiser, event, email, actor=actor()):
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
        done = run_action(
            services.duplicate_event,
            event,
            form=form,
            actor=actor(),
            slug=form.slug.data,
            title=form.title.data,
            start_date=form.start_date.data,
            edition=form.edition.data,
        )
        if done:
            flash(
                _(
                    "Draft “%(title)s” created with the rooms, tracks, people and sessions with their "
                    "speakers. The stream link was cleared and there are no registrations yet. Review "
                    "the dates and the description now.",
                    title=done.value.title,
                ),
                "success",
            )
            return redirect(url_for("manage.settings", slug=done.value.slug))
    return render_template("manage/duplicate.html", event=event, form=form, title=_("Duplicate event")), (
        400 if form.errors else 200
    )
