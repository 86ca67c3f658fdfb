"""The current time, in one place, so tests can freeze it.

With ``FROZEN_NOW`` in the app config (an aware datetime, or an ISO string with an offset)
every caller of :func:`now` sees that instant; tests move it by changing the setting.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, has_app_context

from wid_events.models_base import utcnow


def now() -> dt.datetime:
    """Aware UTC now (or the frozen instant)."""
    frozen = current_app.config.get("FROZEN_NOW") if has_app_context() else None
    if frozen is None:
        return utcnow()
    if isinstance(frozen, str):
        frozen = dt.datetime.fromisoformat(frozen)
    return frozen.astimezone(dt.UTC)
