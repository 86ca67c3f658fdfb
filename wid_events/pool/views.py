"""The call for speakers: ``/speakers/join`` (public sign-up) and the member's personal page.

The personal page (``/speakers/pool/<token>``) confirms the address (double opt-in) and lets the
member edit or withdraw their entry at any time. ``/speakers/pool`` lists only accepted members
who chose to be listed publicly.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from wid_events.core.actions import run_action
from wid_events.errors import NotFound
from wid_events.extensions import limiter
from wid_events.pool import services
from wid_events.pool.forms import POOL_PURPOSE, ButtonForm, EntryForm, PhotoForm, SignUpForm
from wid_events.pool.models import PoolMember
from wid_events.pool.topics import LANGUAGES, TOPICS, parse_tags, topic_label
from wid_events.storage import StorageError, get_storage

bp = Blueprint("pool", __name__)

RATE_LIMIT = "10 per minute; 50 per hour"
RATE_LIMIT_MESSAGE = _l("Too many attempts. Please wait a moment and try again.")
PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def _locale() -> str:
    return str(get_locale() or "en")


@bp.after_request
def _no_store(response):
    """Personal pages and forms: never cached (the token is in the path)."""
    if request.endpoint and request.endpoint.startswith("pool.") and request.endpoint != "pool.photo":
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _with_event_choices(form: EntryForm) -> EntryForm:
    form.event_ids.choices = [(e.id, e.title) for e in services.open_events()]
    return form


def entry_values(form: EntryForm) -> dict:
    """The service's values from a validated form (controlled topics first, then free tags)."""
    controlled = [t for t in TOPICS if t in (form.topics.data or [])]
    free = [t for t in parse_tags(form.other_topics.data) if t not in controlled]
    return {
        "name": form.name.data,
        "organisation": form.organisation.data,
        "topics": controlled + free,
        "languages": form.languages.data or [],
        "cities": form.cities.data,
        "online": bool(form.online.data),
        "bio": form.bio.data,
        "event_ids": form.event_ids.data or [],
        "available_from": form.available_from.data,
        "available_until": form.available_until.data,
        "gender": form.gender.data,
        "gender_self_description": form.gender_self_description.data,
        "list_publicly": bool(form.list_publicly.data),
    }


def _fill(form: EntryForm, member: PoolMember) -> None:
    form.name.data = member.name
    form.organisation.data = member.organisation
    form.topics.data = [t for t in member.topics if t in TOPICS]
    form.other_topics.data = ", ".join(t for t in member.topics if t not in TOPICS)
    form.languages.data = list(member.languages)
    form.cities.data = member.cities
    form.online.data = member.online
    form.bio.data = member.bio
    form.event_ids.data = list(member.event_ids)
    form.available_from.data = member.available_from
    form.available_until.data = member.available_until
    form.gender.data = member.gender.value
    form.gender_self_description.data = member.gender_self_description
    form.list_publicly.data = member.list_publicly


@bp.route("/speakers/join", methods=["GET", "POST"])
@limiter.limit(RATE_LIMIT, methods=["POST"], error_message=RATE_LIMIT_MESSAGE)
def join():
    form = _with_event_choices(SignUpForm())
    if request.method == "GET" and request.args.get("event", type=int):
        form.event_ids.data = [request.args.get("event", type=int)]
    if form.validate_on_submit():
        done = run_action(
            services.sign_up_with_photo,
            form.email.data,
            entry_values(form),
            form.photo.data,
            locale=_locale(),
            form=form,
        )
        if done:
            _member, created = done.value
            return redirect(url_for(".sent", again=None if created else 1))
    status = 422 if form.errors else 200
    return render_template(
        "pool/join.html", title=_("Call for speakers"), form=form, purpose=POOL_PURPOSE
    ), status


@bp.get("/speakers/join/sent")
def sent():
    return render_template(
        "pool/sent.html", title=_("Check your email"), again=bool(request.args.get("again"))
    )


def _member_or_invalid(token: str):
    try:
        return services.member_by_token(token), None
    except NotFound as exc:
        return None, (
            render_template("pool/link_invalid.html", title=_("Link not valid"), message=exc.message),
            404,
        )


def _entry_page(member: PoolMember, token: str, form: EntryForm | None = None, photo_form=None, status=200):
    if form is None:
        form = _with_event_choices(EntryForm(formdata=None))
        _fill(form, member)
    return render_template(
        "pool/entry.html",
        title=_("Your speaker pool entry"),
        member=member,
        token=token,
        form=form,
        photo_form=photo_form or PhotoForm(formdata=None),
        button=ButtonForm(formdata=None),
        purpose=POOL_PURPOSE,
        topic_label=topic_label,
    ), status


@bp.get("/speakers/pool/<token>")
def entry(token: str):
    member, problem = _member_or_invalid(token)
    return problem or _entry_page(member, token)


@bp.post("/speakers/pool/<token>/confirm")
def confirm(token: str):
    member, problem = _member_or_invalid(token)
    if problem:
        return problem
    if ButtonForm().validate_on_submit() and run_action(services.confirm, member):
        flash(
            _("Thank you: your email address is confirmed. Our organisers will review your entry."), "success"
        )
    return redirect(url_for(".entry", token=token))


@bp.post("/speakers/pool/<token>")
def edit(token: str):
    member, problem = _member_or_invalid(token)
    if problem:
        return problem
    form = _with_event_choices(EntryForm())
    if form.validate_on_submit():
        done = run_action(
            services.update, member, entry_values(form), actor=services.member_actor(member), form=form
        )
        if done:
            flash(_("Your entry has been saved."), "success")
            return redirect(url_for(".entry", token=token))
    return _entry_page(member, token, form=form, status=422)


@bp.post("/speakers/pool/<token>/photo")
def upload_photo(token: str):
    member, problem = _member_or_invalid(token)
    if problem:
        return problem
    photo_form = PhotoForm()
    if photo_form.validate_on_submit():
        done = run_action(
            services.set_photo,
            member,
            photo_form.photo.data,
            actor=services.member_actor(member),
            form=photo_form,
        )
        if done:
            flash(_("Your photo has been saved."), "success")
            return redirect(url_for(".entry", token=token))
    return _entry_page(member, token, photo_form=photo_form, status=422)


@bp.post("/speakers/pool/<token>/photo/remove")
def remove_photo(token: str):
    member, problem = _member_or_invalid(token)
    if problem:
        return problem
    if ButtonForm().validate_on_submit() and run_action(
        services.remove_photo, member, actor=services.member_actor(member)
    ):
        flash(_("Your photo has been removed."), "success")
    return redirect(url_for(".entry", token=token))


@bp.post("/speakers/pool/<token>/withdraw")
def withdraw(token: str):
    member, problem = _member_or_invalid(token)
    if problem:
        return problem
    if not ButtonForm().validate_on_submit():
        flash(_("The form expired. Please submit it again."), "error")
        return redirect(url_for(".entry", token=token))
    if run_action(services.withdraw, member, actor=services.member_actor(member)):
        return render_template("pool/withdrawn.html", title=_("Your entry was erased"))
    return redirect(url_for(".entry", token=token))


@bp.get("/speakers/pool")
def public_list():
    return render_template(
        "pool/public_list.html",
        title=_("Our speaker pool"),
        members=services.public_members(),
        topic_label=topic_label,
    )


@bp.get("/speakers/pool/photos/<name>")
def photo(name: str):
    key = f"pool-photos/{name}"
    organiser = services.may_review(
        current_user._get_current_object() if current_user.is_authenticated else None
    )
    mimetype = PHOTO_TYPES.get(name.rsplit(".", 1)[-1])
    if mimetype is None or services.member_for_photo(key, organiser=organiser) is None:
        abort(404)
    try:
        fh = get_storage().open(key)
    except StorageError:
        abort(404)
    response = send_file(fh, mimetype=mimetype, conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store" if organiser else "public, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.app_template_global("pool_photo_url")
def pool_photo_url(member: PoolMember) -> str | None:
    key = member.photo_key or ""
    return url_for("pool.photo", name=key.split("/", 1)[1]) if key.startswith("pool-photos/") else None


@bp.app_template_filter("topic_label")
def topic_label_filter(tag: str) -> str:
    return topic_label(tag)


@bp.app_template_filter("pool_language")
def language_label(code: str) -> str:
    return str(LANGUAGES.get(code, code))
