"""Organisers review the speaker pool (accept, or decline with a message) and invite pool
members to a panel from the balance report."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from wid_events.core.actions import actor, run_action
from wid_events.enums import PoolStatus
from wid_events.errors import NotFound
from wid_events.events.access import organiser_required
from wid_events.pool import services, suggestions
from wid_events.pool.forms import ButtonForm, DeclineForm, InviteForm
from wid_events.pool.topics import topic_label

bp = Blueprint("pool_manage", __name__)


def reviewer_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not services.may_review(current_user._get_current_object()):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _locale() -> str:
    return str(get_locale() or "en")


@bp.get("/manage/pool")
@reviewer_required
def index():
    wanted = request.args.get("status", PoolStatus.SUBMITTED.value)
    status = PoolStatus(wanted) if wanted in {s.value for s in PoolStatus} - {"unconfirmed"} else None
    members = services.reviewable(status)
    return render_template(
        "pool/manage_index.html",
        title=_("Speaker pool"),
        members=members,
        status=status,
        statuses=[PoolStatus.SUBMITTED, PoolStatus.ACCEPTED, PoolStatus.DECLINED],
        topic_label=topic_label,
    )


def _detail(member, decline_form=None, status: int = 200):
    return render_template(
        "pool/manage_detail.html",
        title=member.name,
        member=member,
        button=ButtonForm(formdata=None),
        decline_form=decline_form or DeclineForm(formdata=None),
        topic_label=topic_label,
        events={e.id: e for e in services.open_events()},
    ), status


@bp.get("/manage/pool/<int:member_id>")
@reviewer_required
def detail(member_id: int):
    try:
        member = services.get_reviewable(member_id)
    except NotFound:
        abort(404)
    return _detail(member)


@bp.post("/manage/pool/<int:member_id>/accept")
@reviewer_required
def accept(member_id: int):
    if not ButtonForm().validate_on_submit():
        flash(_("The form expired. Please submit it again."), "error")
    elif run_action(services.accept, member_id, actor=actor(), locale=_locale()):
        flash(_("Accepted into the speaker pool. We emailed the person."), "success")
    return redirect(url_for(".detail", member_id=member_id))


@bp.post("/manage/pool/<int:member_id>/decline")
@reviewer_required
def decline(member_id: int):
    form = DeclineForm()
    if form.validate_on_submit():
        done = run_action(
            services.decline, member_id, form.message.data, actor=actor(), locale=_locale(), form=form
        )
        if done:
            flash(_("Declined. We emailed the person your message."), "success")
            return redirect(url_for(".detail", member_id=member_id))
    try:
        member = services.get_reviewable(member_id)
    except NotFound:
        abort(404)
    return _detail(member, decline_form=form, status=422)


@bp.post("/manage/events/<slug>/balance/panels/<int:session_id>/pool-invitations")
@organiser_required
def invite_to_panel(event, session_id: int):
    """ "Invite to this panel" on a pool suggestion of the balance report."""
    form = InviteForm()
    back = redirect(url_for("balance_manage.report", slug=event.slug) + f"#panel-{session_id}")
    if not form.validate_on_submit() or not form.member_id.data.isdigit():
        flash(_("Choose someone from the suggestions."), "error")
        return back
    done = run_action(
        suggestions.invite_to_panel,
        event,
        session_id,
        int(form.member_id.data),
        actor=actor(),
        locale=_locale(),
    )
    if done:
        flash(
            _(
                "%(name)s was invited to this panel. We emailed them their speaker page.",
                name=done.value.name,
            ),
            "success",
        )
    return back
