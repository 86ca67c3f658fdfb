"""Organiser area: badge printing (with background batches) and the check-in desk."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from wid_events.core.actions import actor, owned_or_404, run_action
from wid_events.core.web import int_arg
from wid_events.errors import DomainError
from wid_events.events.access import organiser_required
from wid_events.exports import badge_jobs, badges, services
from wid_events.exports.forms import BadgeForm, ButtonForm, CheckinCodeForm
from wid_events.exports.models import BadgeJob, BadgeJobState
from wid_events.extensions import db
from wid_events.registration.models import Registration

bp = Blueprint("exports_manage", __name__, url_prefix="/manage/events/<slug>")


def _roles_arg() -> set[str] | None:
    roles = {r for r in request.args.getlist("role") if r in {c.value for c in badges.BadgeRole}}
    return roles or None


# --- badges ----------------------------------------------------------------------------


def _badges_page(event, form: BadgeForm, status: int = 200):
    jobs = db.session.scalars(
        sa.select(BadgeJob).where(BadgeJob.event_id == event.id).order_by(BadgeJob.id.desc()).limit(10)
    ).all()
    return (
        render_template(
            "exports/badges.html",
            title=_("Badges"),
            event=event,
            form=form,
            jobs=jobs,
            count=len(badges.collect_badges(event)),
            threshold=services.BACKGROUND_THRESHOLD,
        ),
        status,
    )


@bp.get("/badges")
@organiser_required
def badges_form(event):
    return _badges_page(event, BadgeForm(formdata=None))


@bp.post("/badges")
@organiser_required
def badges_submit(event):
    form = BadgeForm()
    if not form.validate():
        return _badges_page(event, form, 422)
    roles = set(form.roles.data or []) or None
    attendance = form.attendance.data or None
    count = len(badges.collect_badges(event, roles=roles, attendance=attendance))
    if count > services.BACKGROUND_THRESHOLD:
        started = run_action(
            services.start_badge_job,
            event,
            layout=form.layout.data,
            roles=roles,
            attendance=attendance,
            actor=actor(),
            form=form,
        )
        if not started:
            return _badges_page(event, form, 422)
        return redirect(url_for(".badge_job", slug=event.slug, job_id=started.value.id), 303)
    params = {"layout": form.layout.data, "role": sorted(roles or [])}
    if attendance:
        params["attendance"] = attendance
    return redirect(url_for(".badges_pdf", slug=event.slug, **params), 303)


@bp.get("/badges.pdf")
@organiser_required
def badges_pdf(event):
    """The PDF, rendered now. Filters: ``layout``, ``role`` (repeatable), ``registration``
    (repeatable ids: one attendee's badge), ``attendance``."""
    layout = request.args.get("layout", "a6")
    if layout not in badges.LAYOUTS:
        raise DomainError(_("Unknown badge layout: choose a6, a4-4up or a4-8up."), field="layout")
    registration_ids = None
    if request.args.getlist("registration"):
        try:
            registration_ids = [int(v) for v in request.args.getlist("registration")]
        except ValueError:
            raise DomainError(_("Registration ids must be numbers.")) from None
    attendance = request.args.get("attendance") or None
    if attendance not in (None, "in_person", "online"):
        raise DomainError(_("Unknown attendance filter."))
    items = badges.collect_badges(
        event, roles=_roles_arg(), registration_ids=registration_ids, attendance=attendance
    )
    if registration_ids is not None and not items:
        raise DomainError(_("No confirmed registration matches: only confirmed registrations get a badge."))
    # One process: a web worker never starts a render pool (large batches are background jobs).
    pdf = badges.render_badges(event, items, layout=layout, processes=1)
    name = f"{event.slug}-badges-{layout}.pdf"
    if registration_ids is not None and len(items) == 1:
        name = f"{event.slug}-badge-{items[0].registration_id}.pdf"
    resp = Response(pdf, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'inline; filename="{name}"'
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.get("/badges/jobs/<int:job_id>")
@organiser_required
def badge_job(event, job_id: int):
    job = owned_or_404(BadgeJob, job_id, event)
    return render_template(
        "exports/badge_job.html", title=_("Badge batch"), event=event, job=job, retry_form=ButtonForm()
    )


@bp.post("/badges/jobs/<int:job_id>/retry")
@organiser_required
def badge_job_retry(event, job_id: int):
    """Start a failed batch again (its worker died, or rendering failed)."""
    form = ButtonForm()
    if form.validate():
        run_action(services.retry_badge_job, event, job_id, actor=actor(), form=form)
    return redirect(url_for(".badge_job", slug=event.slug, job_id=job_id), 303)


@bp.get("/badges/jobs/<int:job_id>.json")
@organiser_required
def badge_job_json(event, job_id: int):
    job = owned_or_404(BadgeJob, job_id, event)
    return jsonify(
        {
            "id": job.id,
            "state": job.state.value,
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "error": job.error,
            "download_url": url_for(".badge_job_download", slug=event.slug, job_id=job.id)
            if job.state == BadgeJobState.DONE
            else None,
        }
    )


@bp.get("/badges/jobs/<int:job_id>/download")
@organiser_required
def badge_job_download(event, job_id: int):
    job = owned_or_404(BadgeJob, job_id, event)
    path = badge_jobs.badge_job_file(job) if job.state == BadgeJobState.DONE else None
    if path is None:
        abort(404)
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{event.slug}-badges-{job.layout}.pdf",
        max_age=0,
    )


# --- check-in --------------------------------------------------------------------------


def _checkin_page(event, *, form=None, result=None, problem=None, status=200):
    query = request.args.get("q", "").strip()
    found = services.search_registrations(event, query, offset=request.args.get("from", type=int) or 0)
    names = [r.name_key for r in found.items]
    return (
        render_template(
            "exports/checkin.html",
            title=_("Check-in"),
            event=event,
            form=form or CheckinCodeForm(formdata=None),
            button=ButtonForm(formdata=None),
            query=query,
            found=found,
            same_name={key for key in names if names.count(key) > 1},
            email_domain=services.email_domain,
            counts=services.checkin_counts(event),
            result=result,
            problem=problem,
        ),
        status,
    )


@bp.get("/checkin")
@organiser_required
def checkin(event):
    result = None
    last = int_arg("last")
    if last:
        reg = db.session.get(Registration, last)
        if reg is not None and reg.event_id == event.id and reg.checked_in_at is not None:
            result = {"registration": reg, "already": request.args.get("already") == "1"}
    return _checkin_page(event, result=result)


@bp.post("/checkin")
@organiser_required
def checkin_code(event):
    """A typed or scanned code (a USB/Bluetooth scanner types it and presses Enter)."""
    form = CheckinCodeForm()
    if not form.validate():
        return _checkin_page(event, form=form, status=422)
    done = run_action(services.check_in, event, code=form.code.data, actor=actor(), form=form)
    if not done:  # the refusal is on the code field (and in the desk's problem box)
        return _checkin_page(event, form=form, problem=done.error.message, status=done.error.status)
    return _after_checkin(event, done.value)


@bp.post("/checkin/<int:registration_id>")
@organiser_required
def checkin_registration(event, registration_id: int):
    form = ButtonForm()
    if not form.validate():
        flash(_("The form expired. Please try again."), "error")
        return redirect(url_for(".checkin", slug=event.slug))
    done = run_action(services.check_in, event, registration_id=registration_id, actor=actor())
    if not done:  # run_action flashed the refusal
        return _checkin_page(event, status=done.error.status)
    return _after_checkin(event, done.value, q=request.form.get("q", ""))


def _after_checkin(event, outcome, q: str = ""):
    params = {"last": outcome.registration.id}
    if outcome.already_checked_in:
        params["already"] = "1"
    if q:
        params["q"] = q
    return redirect(url_for(".checkin", slug=event.slug, **params), 303)


@bp.post("/checkin/<int:registration_id>/undo")
@organiser_required
def checkin_undo(event, registration_id: int):
    form = ButtonForm()
    if form.validate():
        owned_or_404(Registration, registration_id, event)
        done = run_action(services.undo_check_in, event, registration_id, actor=actor())
        if done:
            flash(_("Check-in of %(name)s undone.", name=done.value.name), "success")
    return redirect(url_for(".checkin", slug=event.slug, q=request.form.get("q", "") or None), 303)


@bp.get("/checkin/stats.json")
@organiser_required
def checkin_stats(event):
    return jsonify(services.checkin_counts(event).as_json())
