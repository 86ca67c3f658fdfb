"""Public side of No Women No Panel: only the transparency badge's data (no routes).

The event page includes ``balance/_transparency_badge.html`` with ``event`` in context;
the partial calls :func:`balance_badge`. Aggregates only, never an individual's gender.
"""

from __future__ import annotations

from flask import Blueprint

from wid_events.balance import services

bp = Blueprint("balance", __name__)


@bp.app_template_global()
def balance_badge(event):
    """Badge data for a published event, or None (a draft, or no panel and no share to show)."""
    if event is None:
        return None
    return services.badge(event)
