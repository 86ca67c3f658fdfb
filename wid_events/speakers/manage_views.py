"""Organiser side of the speaker portal: personal links, invitation answers, material review."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from wtforms.fields.choices import SelectChoice

from wid_events.agenda.models import Session
from wid_events.core.actions import actor, owned_or_404, run_action
from wid_events.core.web import local_date, local_time
from wid_events.errors import NotFound
from wid_events.events.access import organiser_required
from wid_events.people.models import Person
from wid_events.speakers import services
from wid_events.speakers.forms import OrganiserMaterialForm
from wid_events.uploads import DOCUMENT_KINDS, kinds_label

bp = Blueprint("speakers_manage", __name__, url_prefix="/manage/events/<slug>")


@bp.get("/speaker-links")
@organiser_required
def invitations(event):
    people = [(p, services.link_status(p)) for p in event.people]
    return render_template(
        "speakers/manage_invitations.html",
        title=_("Speaker links and answers"),
        event=event,
        people=people,
    )


@bp.post("/speaker-links/<int:person_id>/send")
@organiser_required
def send_link(event, person_id: int):
    person = owned_or_404(Person, person_id, event)
    had_link = services.link_status(person) is not None
    if not run_action(services.invite, person, actor=actor()):
        return redirect(url_for(".invitations", slug=event.slug))
    if had_link:
        flash(
            _("A new link has been emailed to %(name)s; the previous one no longer works.", name=person.name),
            "success",
        )
    else:
        flash(_("The invitation has been emailed to %(name)s.", name=person.name), "success")
    return redirect(url_for(".invitations", slug=event.slug))


@bp.post("/speaker-links/send-all")
@organiser_required
def send_all(event):
    done = run_action(services.invite_uninvited, event, actor=actor())
    if not done:
        return redirect(url_for(".invitations", slug=event.slug))
    invited, skipped = done.value
    flash(
        ngettext(
            "%(num)d invitation has been emailed.", "%(num)d invitations have been emailed.", len(invited)
        ),
        "success",
    )
    if skipped:
        flash(_("No email address for: %(names)s.", names=", ".join(p.name for p in skipped)), "error")
    return redirect(url_for(".invitations", slug=event.slug))


@bp.post("/speaker-links/<int:person_id>/revoke")
@organiser_required
def revoke_link(event, person_id: int):
    person = owned_or_404(Person, person_id, event)
    done = run_action(services.revoke_links, person, actor=actor())
    if not done:
        return redirect(url_for(".invitations", slug=event.slug))
    if done.value:
        flash(_("The link of %(name)s has been revoked.", name=person.name), "success")
    else:
        flash(_("%(name)s had no active link.", name=person.name), "success")
    return redirect(url_for(".invitations", slug=event.slug))


def _upload_form(event, *, submitted: bool = False) -> OrganiserMaterialForm:
    # FlaskForm reads request.form and request.files itself when submitted.
    form = (
        OrganiserMaterialForm(prefix="o") if submitted else OrganiserMaterialForm(prefix="o", formdata=None)
    )
    form.session_id.choices = [
        SelectChoice(s.id, f"{s.title} ({local_date(s.start)} {local_time(s.start)})") for s in event.sessions
    ]
    return form


def _materials_page(event, form=None, status: int = 200):
    return render_template(
        "speakers/manage_materials.html",
        title=_("Speaker materials"),
        event=event,
        materials=services.event_materials(event),
        missing=services.sessions_missing_slides(event),
        is_public=services.is_public,
        upload_form=form or _upload_form(event),
        max_mb=current_app.config["MAX_UPLOAD_MB"],
        accepted=kinds_label(DOCUMENT_KINDS),
    ), status


@bp.get("/materials")
@organiser_required
def materials(event):
    return _materials_page(event)


@bp.post("/materials/upload")
@organiser_required
def upload(event):
    form = _upload_form(event, submitted=True)
    if not form.validate_on_submit():
        return _materials_page(event, form, 422)
    session = owned_or_404(Session, form.session_id.data, event)
    done = run_action(
        services.add_file_material,
        session,
        form.file.data,
        title=form.title.data or "",
        visibility=form.visibility.data,
        person=None,
        actor=actor(),
        form=form,
    )
    if not done:
        return _materials_page(event, form, done.error.status)
    material = done.value
    flash(
        _("“%(title)s” has been added to “%(session)s”.", title=material.title, session=session.title),
        "success",
    )
    return redirect(url_for(".materials", slug=event.slug))


@bp.post("/materials/<int:material_id>/hidden")
@organiser_required
def set_hidden(event, material_id: int):
    try:
        material = services.get_material(material_id, event)
    except NotFound:
        abort(404)
    hidden = request.form.get("hidden") == "1"
    if not run_action(services.set_hidden, material, hidden, actor=actor()):
        return redirect(url_for(".materials", slug=event.slug))
    if hidden:
        flash(_("“%(title)s” is now hidden from the public.", title=material.title), "success")
    else:
        flash(
            _("“%(title)s” is visible again (following its visibility setting).", title=material.title),
            "success",
        )
    return redirect(url_for(".materials", slug=event.slug))


@bp.post("/materials/remind")
@organiser_required
def remind(event):
    done = run_action(services.remind_missing_slides, event, actor=actor())
    if not done:
        return redirect(url_for(".materials", slug=event.slug))
    sent, skipped = done.value
    flash(
        ngettext(
            "A reminder has been emailed to %(num)d speaker.",
            "A reminder has been emailed to %(num)d speakers.",
            sent,
        ),
        "success",
    )
    if skipped:
        flash(_("No email address for: %(names)s.", names=", ".join(p.name for p in skipped)), "error")
    return redirect(url_for(".materials", slug=event.slug))
