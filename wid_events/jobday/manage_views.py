"""Organiser side of the Job Day: exhibitors (CRUD, portal invitations), floor plan, settings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wid_events.errors import DomainError
from wid_events.events.access import organiser_required
from wid_events.extensions import db
from wid_events.jobday import services
from wid_events.jobday.forms import ConfirmForm, ExhibitorForm, FloorPlanForm, SettingsForm
from wid_events.jobday.models import COMMITMENTS

bp = Blueprint("jobday_manage", __name__)


def _actor():
    return current_user._get_current_object()


def _apply_error(form, exc: DomainError) -> None:
    if exc.field and exc.field in form:
        form[exc.field].errors = [*list(form[exc.field].errors or []), exc.message]
    else:
        form.form_errors.append(exc.message)


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
    if request.method == "POST":
        if form.validate():
            try:
                item = services.create_exhibitor(event, _values(form), actor=_actor())
                db.session.commit()
                flash(_("%(name)s is added.", name=item.name), "success")
                return redirect(url_for("jobday_manage.exhibitors", slug=event.slug), code=303)
            except DomainError as exc:
                db.session.rollback()
                _apply_error(form, exc)
        return _render_edit(event, form, None, 400)
    return _render_edit(event, form, None)


@bp.route("/manage/events/<slug>/exhibitors/<int:exhibitor_id>", methods=["GET", "POST"])
@organiser_required
def edit(event, exhibitor_id: int):
    item = services.get_exhibitor(event, exhibitor_id)
    form = ExhibitorForm(obj=item)
    if request.method == "GET":
        form.sectors.data = ", ".join(item.sectors or [])
        form.kind.data = item.kind.value
        return _render_edit(event, form, item)
    if form.validate():
        try:
            services.update_exhibitor(item, _values(form), actor=_actor())
            db.session.commit()
            flash(_("%(name)s is saved.", name=item.name), "success")
            return redirect(url_for("jobday_manage.exhibitors", slug=event.slug), code=303)
        except DomainError as exc:
            db.session.rollback()
            _apply_error(form, exc)
    return _render_edit(event, form, item, 400)


@bp.post("/manage/events/<slug>/exhibitors/<int:exhibitor_id>/delete")
@organiser_required
def delete(event, exhibitor_id: int):
    item = services.get_exhibitor(event, exhibitor_id)
    if not ConfirmForm().validate():
        abort(400)
    name = item.name
    services.delete_exhibitor(item, actor=_actor())
    db.session.commit()
    flash(_("%(name)s is deleted.", name=name), "success")
    return redirect(url_for("jobday_manage.exhibitors", slug=event.slug), code=303)


@bp.post("/manage/events/<slug>/exhibitors/<int:exhibitor_id>/invite")
@organiser_required
def invite(event, exhibitor_id: int):
    item = services.get_exhibitor(event, exhibitor_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        services.invite(item, actor=_actor())
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("jobday_manage.exhibitors", slug=event.slug), code=303)
    flash(_("The exhibitor page link was emailed to %(email)s.", email=item.contact_email), "success")
    return redirect(url_for("jobday_manage.exhibitors", slug=event.slug), code=303)


@bp.post("/manage/events/<slug>/exhibitors/<int:exhibitor_id>/revoke")
@organiser_required
def revoke(event, exhibitor_id: int):
    item = services.get_exhibitor(event, exhibitor_id)
    if not ConfirmForm().validate():
        abort(400)
    n = services.revoke_links(item, actor=_actor())
    db.session.commit()
    flash(_("%(n)s link(s) withdrawn.", n=n), "success")
    return redirect(url_for("jobday_manage.exhibitors", slug=event.slug), code=303)


@bp.route("/manage/events/<slug>/jobday", methods=["GET", "POST"])
@organiser_required
def settings(event):
    current = services.settings_for(event)
    settings_form = SettingsForm(
        max_bookings=current.max_bookings if current else None,
        floor_plan_alt=current.floor_plan_alt if current else "",
    )
    plan_form = FloorPlanForm(alt=current.floor_plan_alt if current else "")
    status = 200
    if request.method == "POST":
        action = request.form.get("action")
        if action == "floor_plan":
            plan_form = FloorPlanForm()
            if plan_form.validate():
                try:
                    services.set_floor_plan(
                        event, plan_form.image.data, alt=plan_form.alt.data or "", actor=_actor()
                    )
                    db.session.commit()
                    flash(_("The floor plan is saved."), "success")
                    return redirect(url_for("jobday_manage.settings", slug=event.slug), code=303)
                except DomainError as exc:
                    db.session.rollback()
                    _apply_error(plan_form, exc)
            status = 400
        elif action == "remove_plan":
            if not ConfirmForm().validate():
                abort(400)
            services.remove_floor_plan(event, actor=_actor())
            db.session.commit()
            return redirect(url_for("jobday_manage.settings", slug=event.slug), code=303)
        else:
            settings_form = SettingsForm()
            if settings_form.validate():
                try:
                    services.update_settings(
                        event,
                        max_bookings_value=settings_form.max_bookings.data,
                        alt=settings_form.floor_plan_alt.data,
                        actor=_actor(),
                    )
                    db.session.commit()
                    flash(_("The settings are saved."), "success")
                    return redirect(url_for("jobday_manage.settings", slug=event.slug), code=303)
                except DomainError as exc:
                    db.session.rollback()
                    _apply_error(settings_form, exc)
            status = 400
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
