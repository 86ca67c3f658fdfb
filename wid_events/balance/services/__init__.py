"""No Women No Panel: recording self-declared gender, verdicts, exemptions, the publishing
gate, suggestions, the report and the public badge.

The rules themselves are pure functions in :mod:`wid_events.balance.rules`; this package
reads the database into them and renders their structured reasons with gettext.
Services take an explicit ``actor`` and never commit: the caller does.

Modules: :mod:`.gender`, :mod:`.reasons`, :mod:`.verdicts`, :mod:`.gate` (with exemptions),
:mod:`.suggestions` and :mod:`.report`. Callers import the public names from here.
"""

from __future__ import annotations

from wid_events.balance.services.gate import (
    MAX_REASON_LENGTH,
    MIN_REASON_LENGTH,
    BalanceGateError,
    enforce_gate,
    publish_warnings,
    record_exemption,
    revoke_exemption,
)
from wid_events.balance.services.reasons import in_locale, render_part, render_reason
from wid_events.balance.services.report import Report, badge, report
from wid_events.balance.services.suggestions import Suggestion, add_panelist, is_free, suggestions
from wid_events.balance.services.verdicts import (
    PanelResult,
    active_exemptions,
    check,
    exit_status,
    members_of,
    panel_results,
    policy_for,
    stats_for,
)
from wid_events.people.gender import record_gender

__all__ = [
    "MAX_REASON_LENGTH",
    "MIN_REASON_LENGTH",
    "BalanceGateError",
    "PanelResult",
    "Report",
    "Suggestion",
    "active_exemptions",
    "add_panelist",
    "badge",
    "check",
    "enforce_gate",
    "exit_status",
    "in_locale",
    "is_free",
    "members_of",
    "panel_results",
    "policy_for",
    "publish_warnings",
    "record_exemption",
    "record_gender",
    "render_part",
    "render_reason",
    "report",
    "revoke_exemption",
    "stats_for",
    "suggestions",
]
