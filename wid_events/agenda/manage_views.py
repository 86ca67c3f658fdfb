"""Organiser area for the agenda (``/manage/events/<slug>/…``): the blueprint, the helpers its
pages share, the agenda editor, publishing and the changes since publication.

The other pages of this blueprint live beside it and add their routes to :data:`bp`:
sessions and their speakers (:mod:`.manage_sessions`), people (:mod:`.manage_people`) and the
CSV import (:mod:`.manage_import`). :mod:`wid_events.wiring` imports all of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask import session as flask_session
from flask_babel import gettext as _

from wid_events import signals
from wid_events.agenda import services
from wid_events.agenda.conflicts import conflicts_by_session, find_conflicts
from wid_events.agenda.forms import PublishForm
from wid_events.agenda.layout import editor_grids
from wid_events.agenda.models import SessionChange
from wid_events.core.actions import Outcome, actor, run_action, run_json_action, show_error
from wid_events.errors import BalanceGateError, DomainError
from wid_events.events.access import organiser_required
from wid_events.events.models import Event
from wid_events.extensions import db

bp = Blueprint("agenda_manage", __name__, url_prefix="/manage/events/<slug>")


def day_choices(event: Event, extra: dt.date | None = None) -> list[tuple[str, str]]:
    """The event's days for a select field (plus ``extra``, e.g. a session's day outside them)."""
    days = list(event.days)
    if extra is not None and extra not in days:
        days = sorted([*days, extra])
    return [(d.isoformat(), d.strftime("%a %d %b %Y")) for d in days]


def run_gated(
    event: Event,
    service: Callable[..., Any],
    /,
    *args: Any,
    form=None,
    rename: dict[str, str] | None = None,
    **kwargs: Any,
) -> Outcome:
    """:func:`run_action` for changes that may meet the balance gate of a published agenda.

    A gate refusal is shown as "… Nothing was saved." and flags the organiser layout's link to
    the balance report; ``rename`` maps the service's field names onto the form's.
    """

    def call(*call_args: Any, **call_kwargs: Any) -> Any:
        try:
            return service(*call_args, **call_kwargs)
        except BalanceGateError as exc:
            flask_session["balance_gate"] = event.slug
            message = _("%(message)s Nothing was saved.", message=exc.message)
            raise BalanceGateError(message, exc.verdicts) from exc
        except DomainError as exc:
            if rename and exc.field in rename:
                exc.field = rename[exc.field]
            raise

    return run_action(call, *args, form=form, **kwargs)


# --- agenda editor --------------------------------------------------------------------


def blockers(event: Event) -> dict:
    """Everything that stops or warns against publishing, in the order the page shows it:
    failing panels (without an exemption), conflicts, then incomplete panels."""
    results = signals.collect(signals.panel_verdicts, event)
    return {
        "failing": [r for r in results if r.blocks],
        "conflicts": find_conflicts(event),
        "incomplete": [r for r in results if r.verdict.verdict == "incomplete"],
        "exempted": [r for r in results if r.exempted],
    }


@bp.get("/agenda")
@organiser_required
def editor(event: Event):
    conflicts = find_conflicts(event)
    by_session = conflicts_by_session(conflicts)
    failing = {r.session.id: r for r in signals.collect(signals.panel_verdicts, event) if r.blocks}
    return render_template(
        "agenda/manage_editor.html",
        event=event,
        grids=editor_grids(event, set(by_session)),
        conflicts=conflicts,
        by_session=by_session,
        failing=failing,
        balance_url=url_for("balance_manage.report", slug=event.slug),
        title=_("Agenda editor"),
    )


# --- publishing and changes -----------------------------------------------------------


@bp.route("/publish", methods=["GET", "POST"])
@organiser_required
def publish(event: Event):
    form = PublishForm()
    gate_error = None
    if form.validate_on_submit():
        # Not run_action: a gate refusal is shown in its own box (with the link to the balance
        # report), not as a flash. run_json_action commits, or rolls back and re-raises.
        try:
            run_json_action(
                services.publish, event, actor=actor(), confirm_conflicts=form.confirm_conflicts.data
            )
        except BalanceGateError as exc:
            gate_error = exc
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("The agenda is published."), "success")
            return redirect(url_for("agenda_manage.publish", slug=event.slug))
    status = 409 if gate_error else (400 if form.errors else 200)
    return render_template(
        "agenda/manage_publish.html",
        event=event,
        form=form,
        gate_error=gate_error,
        balance_url=url_for("balance_manage.report", slug=event.slug),
        title=_("Publish"),
        **blockers(event),
    ), status


@bp.post("/unpublish")
@organiser_required
def unpublish(event: Event):
    if run_action(services.unpublish, event, actor=actor()):
        flash(_("The agenda is no longer public."), "success")
    return redirect(url_for("agenda_manage.publish", slug=event.slug))


@bp.get("/changes")
@organiser_required
def changes(event: Event):
    rows = list(
        db.session.scalars(
            sa.select(SessionChange)
            .where(SessionChange.event_id == event.id)
            .order_by(SessionChange.id.desc())
        )
    )
    pending = [c for c in rows if c.notified_at is None]
    return render_template(
        "agenda/manage_changes.html",
        event=event,
        changes=rows,
        pending=pending,
        title=_("Changes since publication"),
    )


@bp.post("/changes/notify")
@organiser_required
def changes_notify(event: Event):
    if not services.pending_changes(event):
        flash(_("There are no pending change notices."), "success")
    elif run_action(services.queue_notifications, event):
        flash(_("Change notices are being sent to the attendees concerned."), "success")
    return redirect(url_for("agenda_manage.changes", slug=event.slug))
