"""The exhibitor portal (``/exhibitor/…``), opened with the contact person's personal link.

Opening ``/exhibitor/<token>`` stores the exhibitor id and the link's id in the Flask session
(like the speaker portal). Every request re-checks the link, so revoking it takes effect at
once. Everything is scoped to that one exhibitor: another exhibitor's offers, slots, bookings
and CVs are refused with 403.
"""

from __future__ import annotations

import datetime as dt
import functools

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask import session as flask_session
from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events.core.actions import run_action, run_json_action
from wid_events.core.content_forms import fill_translations, translations_from
from wid_events.core.web import EXHIBITOR_SESSION_KEY, error_response
from wid_events.extensions import limiter
from wid_events.jobday import services
from wid_events.jobday.forms import ConfirmForm, LogoForm, OfferForm, ProfileForm, SlotBlockForm
from wid_events.jobday.models import COMMITMENTS, Exhibitor
from wid_events.models_base import utcnow
from wid_events.storage import StorageError, get_storage
from wid_events.uploads import content_disposition

#: An offer's translatable texts (edited side by side in the portal's offer form).
OFFER_TRANSLATED = ("title", "description")

bp = Blueprint("jobday_portal", __name__)

EXHIBITOR_KEY = EXHIBITOR_SESSION_KEY
TOKEN_KEY = "exhibitor_token_id"  # noqa: S105 - a session key name, not a secret


@bp.after_request
def _private(response):
    """Portal pages are personal: never cached or indexed, no Referer."""
    response.headers.setdefault("Cache-Control", "private, no-store")
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def current_exhibitor() -> Exhibitor | None:
    cache_key = "wid_events.exhibitor"
    if cache_key not in request.environ:
        item = services.exhibitor_from_session(flask_session.get(EXHIBITOR_KEY), flask_session.get(TOKEN_KEY))
        if item is None and EXHIBITOR_KEY in flask_session:
            flask_session.pop(EXHIBITOR_KEY, None)
            flask_session.pop(TOKEN_KEY, None)
        request.environ[cache_key] = item
    return request.environ[cache_key]


def exhibitor_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        item = current_exhibitor()
        if item is None:
            return error_response(
                403, _("Please open your exhibitor page with the personal link from your invitation email.")
            )
        return view(item, *args, **kwargs)

    return wrapper


def _actor(exhibitor: Exhibitor) -> str:
    return services.exhibitor_actor(exhibitor)


def _save_offer(service, target, form: OfferForm, *, actor: str) -> bool:
    """Validate ``form`` and create or update an offer with ``service``; flash when saved."""
    if not form.validate():
        return False
    exhibitor = getattr(target, "exhibitor", None) or target
    values = _offer_values(form, exhibitor.event.default_language)
    if not run_action(service, target, values, actor=actor, form=form):
        return False
    flash(_("The offer is saved."), "success")
    return True


def _profile_values(form) -> dict:
    values = {name: form[name].data for name in services.PROFILE_FIELDS}
    return values


def _offer_values(form: OfferForm, default_language: str = "en") -> dict:
    values = {name: form[name].data for name in services.OFFER_FIELDS if name != "translations"}
    values["translations"] = translations_from(form, OFFER_TRANSLATED, default_language)
    return values


def _offer_form_for(offer) -> OfferForm:
    form = OfferForm(obj=offer)
    if request.method == "GET":
        form.languages.data = ", ".join(offer.languages or [])
        form.skills.data = ", ".join(offer.skills or [])
        form.contract.data = offer.contract.value
        form.remote.data = offer.remote.value
        form.level.data = offer.level.value
        fill_translations(form, offer, OFFER_TRANSLATED)
    return form


def _home(exhibitor: Exhibitor, *, profile_form=None, logo_form=None, slot_form=None, status=200):
    if profile_form is None:
        profile_form = ProfileForm(obj=exhibitor)
        profile_form.sectors.data = ", ".join(exhibitor.sectors or [])
    if slot_form is None:
        slot_form = SlotBlockForm()
        if slot_form.day.data is None:
            slot_form.day.data = exhibitor.event.start_date
    return render_template(
        "jobday/portal/home.html",
        title=_("Exhibitor page: %(name)s", name=exhibitor.name),
        exhibitor=exhibitor,
        event=exhibitor.event,
        profile_form=profile_form,
        logo_form=logo_form or LogoForm(),
        slot_form=slot_form,
        confirm_form=ConfirmForm(),
        slots=services.exhibitor_slots(exhibitor),
        commitments=COMMITMENTS,
        bookings=len(services.exhibitor_bookings(exhibitor)),
    ), status


@bp.get("/exhibitor/<token>")
@limiter.limit("30 per minute")
def open_link(token: str):
    # A refused link (unknown, withdrawn, expired) rolls back and reaches the app's DomainError
    # handler, which answers with the error page and the refusal's status.
    row = run_json_action(services.open_link, token)
    flask_session[EXHIBITOR_KEY] = row.exhibitor_id
    flask_session[TOKEN_KEY] = row.id
    return redirect(url_for("jobday_portal.home"), code=303)


@bp.post("/exhibitor/logout")
def logout():
    flask_session.pop(EXHIBITOR_KEY, None)
    flask_session.pop(TOKEN_KEY, None)
    flash(_("You have left your exhibitor page."), "success")
    return redirect(url_for("events.home"), code=303)


@bp.get("/exhibitor/")
@exhibitor_required
def home(exhibitor: Exhibitor):
    return _home(exhibitor)


@bp.post("/exhibitor/profile")
@exhibitor_required
def profile(exhibitor: Exhibitor):
    form = ProfileForm()
    if not form.validate():
        return _home(exhibitor, profile_form=form, status=400)
    values = _profile_values(form)
    if not run_action(services.update_profile, exhibitor, values, actor=_actor(exhibitor), form=form):
        return _home(exhibitor, profile_form=form, status=400)
    flash(_("Your profile is saved."), "success")
    return redirect(url_for("jobday_portal.home"), code=303)


@bp.post("/exhibitor/logo")
@exhibitor_required
def upload_logo(exhibitor: Exhibitor):
    form = LogoForm()
    if not form.validate():
        return _home(exhibitor, logo_form=form, status=400)
    done = run_action(services.set_logo, exhibitor, form.logo.data, actor=_actor(exhibitor), form=form)
    if not done:
        status = done.error.status if done.error.status in (413, 422) else 400
        return _home(exhibitor, logo_form=form, status=status)
    flash(_("Your logo is saved."), "success")
    return redirect(url_for("jobday_portal.home"), code=303)


@bp.post("/exhibitor/logo/delete")
@exhibitor_required
def delete_logo(exhibitor: Exhibitor):
    if not ConfirmForm().validate():
        abort(400)
    run_action(services.remove_logo, exhibitor, actor=_actor(exhibitor))
    return redirect(url_for("jobday_portal.home"), code=303)


@bp.route("/exhibitor/offers/new", methods=["GET", "POST"])
@exhibitor_required
def new_offer(exhibitor: Exhibitor):
    form = OfferForm()
    status = 200
    if request.method == "POST":
        if _save_offer(services.create_offer, exhibitor, form, actor=_actor(exhibitor)):
            return redirect(url_for("jobday_portal.home"), code=303)
        status = 400
    return render_template(
        "jobday/portal/offer_form.html", title=_("New job offer"), form=form, exhibitor=exhibitor, offer=None
    ), status


@bp.route("/exhibitor/offers/<int:offer_id>", methods=["GET", "POST"])
@exhibitor_required
def edit_offer(exhibitor: Exhibitor, offer_id: int):
    offer = services.own_offer(exhibitor, offer_id)
    form = _offer_form_for(offer)
    status = 200
    if request.method == "POST":
        if _save_offer(services.update_offer, offer, form, actor=_actor(exhibitor)):
            return redirect(url_for("jobday_portal.home"), code=303)
        status = 400
    return render_template(
        "jobday/portal/offer_form.html", title=offer.title, form=form, exhibitor=exhibitor, offer=offer
    ), status


@bp.post("/exhibitor/offers/<int:offer_id>/delete")
@exhibitor_required
def delete_offer(exhibitor: Exhibitor, offer_id: int):
    offer = services.own_offer(exhibitor, offer_id)
    if not ConfirmForm().validate():
        abort(400)
    if run_action(services.delete_offer, offer, actor=_actor(exhibitor)):
        flash(_("The offer is deleted."), "success")
    return redirect(url_for("jobday_portal.home"), code=303)


@bp.post("/exhibitor/slots")
@exhibitor_required
def add_slots(exhibitor: Exhibitor):
    form = SlotBlockForm()
    if not form.validate():
        return _home(exhibitor, slot_form=form, status=400)
    start = dt.datetime.combine(form.day.data, form.start.data)
    end = dt.datetime.combine(form.day.data, form.end.data)
    done = run_action(
        services.add_slot_block,
        exhibitor,
        start,
        end,
        slot_minutes=form.slot_minutes.data,
        recruiters=form.recruiters.data,
        actor=_actor(exhibitor),
        form=form,
    )
    if not done:
        return _home(exhibitor, slot_form=form, status=400)
    flash(ngettext_slots(len(done.value.slots)), "success")
    return redirect(url_for("jobday_portal.home"), code=303)


def ngettext_slots(n: int) -> str:
    return ngettext("%(num)d interview slot added.", "%(num)d interview slots added.", n)


@bp.post("/exhibitor/slots/<int:block_id>/delete")
@exhibitor_required
def delete_slots(exhibitor: Exhibitor, block_id: int):
    block = services.own_block(exhibitor, block_id)
    if not ConfirmForm().validate():
        abort(400)
    if run_action(services.delete_slot_block, block, actor=_actor(exhibitor)):
        flash(_("The interview slots are removed."), "success")
    return redirect(url_for("jobday_portal.home"), code=303)


@bp.get("/exhibitor/interviews")
@exhibitor_required
def interviews(exhibitor: Exhibitor):
    """The day's interview list (printable: the page has a print stylesheet)."""
    event = exhibitor.event
    day = None
    raw = request.args.get("day")
    if raw:
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            return error_response(400, _("Please give the day as YYYY-MM-DD."), "invalid_day")
    bookings = services.exhibitor_bookings(exhibitor, day)
    return render_template(
        "jobday/portal/interviews.html",
        title=_("Interviews: %(name)s", name=exhibitor.name),
        exhibitor=exhibitor,
        event=event,
        bookings=bookings,
        day=day,
        new_since=utcnow() - dt.timedelta(hours=48),
        form=ConfirmForm(),
    )


@bp.post("/exhibitor/interviews/notifications")
@exhibitor_required
def booking_notifications(exhibitor: Exhibitor):
    """Opt in (or out) of an email to the contact address for each new booking."""
    if not ConfirmForm().validate():
        abort(400)
    wanted = request.form.get("notify") == "1"
    if run_action(services.set_booking_notifications, exhibitor, wanted, actor=_actor(exhibitor)):
        flash(
            _("You will get an email for each new booking.") if wanted else _("Booking emails are off."),
            "success",
        )
    return redirect(url_for("jobday_portal.interviews"), code=303)


@bp.get("/exhibitor/cvs/<int:booking_id>")
@exhibitor_required
def cv(exhibitor: Exhibitor, booking_id: int):
    booking = services.cv_for_exhibitor(exhibitor, booking_id)
    try:
        fh = get_storage().open(booking.cv_key)
    except StorageError:
        abort(404)
    response = send_file(
        fh, mimetype="application/pdf", as_attachment=True, download_name=booking.cv_filename or "cv.pdf"
    )
    response.headers["Content-Disposition"] = content_disposition(booking.cv_filename or "cv.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
