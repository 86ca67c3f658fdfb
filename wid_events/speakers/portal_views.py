"""The speaker portal (``/speaker/…``), opened with a personal link, and file downloads.

Opening ``/speaker/<token>`` stores the speaker's person id and the link's id in the Flask
session under their own keys. That signs the speaker into THEIR portal only: it is not a
Flask-Login login, so the organiser area stays closed. Every request re-checks the link, so
revoking it takes effect at once.
"""

from __future__ import annotations

import functools

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask import session as flask_session
from flask_babel import gettext as _
from flask_login import current_user

from wid_events.agenda.models import Session
from wid_events.balance.forms import PURPOSE, count_as_woman_answer, count_as_woman_value
from wid_events.balance.services import record_gender
from wid_events.core.web import error_response, event_or_404
from wid_events.enums import GenderSource
from wid_events.errors import DomainError, NotFound, PermissionDenied
from wid_events.extensions import db, limiter
from wid_events.speakers import services
from wid_events.speakers.forms import (
    AvailabilityForm,
    FileMaterialForm,
    LinkMaterialForm,
    PhotoForm,
    ProfileForm,
    VersionForm,
    VisibilityForm,
)
from wid_events.speakers.models import Material, MaterialVersion, Person
from wid_events.storage import StorageError, get_storage
from wid_events.uploads import DOCUMENT_KINDS, Kind, content_disposition, human_size, kinds_label

bp = Blueprint("speakers_portal", __name__)

PERSON_KEY = "speaker_person_id"
TOKEN_KEY = "speaker_token_id"  # noqa: S105 - a session key name, not a secret


# --- template helpers (available to every template, e.g. the public pages) ------------------


@bp.app_template_global("speaker_photo_url")
def speaker_photo_url(person: Person) -> str | None:
    """URL of a person's (EXIF-free, resized) photo, or None."""
    key = getattr(person, "photo_key", None)
    if not key or not key.startswith("photos/"):
        return None
    return url_for("speakers_portal.photo", name=key.split("/", 1)[1])


@bp.app_template_global("public_materials")
def public_materials(session: Session) -> list[Material]:
    """The materials of ``session`` anyone may see now (visibility, hidden flag, start time)."""
    return services.public_materials(session)


@bp.app_template_global("material_type_label")
def material_type_label(material: Material) -> str:
    if material.is_link:
        return _("Link")
    version = material.current
    if version is None:
        return ""
    try:
        return Kind(version.kind).label
    except ValueError:
        return version.kind


@bp.app_template_filter("filesize")
def filesize(size: int | None) -> str:
    return human_size(size)


# --- signed-in speaker ----------------------------------------------------------------------


def current_speaker() -> Person | None:
    """The speaker signed in through a personal link in this browser session, or None.

    Cached per request (in the WSGI environ: ``g`` lives on the app context, which tests share).
    """
    cache_key = "wid_events.speaker"
    if cache_key not in request.environ:
        person = services.speaker_from_session(flask_session.get(PERSON_KEY), flask_session.get(TOKEN_KEY))
        if person is None and PERSON_KEY in flask_session:
            flask_session.pop(PERSON_KEY, None)
            flask_session.pop(TOKEN_KEY, None)
        request.environ[cache_key] = person
    return request.environ[cache_key]


def speaker_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        person = current_speaker()
        if person is None:
            return _link_problem(
                403,
                _("Please open your speaker page with the personal link from your invitation email."),
                expired=True,
            )
        return view(person, *args, **kwargs)

    return wrapper


def _link_problem(status: int, message: str, *, event=None, expired: bool = False):
    response = render_template(
        "speakers/portal_link_invalid.html",
        title=_("Your speaker link"),
        message=message,
        event=event,
        expired=expired,
    )
    return response, status, {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@bp.after_request
def _no_cache(response):
    if request.path.startswith("/speaker/"):
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


@bp.errorhandler(413)
def _too_large(exc):
    """Read (and discard) the rest of an oversized body within a cap, then answer with the
    friendly page: a client still sending its upload would otherwise see a connection reset."""
    length = request.content_length
    cap = max(4 * int(current_app.config.get("MAX_CONTENT_LENGTH") or 0), 64 * 1024 * 1024)
    stream = request.environ.get("wsgi.input")
    if length and length <= cap and stream is not None:
        remaining = length
        try:
            while remaining > 0:
                chunk = stream.read(min(256 * 1024, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
        except OSError:  # pragma: no cover - the client went away
            pass
    mb = current_app.config["MAX_UPLOAD_MB"]
    return error_response(413, _("The file is larger than the %(mb)s MB limit. Nothing was saved.", mb=mb))


# --- opening the link -----------------------------------------------------------------------


@bp.get("/speaker/<token>")
@limiter.limit("30/minute")
def open_link(token: str):
    try:
        link = services.open_link(token)
    except services.LinkExpired as exc:
        event = _event_of_token(token)
        return _link_problem(403, exc.message, event=event, expired=True)
    except services.LinkRevoked as exc:
        event = _event_of_token(token)
        return _link_problem(403, exc.message, event=event, expired=True)
    except NotFound as exc:
        return _link_problem(404, exc.message)
    db.session.commit()
    flask_session[PERSON_KEY] = link.person_id
    flask_session[TOKEN_KEY] = link.id
    # Redirect so the token leaves the address bar, history and Referer headers.
    return redirect(url_for(".home"))


def _event_of_token(token: str):
    import sqlalchemy as sa

    from wid_events.core.web import hash_token
    from wid_events.speakers.models import SpeakerToken

    row = db.session.scalar(sa.select(SpeakerToken).where(SpeakerToken.token_hash == hash_token(token)))
    return row.person.event if row is not None else None


@bp.post("/speaker/logout")
def logout():
    flask_session.pop(PERSON_KEY, None)
    flask_session.pop(TOKEN_KEY, None)
    flash(_("You have left your speaker page. Your personal link still works."), "success")
    return redirect(url_for("events.home"))


# --- portal pages ---------------------------------------------------------------------------


@bp.get("/speaker/")
@speaker_required
def home(person: Person):
    sessions = services.own_sessions(person)
    counts = {link.session_id: len(services.session_materials(link.session)) for link in sessions}
    return render_template(
        "speakers/portal_home.html",
        title=_("Your speaker page"),
        person=person,
        event=person.event,
        links=sessions,
        counts=counts,
    )


@bp.post("/speaker/sessions/<int:session_id>/answer")
@speaker_required
def answer(person: Person, session_id: int):
    choice = request.form.get("answer")
    if choice not in ("accept", "decline"):
        abort(400)
    link = services.answer_invitation(person, session_id, choice == "accept")
    db.session.commit()
    if choice == "accept":
        flash(_("Thank you: you accepted “%(title)s”.", title=link.session.title), "success")
    else:
        flash(
            _("You declined “%(title)s”. The organisers have been told.", title=link.session.title), "success"
        )
    return redirect(url_for(".home"))


@bp.route("/speaker/profile", methods=["GET", "POST"])
@speaker_required
def profile(person: Person):
    form = ProfileForm(
        obj=person,
        gender=person.gender.value,
        gender_self_description=person.gender_self_description,
        count_as_woman=count_as_woman_answer(person.count_as_woman),
        links=list(person.links or []),
    )
    status = 200
    if form.validate_on_submit():
        values = {
            name: getattr(form, name).data
            for name in ("name", "organisation", "job_title", "bio", "pronouns")
        }
        values["links"] = [{"label": row.form.label.data, "url": row.form.url.data} for row in form.links]
        try:
            services.update_profile(person, values, actor=services.speaker_actor(person))
            record_gender(
                person,
                form.gender.data,
                form.gender_self_description.data,
                source=GenderSource.SELF_DECLARED,
                actor=services.speaker_actor(person),
                count_as_woman=count_as_woman_value(form.count_as_woman.data),
            )
        except DomainError as exc:
            db.session.rollback()
            _attach_error(form, exc)
            status = 422
        else:
            db.session.commit()
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for(".profile"))
    elif request.method == "POST":
        status = 422
    return render_template(
        "speakers/portal_profile.html",
        title=_("Your profile"),
        person=person,
        event=person.event,
        form=_number_link_rows(form),
        photo_form=PhotoForm(),
        purpose=PURPOSE,
    ), status


@bp.post("/speaker/photo")
@speaker_required
def upload_photo(person: Person):
    photo_form = PhotoForm()
    if photo_form.validate_on_submit():
        try:
            services.set_photo(person, photo_form.photo.data, actor=services.speaker_actor(person))
        except DomainError as exc:
            db.session.rollback()
            photo_form.photo.errors = [exc.message]
        else:
            db.session.commit()
            flash(_("Your photo has been saved."), "success")
            return redirect(url_for(".profile"))
    form = ProfileForm(
        obj=person,
        gender=person.gender.value,
        gender_self_description=person.gender_self_description,
        count_as_woman=count_as_woman_answer(person.count_as_woman),
        links=list(person.links or []),
        formdata=None,
    )
    return render_template(
        "speakers/portal_profile.html",
        title=_("Your profile"),
        person=person,
        event=person.event,
        form=_number_link_rows(form),
        photo_form=photo_form,
        purpose=PURPOSE,
    ), 422


@bp.post("/speaker/photo/remove")
@speaker_required
def remove_photo(person: Person):
    services.remove_photo(person, actor=services.speaker_actor(person))
    db.session.commit()
    flash(_("Your photo has been removed."), "success")
    return redirect(url_for(".profile"))


@bp.route("/speaker/availability", methods=["GET", "POST"])
@speaker_required
def availability(person: Person):
    form = AvailabilityForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.add_unavailability(
                person,
                form.start.data,
                form.end.data,
                form.note.data or "",
                actor=services.speaker_actor(person),
            )
        except DomainError as exc:
            db.session.rollback()
            _attach_error(form, exc)
            status = 422
        else:
            db.session.commit()
            flash(_("The period has been added."), "success")
            return redirect(url_for(".availability"))
    elif request.method == "POST":
        status = 422
    return render_template(
        "speakers/portal_availability.html",
        title=_("Your availability"),
        person=person,
        event=person.event,
        form=form,
    ), status


@bp.post("/speaker/availability/<int:item_id>/delete")
@speaker_required
def delete_availability(person: Person, item_id: int):
    services.remove_unavailability(person, item_id, actor=services.speaker_actor(person))
    db.session.commit()
    flash(_("The period has been removed."), "success")
    return redirect(url_for(".availability"))


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


@bp.post("/speaker/sessions/<int:session_id>/materials/file")
@speaker_required
def add_file(person: Person, session_id: int):
    session = _own_session_or_403(person, session_id)
    form = FileMaterialForm(prefix="f")
    if form.validate_on_submit():
        try:
            services.add_file_material(
                session,
                form.file.data,
                title=form.title.data or "",
                visibility=form.visibility.data,
                person=person,
                actor=services.speaker_actor(person),
            )
        except DomainError as exc:
            db.session.rollback()
            form.file.errors = [exc.message]
            return _materials_page(person, session, file_form=form, status=exc.status)
        db.session.commit()
        flash(_("Your file has been uploaded."), "success")
        return redirect(url_for(".materials", session_id=session.id))
    return _materials_page(person, session, file_form=form, status=422)


@bp.post("/speaker/sessions/<int:session_id>/materials/link")
@speaker_required
def add_link(person: Person, session_id: int):
    session = _own_session_or_403(person, session_id)
    form = LinkMaterialForm(prefix="l")
    if form.validate_on_submit():
        try:
            services.add_link_material(
                session,
                form.url.data,
                title=form.title.data or "",
                visibility=form.visibility.data,
                person=person,
                actor=services.speaker_actor(person),
            )
        except DomainError as exc:
            db.session.rollback()
            form.url.errors = [exc.message]
            return _materials_page(person, session, link_form=form, status=422)
        db.session.commit()
        flash(_("Your link has been added."), "success")
        return redirect(url_for(".materials", session_id=session.id))
    return _materials_page(person, session, link_form=form, status=422)


@bp.post("/speaker/materials/<int:material_id>/version")
@speaker_required
def add_version(person: Person, material_id: int):
    material = _own_material(person, material_id)
    form = VersionForm(prefix=f"v{material.id}")
    if form.validate_on_submit():
        try:
            services.add_version(material, form.file.data, actor=services.speaker_actor(person))
        except DomainError as exc:
            db.session.rollback()
            form.file.errors = [exc.message]
            return _materials_page(
                person, material.session, version_forms={material.id: form}, status=exc.status
            )
        db.session.commit()
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
    services.set_visibility(material, form.visibility.data, actor=services.speaker_actor(person))
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for(".materials", session_id=material.session_id))


def _number_link_rows(form: ProfileForm) -> ProfileForm:
    """Give each link row's fields a distinct accessible name ("Link 2: address")."""
    from wtforms.fields import Label

    for n, row in enumerate(form.links, start=1):
        row.form.label.label = Label(row.form.label.id, _("Link %(n)s: text", n=n))
        row.form.url.label = Label(row.form.url.id, _("Link %(n)s: address (https://…)", n=n))
    return form


def _attach_error(form, exc: DomainError) -> None:
    field = getattr(form, exc.field, None) if exc.field else None
    if field is None:
        flash(exc.message, "error")
        return
    field.errors = [*list(field.errors or []), exc.message]


# --- public files ---------------------------------------------------------------------------


@bp.get("/speakers/photos/<name>")
def photo(name: str):
    key = f"photos/{name}"
    person = services.person_for_photo(key)
    if person is None:
        abort(404)
    try:
        fh = get_storage().open(key)
    except StorageError:
        abort(404)
    ext = name.rsplit(".", 1)[-1]
    mimetype = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(ext)
    if mimetype is None:
        fh.close()
        abort(404)
    response = send_file(fh, mimetype=mimetype, conditional=False, etag=False, max_age=31536000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


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
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if not services.may_download(material, user=user, speaker=current_speaker()):
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
    user = current_user._get_current_object() if current_user.is_authenticated else None
    from wid_events.accounts.permissions import is_organiser

    speaker = current_speaker()
    allowed = (user is not None and is_organiser(user, material.session.event)) or (
        speaker is not None and any(link.person_id == speaker.id for link in material.session.speakers)
    )
    if not allowed:
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
    session = db.session.get(Session, session_id)
    if session is None or session.event_id != event.id or not event.published:
        abort(404)
    return render_template(
        "speakers/portal_session_materials_public.html",
        title=_("Materials: %(title)s", title=session.title),
        event=event,
        session=session,
    )


__all__ = ["bp", "current_speaker"]
