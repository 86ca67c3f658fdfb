"""Rendering the rules' structured reasons as sentences, with gettext (plural forms included).

Outside a request (CLI, jobs) the default locale is used.
"""

from __future__ import annotations

import contextlib

from flask import current_app, has_request_context
from flask_babel import force_locale, gettext, ngettext

from wid_events.balance import rules
from wid_events.balance.models import BalanceExemption


def in_locale():
    """Flask-Babel needs a locale; outside a request (CLI, jobs) use the default one."""
    if has_request_context():
        return contextlib.nullcontext()
    return force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "en"))


def render_part(part: rules.ReasonPart) -> str:
    n = part.n
    code = part.code
    if code == "no_panelists":
        return gettext("no panelists yet")
    if code == "needed":
        return ngettext("%(num)d woman needed", "%(num)d women needed", n)
    if code == "more_needed":
        return ngettext(
            "%(num)d more woman needed (minimum %(minimum)d)",
            "%(num)d more women needed (minimum %(minimum)d)",
            n,
            minimum=part.param("minimum"),
        )
    if code == "minimum_met":
        return ngettext(
            "meets the minimum of %(num)d woman", "meets the minimum of %(num)d women", part.param("minimum")
        )
    if code == "panelists" and part.param("gender") == rules.MAN:
        return ngettext("%(num)d man panelist", "%(num)d men panelists", n)
    if code == "panelists":
        return ngettext("%(num)d woman panelist", "%(num)d women panelists", n)
    if code == "moderators_counted":
        return ngettext(
            "%(num)d woman moderates, and this event counts moderators",
            "%(num)d women moderate, and this event counts moderators",
            n,
        )
    if code == "only_woman_moderates":
        return gettext("the only woman is the moderator, and moderators are not counted")
    if code == "women_moderate":
        return ngettext(
            "%(num)d woman moderates, and moderators are not counted",
            "%(num)d women moderate, and moderators are not counted",
            n,
        )
    if code == "non_binary_not_counted":
        return ngettext(
            "%(num)d non-binary person, not counted towards the minimum under this event's policy",
            "%(num)d non-binary people, not counted towards the minimum under this event's policy",
            n,
        )
    if code == "non_binary_counted":
        return ngettext(
            "%(num)d non-binary person, counted towards the minimum under this event's policy",
            "%(num)d non-binary people, counted towards the minimum under this event's policy",
            n,
        )
    if code.startswith("self_described_"):
        return _self_described_part(code, n)
    if code == "undisclosed_decide":
        return ngettext(
            "%(num)d person has not disclosed their gender and could decide the verdict",
            "%(num)d people have not disclosed their gender and could decide the verdict",
            n,
        )
    if code == "undisclosed_cannot_save":
        return ngettext(
            "%(num)d person has not disclosed their gender, too few to reach the minimum",
            "%(num)d people have not disclosed their gender, too few to reach the minimum",
            n,
        )
    return code


def _self_described_part(code: str, n: int) -> str:
    """The clauses about self-described people, by their answer to "count me as a woman"."""
    if code == "self_described_counted":
        return ngettext(
            "%(num)d self-described person asked to be counted as a woman",
            "%(num)d self-described people asked to be counted as women",
            n,
        )
    if code == "self_described_not_counted":
        return ngettext(
            "%(num)d self-described person asked not to be counted as a woman",
            "%(num)d self-described people asked not to be counted as women",
            n,
        )
    if code == "self_described_undecided":
        return ngettext(
            "%(num)d self-described person has not said how to be counted and could decide the verdict",
            "%(num)d self-described people have not said how to be counted and could decide the verdict",
            n,
        )
    return code


def render_reason(verdict: rules.Verdict, exemption: BalanceExemption | None = None) -> str:
    with in_locale():
        text = "; ".join(render_part(p) for p in verdict.reason)
        if exemption is not None:
            note = gettext(
                "exempted by %(who)s on %(date)s: %(reason)s",
                who=exemption.created_by_label or gettext("an organiser"),
                date=exemption.created_at.date().isoformat(),
                reason=exemption.reason,
            )
            text = f"{text}; {note}" if text else note
        return text
