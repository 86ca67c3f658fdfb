"""The speaker portal's materials pages, and material downloads for everyone.

These routes belong to the portal's blueprint (``speakers_portal``), defined in
:mod:`wid_events.speakers.portal_views`; :mod:`wid_events.wiring` imports this module so that
they are registered with it.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _

from wid_events.agenda.models import Session
from wid_events.core.actions import actor, owned_or_404, run_action
from wid_events.errors import NotFound, PermissionDenied
from wid_events.events.access import event_or_404
from wid_events.extensions import db
from wid_events.people.models import Person
from wid_events.speakers import services
from wid_events.speakers.forms import FileMaterialForm, LinkMaterialForm, VersionForm, VisibilityForm
from wid_events.speakers.models import Material, MaterialVersion
from wid_events.speakers.portal_views import bp, current_speaker, speaker_required
from wid_events.storage import StorageError, get_storage
from wid_events.uploads import DOCUMENT_KINDS, content_disposition, kinds_label

# --- materials ------------------------------------------------------------------------------


def _materials_page(
    person: Person, session: Session, *, file_form=None, link_form=None, version_forms=None, status: int = 200
):
    materials = services.session_materials(session)
    version_forms = version_forms or {}
    return render_template(
        "speakers/portal_materials.html",
        title=_("Materials: %(title)s", title=session.title),
        person=person,
        event=person.event,
        session=session,
        materials=materials,
        file_form=file_form or FileMaterialForm(prefix="f", formdata=None),
        link_form=link_form or LinkMaterialForm(prefix="l", formdata=None),
        version_forms={
            m.id: version_forms.get(m.id) or VersionForm(prefix=f"v{m.id}", formdata=None) for m in materials
        },
        visibility_forms={
            m.id: VisibilityForm(prefix=f"vis{m.id}", formdata=None, visibility=m.visibility.value)
            for m in materials
        },
        max_mb=current_app.config["MAX_UPLOAD_MB"],
        accepted=kinds_label(DOCUMENT_KINDS),
        is_public=services.is_public,
    ), status


def _own_session_or_403(person: Person, session_id: int) -> Session:
    try:
        return services.require_own_session(person, session_id)
    except PermissionDenied:
        abort(403, _("You can only manage materials of your own sessions."))
    except NotFound:
        abort(404)


def _own_material(person: Person, material_id: int) -> Material:
    material = db.session.get(Material, material_id)
    if material is None:
        abort(404)
    _own_session_or_403(person, material.session_id)
    return material


@bp.get("/speaker/sessions/<int:session_id>/materials")
@speaker_required
def materials(person: Person, session_id: int):
    session = _own_session_or_403(person, session_id)
    return _materials_page(person, session)


def _add_material(person: Person, session: Session, form, kind: str, message: str, *, status=None):
    """The ``file`` and ``link`` forms: validate, add the material, back to the page (or say why not).

    A refusal answers with ``status``, or with the refusal's own status when it is None.
    """
    forms = {f"{kind}_form": form}
    if not form.validate_on_submit():
        return _materials_page(person, session, **forms, status=422)
    service, field = (
        (services.add_file_material, "file") if kind == "file" else (services.add_link_material, "url")
    )
    done = run_action(
        service,
        session,
        form[field].data,
        title=form.title.data or "",
        visibility=form.visibility.data,
        person=person,
        actor=services.speaker_actor(person),
        form=form,
    )
    if not done:
        return _materials_page(person, session, **forms, status=status or done.error.status)
    flash(message, "success")
    return redirect(url_for(".materials", session_id=session.id))


@bp.post("/speaker/sessions/<int:session_id>/materials/file")
@speaker_required
def add_file(person: Person, session_id: int):
    session = _own_session_or_403(person, session_id)
    form = FileMaterialForm(prefix="f")
    return _add_material(person, session, form, "file", _("Your file has been uploaded."))


@bp.post("/speaker/sessions/<int:session_id>/materials/link")
@speaker_required
def add_link(person: Person, session_id: int):
    session = _own_session_or_403(person, session_id)
    form = LinkMaterialForm(prefix="l")
    return _add_material(person, session, form, "link", _("Your link has been added."), status=422)


@bp.post("/speaker/materials/<int:material_id>/version")
@speaker_required
def add_version(person: Person, material_id: int):
    material = _own_material(person, material_id)
    form = VersionForm(prefix=f"v{material.id}")
    if form.validate_on_submit():
        done = run_action(
            services.add_version, material, form.file.data, actor=services.speaker_actor(person), form=form
        )
        if not done:
            return _materials_page(
                person, material.session, version_forms={material.id: form}, status=done.error.status
            )
        flash(_("The new version has been uploaded."), "success")
        return redirect(url_for(".materials", session_id=material.session_id))
    return _materials_page(person, material.session, version_forms={material.id: form}, status=422)


@bp.post("/speaker/materials/<int:material_id>/visibility")
@speaker_required
def change_visibility(person: Person, material_id: int):
    material = _own_material(person, material_id)
    form = VisibilityForm(prefix=f"vis{material.id}")
    if not form.validate_on_submit():
        abort(400, _("Please choose who can see it."))
    if run_action(
        services.set_visibility, material, form.visibility.data, actor=services.speaker_actor(person)
    ):
        flash(_("Saved."), "success")
    return redirect(url_for(".materials", session_id=material.session_id))


def _download(material: Material, version: MaterialVersion, *, public: bool):
    try:
        fh = get_storage().open(version.storage_key)
    except StorageError:
        abort(404)
    response = send_file(
        fh,
        mimetype=version.content_type,
        as_attachment=True,
        download_name=version.filename,
        conditional=False,
        etag=False,
    )
    response.headers["Content-Disposition"] = content_disposition(version.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "public, max-age=60" if public else "private, no-store"
    response.set_etag(version.sha256)
    response.content_length = version.size
    return response


def _material_for_download(slug: str, material_id: int) -> Material:
    event = event_or_404(slug)
    try:
        material = services.get_material(material_id, event)
    except NotFound:
        abort(404)
    if not services.may_download(material, user=actor(), speaker=current_speaker()):
        abort(404)
    return material


@bp.get("/events/<slug>/materials/<int:material_id>")
def download(slug: str, material_id: int):
    """The newest version of a material (or a redirect for a link)."""
    material = _material_for_download(slug, material_id)
    if material.is_link:
        if not services.is_http_url(material.url or ""):
            abort(404)
        return redirect(material.url)
    return _download(material, services.get_version(material), public=services.is_public(material))


@bp.get("/events/<slug>/materials/<int:material_id>/v<int:number>")
def download_version(slug: str, material_id: int, number: int):
    """An older version: organisers and the session's speakers only."""
    material = _material_for_download(slug, material_id)
    if not services.is_insider(material, user=actor(), speaker=current_speaker()):
        abort(404)
    try:
        version = services.get_version(material, number)
    except NotFound:
        abort(404)
    return _download(material, version, public=False)


@bp.get("/events/<slug>/sessions/<int:session_id>/materials")
def session_materials_page(slug: str, session_id: int):
    """A public page with a session's visible materials (the same partial as the session page)."""
    event = event_or_404(slug)
    session = owned_or_404(Session, session_id, event)
    if not event.published:
        abort(404)
    return render_template(
        "speakers/portal_session_materials_public.html",
        title=_("Materials: %(title)s", title=session.title),
        event=event,
        session=session,
    )
