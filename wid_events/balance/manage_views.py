"""The balance report in the organiser area: verdicts, statistics, charts, suggestions,
exemptions. Organisers of the event only (``@organiser_required``)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext

from wid_events.balance import rules, services, svg
from wid_events.balance.forms import AddPanelistForm, ExemptionForm, RevokeExemptionForm
from wid_events.balance.models import BalanceExemption
from wid_events.core.actions import actor, run_action
from wid_events.events.access import organiser_required

bp = Blueprint("balance_manage", __name__, url_prefix="/manage/events/<slug>")

PUBLISH_RULE = "/manage/events/<slug>/publish"


def _publish_url(event) -> str | None:
    """The organiser area's publish page, when that route exists."""
    if any(r.rule == PUBLISH_RULE for r in current_app.url_map.iter_rules()):
        return PUBLISH_RULE.replace("<slug>", event.slug)
    return None


def _render(event, *, forms: dict | None = None, status: int = 200):
    report = services.report(event, user=actor())
    forms = forms or {}
    exemption_forms = {
        p.session.id: forms.get(p.session.id) or ExemptionForm(prefix=f"p{p.session.id}", formdata=None)
        for p in report.panels
        if p.verdict.verdict != rules.PASS and p.exemption is None
    }
    stats = report.stats
    group_labels = {
        "all": gettext("All speakers"),
        "panelists": gettext("Panelists"),
        "keynotes": gettext("Keynote speakers"),
        "moderators": gettext("Moderators"),
        "other": gettext("Other sessions"),
    }
    overall_rows = [(group_labels[g], stats.overall[g]) for g in rules.GROUPS]
    return (
        render_template(
            "balance/report.html",
            title=gettext("No Women No Panel"),
            event=event,
            report=report,
            stats=stats,
            rules=rules,
            group_labels=group_labels,
            gender_labels=svg.gender_labels(),
            count_label=svg.count_label,
            panel_chart=svg.panel_composition(report.panels) if report.panels else None,
            share_chart=svg.share_vs_target(overall_rows, stats.target, ident="share-chart"),
            exemption_forms=exemption_forms,
            publish_url=_publish_url(event),
            settings_url=(
                url_for("manage.settings", slug=event.slug)
                if "manage.settings" in current_app.view_functions
                else None
            ),
        ),
        status,
    )


@bp.get("/balance")
@organiser_required
def report(event):
    return _render(event)


@bp.get("/balance.json")
@organiser_required
def report_json(event):
    """The same document as ``flask balance check SLUG --json``."""
    return jsonify(services.check(event))


def _back(event, session_id: int):
    return redirect(url_for(".report", slug=event.slug) + f"#panel-{session_id}")


@bp.post("/balance/panels/<int:session_id>/exemption")
@organiser_required
def exempt(event, session_id: int):
    form = ExemptionForm(prefix=f"p{session_id}")
    if not form.validate_on_submit():
        return _render(event, forms={session_id: form}, status=422)
    done = run_action(
        services.record_exemption, event, session_id, form.reason.data, actor=actor(), form=form
    )
    if done:
        flash(gettext("Exemption recorded. It is kept in the audit log."), "success")
    elif done.error.field == "reason":
        return _render(event, forms={session_id: form}, status=422)
    return _back(event, session_id)


def revoke_keeping_message(event, session_id: int, *, actor) -> BalanceExemption:
    """:func:`services.revoke_exemption`, whose gate refusal says that the exemption was kept."""
    try:
        return services.revoke_exemption(event, session_id, actor=actor)
    except services.BalanceGateError as exc:
        message = gettext("The exemption was kept: %(message)s", message=exc.message)
        raise services.BalanceGateError(message, exc.verdicts) from exc


@bp.post("/balance/panels/<int:session_id>/exemption/revoke")
@organiser_required
def revoke(event, session_id: int):
    form = RevokeExemptionForm()
    if not form.validate_on_submit():
        flash(gettext("The form expired. Please submit it again."), "error")
    elif run_action(revoke_keeping_message, event, session_id, actor=actor()):
        flash(gettext("Exemption revoked."), "success")
    return _back(event, session_id)


@bp.post("/balance/panels/<int:session_id>/panelists")
@organiser_required
def add_panelist(event, session_id: int):
    """ "Add as panelist" on a suggestion: creates the panel membership, then re-checks."""
    form = AddPanelistForm()
    if not form.validate_on_submit():
        flash(gettext("Choose someone from the suggestions."), "error")
        return _back(event, session_id)
    done = run_action(services.add_panelist, event, session_id, form.person_id.data, actor=actor())
    if not done:
        return _back(event, session_id)
    verdict = next((p for p in services.panel_results(event) if p.session.id == session_id), None)
    name = done.value.person.name
    if verdict is not None and verdict.verdict.verdict == rules.PASS:
        flash(gettext("%(name)s was added as a panelist. The panel now passes.", name=name), "success")
    else:
        flash(gettext("%(name)s was added as a panelist.", name=name), "success")
    return _back(event, session_id)
