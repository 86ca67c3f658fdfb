"""Organiser side of the Job Day: exhibitors (CRUD, portal invitations), floor plan, settings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events.core.actions import actor, run_action
from wid_events.events.access import organiser_required
from wid_events.jobday import services
from wid_events.jobday.forms import ConfirmForm, ExhibitorForm, FloorPlanForm, SettingsForm
from wid_events.jobday.models import COMMITMENTS

bp = Blueprint("jobday_manage", __name__)


def _to_list(event):
    return redirect(url_for("jobday_manage.exhibitors", slug=event.slug), code=303)


def _to_settings(event):
    return redirect(url_for("jobday_manage.settings", slug=event.slug), code=303)


def _values(form: ExhibitorForm) -> dict:
    return {name: form[name].data for name in services.EXHIBITOR_FIELDS}


@bp.get("/manage/events/<slug>/exhibitors")
@organiser_required
def exhibitors(event):
    items = services.exhibitors(event)
    return render_template(
        "jobday/manage/list.html",
        title=_("Exhibitors"),
        event=event,
        items=[
            (e, services.link_status(e), len(services.exhibitor_bookings(e)), services.free_slot_count(e))
            for e in items
        ],
        confirm_form=ConfirmForm(),
    )


def _render_edit(event, form, item, status=200):
    return render_template(
        "jobday/manage/edit.html",
        title=item.name if item else _("New exhibitor"),
        event=event,
        form=form,
        item=item,
        commitments=COMMITMENTS,
        link=services.link_status(item) if item else None,
    ), status


@bp.route("/manage/events/<slug>/exhibitors/new", methods=["GET", "POST"])
@organiser_required
def new(event):
    form = ExhibitorForm()
    if request.method == "GET":
        return _render_edit(event, form, None)
    if form.validate():
        done = run_action(services.create_exhibitor, event, _values(form), actor=actor(), form=form)
        if done:
            flash(_("%(name)s is added.", name=done.value.name), "success")
            return _to_list(event)
    return _render_edit(event, form, None, 400)


@bp.route("/manage/events/<slug>/exhibitors/<int:exhibitor_id>", methods=["GET", "POST"])
@organiser_required
def edit(event, exhibitor_id: int):
    item = services.get_exhibitor(event, exhibitor_id)
    form = ExhibitorForm(obj=item)
    if request.method == "GET":
        form.sectors.data = ", ".join(item.sectors or [])
        form.kind.data = item.kind.value
        return _render_edit(event, form, item)
    if not form.validate():
        return _render_edit(event, form, item, 400)
    if run_action(services.update_exhibitor, item, _values(form), actor=actor(), form=form):
        flash(_("%(name)s is saved.", name=item.name), "success")
        return _to_list(event)
    return _render_edit(event, form, item, 400)


@bp.post("/manage/events/<slug>/exhibitors/<int:exhibitor_id>/delete")
@organiser_required
def delete(event, exhibitor_id: int):
    item = services.get_exhibitor(event, exhibitor_id)
    if not ConfirmForm().validate():
        abort(400)
    name = item.name
    if run_action(services.delete_exhibitor, item, actor=actor()):
        flash(_("%(name)s is deleted.", name=name), "success")
    return _to_list(event)


@bp.post("/manage/events/<slug>/exhibitors/<int:exhibitor_id>/invite")
@organiser_required
def invite(event, exhibitor_id: int):
    item = services.get_exhibitor(event, exhibitor_id)
    if not ConfirmForm().validate():
        abort(400)
    if run_action(services.invite, item, actor=actor()):
        flash(_("The exhibitor page link was emailed to %(email)s.", email=item.contact_email), "success")
    return _to_list(event)


@bp.post("/manage/events/<slug>/exhibitors/<int:exhibitor_id>/revoke")
@organiser_required
def revoke(event, exhibitor_id: int):
    item = services.get_exhibitor(event, exhibitor_id)
    if not ConfirmForm().validate():
        abort(400)
    done = run_action(services.revoke_links, item, actor=actor())
    if done:
        flash(ngettext("%(num)d link withdrawn.", "%(num)d links withdrawn.", done.value), "success")
    return _to_list(event)


def _render_settings(event, current, settings_form, plan_form, status=200):
    items = sorted(services.exhibitors(event), key=lambda e: (not e.booth, services.fold(e.booth), e.name))
    return render_template(
        "jobday/manage/settings.html",
        title=_("Job Day settings"),
        event=event,
        settings=current,
        settings_form=settings_form,
        plan_form=plan_form,
        items=items,
        default_limit=services.max_bookings(event) if not (current and current.max_bookings) else None,
    ), status


@bp.route("/manage/events/<slug>/jobday", methods=["GET", "POST"])
@organiser_required
def settings(event):
    current = services.settings_for(event)
    settings_form = SettingsForm(
        max_bookings=current.max_bookings if current else None,
        floor_plan_alt=current.floor_plan_alt if current else "",
    )
    plan_form = FloorPlanForm(alt=current.floor_plan_alt if current else "")
    if request.method == "GET":
        return _render_settings(event, current, settings_form, plan_form)
    action = request.form.get("action")
    if action == "remove_plan":
        if not ConfirmForm().validate():
            abort(400)
        run_action(services.remove_floor_plan, event, actor=actor())
        return _to_settings(event)
    if action == "floor_plan":
        plan_form = FloorPlanForm()
        if plan_form.validate() and run_action(
            services.set_floor_plan,
            event,
            plan_form.image.data,
            alt=plan_form.alt.data or "",
            actor=actor(),
            form=plan_form,
        ):
            flash(_("The floor plan is saved."), "success")
            return _to_settings(event)
    else:
        settings_form = SettingsForm()
        if settings_form.validate() and run_action(
            services.update_settings,
            event,
            max_bookings_value=settings_form.max_bookings.data,
            alt=settings_form.floor_plan_alt.data,
            actor=actor(),
            form=settings_form,
        ):
            flash(_("The settings are saved."), "success")
            return _to_settings(event)
    return _render_settings(event, current, settings_form, plan_form, 400)
