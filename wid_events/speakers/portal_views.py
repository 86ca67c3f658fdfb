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
from wtforms.fields import Label

from wid_events.agenda.models import Session
from wid_events.core.actions import run_action, run_json_action
from wid_events.core.web import SPEAKER_SESSION_KEY, error_response
from wid_events.enums import GenderSource
from wid_events.errors import NotFound
from wid_events.extensions import limiter
from wid_events.people.forms import PURPOSE, count_as_woman_answer, count_as_woman_value
from wid_events.people.gender import record_gender
from wid_events.people.models import Person
from wid_events.speakers import services
from wid_events.speakers.forms import AvailabilityForm, PhotoForm, ProfileForm, RenewLinkForm
from wid_events.speakers.models import Material
from wid_events.storage import StorageError, get_storage
from wid_events.uploads import Kind, human_size

bp = Blueprint("speakers_portal", __name__)

PERSON_KEY = SPEAKER_SESSION_KEY
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


def _link_problem(status: int, message: str, *, event=None, expired: bool = False, token: str | None = None):
    response = render_template(
        "speakers/portal_link_invalid.html",
        title=_("Your speaker link"),
        message=message,
        event=event,
        expired=expired,
        renew_token=token,
        renew_form=RenewLinkForm() if token else None,
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
    # run_json_action commits once and lets a refusal through (after rollback), so this view
    # can answer with its own page about the link.
    try:
        link = run_json_action(services.open_link, token)
    except (services.LinkExpired, services.LinkRevoked) as exc:
        event = services.event_of_token(token)
        return _link_problem(403, exc.message, event=event, expired=True, token=token)
    except NotFound as exc:
        return _link_problem(404, exc.message)
    flask_session[PERSON_KEY] = link.person_id
    flask_session[TOKEN_KEY] = link.id
    # Redirect so the token leaves the address bar, history and Referer headers.
    return redirect(url_for(".home"))


@bp.post("/speaker/<token>/renew")
@limiter.limit("5/hour")
def renew_link(token: str):
    """An expired or replaced link asks for a fresh one, mailed to the stored address only.
    The answer is the same whether or not a mail went out (it reveals no address)."""
    if not RenewLinkForm().validate():
        return _link_problem(400, _("The form has expired. Please try again."))
    event = services.event_of_token(token)
    run_action(services.renew_link, token)
    page = render_template("speakers/portal_link_renewed.html", title=_("Your speaker link"), event=event)
    return page, 200, {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


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
    # A refusal (not a speaker of this session) is an error page, as before.
    link = run_json_action(services.answer_invitation, person, session_id, choice == "accept")
    if choice == "accept":
        flash(_("Thank you: you accepted “%(title)s”.", title=link.session.title), "success")
    else:
        flash(
            _("You declined “%(title)s”. The organisers have been told.", title=link.session.title), "success"
        )
    return redirect(url_for(".home"))


def _profile_form(person: Person, **kwargs) -> ProfileForm:
    return ProfileForm(
        obj=person,
        gender=person.gender.value,
        gender_self_description=person.gender_self_description,
        count_as_woman=count_as_woman_answer(person.count_as_woman),
        links=list(person.links or []),
        **kwargs,
    )


def _profile_page(person: Person, form: ProfileForm, photo_form: PhotoForm, status: int):
    return render_template(
        "speakers/portal_profile.html",
        title=_("Your profile"),
        person=person,
        event=person.event,
        form=_number_link_rows(form),
        photo_form=photo_form,
        purpose=PURPOSE,
    ), status


def _save_profile(person: Person, values: dict, gender: tuple[str, str | None, bool | None]) -> None:
    """The profile form's one action: the public fields and the self-declared gender (with a
    self-described person's own answer on how No Women No Panel counts them)."""
    actor = services.speaker_actor(person)
    services.update_profile(person, values, actor=actor)
    declared, description, count_as_woman = gender
    record_gender(
        person,
        declared,
        description,
        source=GenderSource.SELF_DECLARED,
        actor=actor,
        count_as_woman=count_as_woman,
    )


@bp.route("/speaker/profile", methods=["GET", "POST"])
@speaker_required
def profile(person: Person):
    form = _profile_form(person)
    status = 200
    if form.validate_on_submit():
        values = {
            name: getattr(form, name).data
            for name in ("name", "organisation", "job_title", "bio", "pronouns")
        }
        values["links"] = [{"label": row.form.label.data, "url": row.form.url.data} for row in form.links]
        gender = (
            form.gender.data,
            form.gender_self_description.data,
            count_as_woman_value(form.count_as_woman.data),
        )
        if run_action(_save_profile, person, values, gender, form=form):
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for(".profile"))
        status = 422
    elif request.method == "POST":
        status = 422
    return _profile_page(person, form, PhotoForm(), status)


@bp.post("/speaker/photo")
@speaker_required
def upload_photo(person: Person):
    photo_form = PhotoForm()
    if photo_form.validate_on_submit() and run_action(
        services.set_photo,
        person,
        photo_form.photo.data,
        actor=services.speaker_actor(person),
        form=photo_form,
    ):
        flash(_("Your photo has been saved."), "success")
        return redirect(url_for(".profile"))
    return _profile_page(person, _profile_form(person, formdata=None), photo_form, 422)


@bp.post("/speaker/photo/remove")
@speaker_required
def remove_photo(person: Person):
    if run_action(services.remove_photo, person, actor=services.speaker_actor(person)):
        flash(_("Your photo has been removed."), "success")
    return redirect(url_for(".profile"))


@bp.route("/speaker/availability", methods=["GET", "POST"])
@speaker_required
def availability(person: Person):
    form = AvailabilityForm()
    status = 200
    if form.validate_on_submit():
        if run_action(
            services.add_unavailability,
            person,
            form.start.data,
            form.end.data,
            form.note.data or "",
            actor=services.speaker_actor(person),
            form=form,
        ):
            flash(_("The period has been added."), "success")
            return redirect(url_for(".availability"))
        status = 422
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
    # An unknown period is a 404 page, as before.
    run_json_action(services.remove_unavailability, person, item_id, actor=services.speaker_actor(person))
    flash(_("The period has been removed."), "success")
    return redirect(url_for(".availability"))


def _number_link_rows(form: ProfileForm) -> ProfileForm:
    """Give each link row's fields a distinct accessible name ("Link 2: address")."""
    for n, row in enumerate(form.links, start=1):
        row.form.label.label = Label(row.form.label.id, _("Link %(n)s: text", n=n))
        row.form.url.label = Label(row.form.url.id, _("Link %(n)s: address (https://…)", n=n))
    return form


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


__all__ = ["bp", "current_speaker"]
