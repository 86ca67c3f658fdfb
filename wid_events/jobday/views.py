"""Public Job Day pages (jobs, exhibitors, floor plan, logos) and the attendee's interview
bookings under their registration token (``/registrations/<token>/interviews``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from wid_events.core.actions import run_action
from wid_events.core.content import localized
from wid_events.core.web import int_arg, remember_next, remembered_next, remembered_registration
from wid_events.errors import NotFound
from wid_events.events.views import public_event_or_404, render_public, viewer_organises
from wid_events.jobday import services
from wid_events.jobday.forms import BookingForm, ConfirmForm, CVForm
from wid_events.jobday.models import (
    COMMITMENTS,
    CONTRACT_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    REMOTE_LABELS,
    Exhibitor,
)
from wid_events.registration import services as registration_services
from wid_events.storage import StorageError, get_storage

bp = Blueprint("jobday", __name__)

IMAGE_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@bp.app_context_processor
def jobday_labels():
    return {
        "jobday_labels": {
            "kind": KIND_LABELS,
            "contract": CONTRACT_LABELS,
            "remote": REMOTE_LABELS,
            "level": LEVEL_LABELS,
            "commitments": COMMITMENTS,
        }
    }


@bp.app_template_global("jobday_has_exhibitors")
def jobday_has_exhibitors(event) -> bool:
    """For the event page's "Jobs & employers" link."""
    return services.has_exhibitors(event)


@bp.app_template_global("jobday_can_manage")
def jobday_can_manage(event) -> bool:
    """Whether the logged-in user organises ``event`` (for the "manage the Job Day" link)."""
    return viewer_organises(event)


PRIVATE_ENDPOINTS = {"jobday.interviews", "jobday.book", "jobday.upload_cv"}


@bp.after_request
def _private(response):
    """The attendee's pages are personal: never cached, never indexed, no Referer with the token."""
    if request.endpoint in PRIVATE_ENDPOINTS:
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.app_template_global("exhibitor_logo_url")
def exhibitor_logo_url(exhibitor: Exhibitor) -> str | None:
    if not exhibitor.logo_key:
        return None
    return url_for("jobday.logo", name=exhibitor.logo_key.split("/", 1)[1])


@bp.app_template_global("jobday_interviews")
def jobday_interviews(registration) -> list:
    """The attendee's active interviews (for the registration page partial)."""
    return services.personal_interviews(registration)


def _image_response(key: str, name: str, *, max_age: int = 31536000):
    ext = name.rsplit(".", 1)[-1]
    mimetype = IMAGE_TYPES.get(ext)
    if mimetype is None:
        abort(404)
    try:
        fh = get_storage().open(key)
    except StorageError:
        abort(404)
    response = send_file(fh, mimetype=mimetype, conditional=False, etag=False, max_age=max_age)
    response.headers["Cache-Control"] = f"public, max-age={max_age}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --------------------------------------------------------------------------- public pages


@bp.get("/events/<slug>/jobs")
def jobs(slug: str):
    event, draft = public_event_or_404(slug)
    filters = services.JobFilters.from_args(request.args)
    offers = services.search_offers(event, filters)
    return render_template(
        "jobday/jobs.html",
        title=_("Jobs: %(event)s", event=localized(event, "title")),
        event=event,
        draft=draft,
        filters=filters,
        offers=offers,
        choices=services.filter_choices(event),
        exhibitors=services.exhibitors(event),
        section="jobs",
    )


@bp.get("/events/<slug>/jobs/<int:offer_id>")
def offer(slug: str, offer_id: int):
    event, draft = public_event_or_404(slug)
    try:
        job = services.get_public_offer(event, offer_id)
    except NotFound:
        abort(404)
    return render_template(
        "jobday/offer.html",
        title=job.title,
        event=event,
        draft=draft,
        offer=job,
        exhibitor=job.exhibitor,
        has_slots=bool(job.exhibitor.blocks),
        section="jobs",
    )


@bp.get("/events/<slug>/exhibitors")
def exhibitors(slug: str):
    event, draft = public_event_or_404(slug)
    title = _("Exhibitors: %(event)s", event=localized(event, "title"))
    items = services.exhibitors(event)
    return render_public(
        "jobday/exhibitors.html", event, draft, section="exhibitors", title=title, exhibitors=items
    )


@bp.get("/events/<slug>/exhibitors/<int:exhibitor_id>")
def exhibitor(slug: str, exhibitor_id: int):
    event, draft = public_event_or_404(slug)
    item = services.get_exhibitor(event, exhibitor_id)  # NotFound → the app's 404 page
    offers = [o for o in item.offers if o.published]
    context = {"exhibitor": item, "offers": offers, "slots_left": services.free_slot_count(item)}
    return render_public(
        "jobday/exhibitor.html", event, draft, section="exhibitors", title=item.name, **context
    )


@bp.get("/events/<slug>/floor-plan")
def floor_plan(slug: str):
    event, draft = public_event_or_404(slug)
    settings = services.settings_for(event)
    items = sorted(services.exhibitors(event), key=lambda e: (not e.booth, services.fold(e.booth), e.name))
    return render_template(
        "jobday/floor_plan.html",
        title=_("Floor plan: %(event)s", event=localized(event, "title")),
        event=event,
        draft=draft,
        settings=settings,
        exhibitors=items,
        section="floor_plan",
    )


@bp.get("/events/<slug>/floor-plan/<name>")
def floor_plan_image(slug: str, name: str):
    event, _draft = public_event_or_404(slug)
    settings = services.settings_for(event)
    if settings is None or not settings.floor_plan_key or settings.floor_plan_key.split("/", 1)[1] != name:
        abort(404)
    return _image_response(settings.floor_plan_key, name)


@bp.get("/jobday/logos/<name>")
def logo(name: str):
    key = f"logos/{name}"
    item = services.exhibitor_for_logo(key)
    if item is None or not item.event.published:
        abort(404)
    return _image_response(key, name)


# --------------------------------------------------------------------------- attendee bookings


@bp.get("/events/<slug>/jobs/<int:offer_id>/interview")
def book_from_offer(slug: str, offer_id: int):
    """ "Book an interview" on a job offer: to the attendee's interview page when this browser
    knows their registration; otherwise register first, then come back here."""
    event, _draft = public_event_or_404(slug)
    try:
        job = services.get_public_offer(event, offer_id)
    except NotFound:
        abort(404)
    here = url_for("jobday.book_from_offer", slug=slug, offer_id=offer_id)
    token = remembered_registration(event.id)
    if token:
        try:
            reg = registration_services.by_token(token)
        except NotFound:
            reg = None
        if reg is not None and reg.event_id == event.id and reg.is_active:
            remembered_next(event.id, forget=True)
            target = url_for("jobday.interviews", token=token, exhibitor=job.exhibitor_id, offer=job.id)
            return redirect(target, code=303)
    remember_next(event.id, here)
    flash(
        _(
            "To book an interview, register for %(event)s first (or open the personal link from your "
            "confirmation email). You then come back to this job offer.",
            event=event.title,
        ),
        "info",
    )
    return redirect(url_for("registration.register", slug=slug), code=303)


def _registration(token: str):
    return registration_services.by_token(token)


def _interviews_page(
    token: str, reg, *, form: BookingForm | None = None, status: int = 200, error: str | None = None
):
    event = reg.event
    chosen = None
    offer_id = int_arg("offer", request.values)
    exhibitor_id = int_arg("exhibitor", request.values)
    if offer_id and not exhibitor_id:
        try:
            exhibitor_id = services.get_public_offer(event, offer_id).exhibitor_id
        except NotFound:
            offer_id = None
    if exhibitor_id:
        try:
            chosen = services.get_exhibitor(event, exhibitor_id)
        except NotFound:
            chosen = None
    form = form or BookingForm()
    slots = []
    if chosen is not None:
        form.offer.choices = [SelectChoice("", _("No specific offer"))] + [
            SelectChoice(str(o.id), o.title) for o in chosen.offers if o.published
        ]
        if offer_id and request.method == "GET":
            form.offer.data = str(offer_id)
        slots = services.exhibitor_slots(chosen)
    bookings = services.bookings_of(reg)
    all_exhibitors = [(e, services.free_slot_count(e)) for e in services.exhibitors(event) if e.blocks]
    return render_template(
        "jobday/interviews.html",
        title=_("Your interviews"),
        event=event,
        reg=reg,
        token=token,
        bookings=bookings,
        limit=services.max_bookings(event),
        blocked=services.can_book(reg),
        chosen=chosen,
        slots=slots,
        form=form,
        cv_form=CVForm(),
        confirm_form=ConfirmForm(),
        exhibitors=all_exhibitors,
        error=error,
        now_local=services.now_local(event),
    ), status


def _refused(token: str, outcome, statuses: tuple[int, ...], *, form: BookingForm | None = None):
    """The interviews page again after a refused action: :func:`run_action` rolled back and put
    the refusal on the page (a flash); the answer keeps the refusal's status when it is one of
    ``statuses`` (400 otherwise)."""
    status = outcome.error.status if outcome.error.status in statuses else 400
    return _interviews_page(token, _registration(token), form=form, status=status)


@bp.get("/registrations/<token>/interviews")
def interviews(token: str):
    reg = _registration(token)
    return _interviews_page(token, reg)


@bp.post("/registrations/<token>/interviews/book")
def book(token: str):
    reg = _registration(token)
    form = BookingForm()
    exhibitor_id = int_arg("exhibitor", request.form)
    if not form.validate():
        return _interviews_page(token, reg, form=form, status=400, error=_("Please choose a time."))
    offer_id = int_arg("offer", request.form)
    done = run_action(services.book_interview, reg, form.slot.data, offer_id=offer_id, actor="attendee")
    if not done:
        return _refused(token, done, (403, 404, 409), form=form)
    flash(_("Your interview is booked."), "success")
    return redirect(url_for("jobday.interviews", token=token, exhibitor=exhibitor_id), code=303)


@bp.post("/registrations/<token>/interviews/<int:booking_id>/cancel")
def cancel(token: str, booking_id: int):
    reg = _registration(token)
    if not ConfirmForm().validate():
        abort(400)
    booking = services.own_booking(reg, booking_id)
    if run_action(services.cancel_booking, booking, actor="attendee"):
        flash(_("Your interview is cancelled."), "success")
    return redirect(url_for("jobday.interviews", token=token), code=303)


@bp.post("/registrations/<token>/interviews/<int:booking_id>/cv")
def upload_cv(token: str, booking_id: int):
    reg = _registration(token)
    booking = services.own_booking(reg, booking_id)
    form = CVForm()
    if not form.validate():
        return _interviews_page(token, reg, status=400, error=_("The form expired. Please submit it again."))
    consent = bool(form.consent.data)
    done = run_action(services.attach_cv, booking, form.cv.data, consent=consent, actor="attendee")
    if not done:
        return _refused(token, done, (413, 422))
    flash(_("Your CV is shared with %(name)s.", name=booking.exhibitor.name), "success")
    return redirect(url_for("jobday.interviews", token=token), code=303)


@bp.post("/registrations/<token>/interviews/<int:booking_id>/cv/delete")
def delete_cv(token: str, booking_id: int):
    reg = _registration(token)
    if not ConfirmForm().validate():
        abort(400)
    booking = services.own_booking(reg, booking_id)
    if run_action(services.withdraw_cv, booking, actor="attendee"):
        flash(_("Your CV is no longer shared."), "success")
    return redirect(url_for("jobday.interviews", token=token), code=303)
