"""Public side of No Women No Panel: only the transparency badge's data (no routes).

The event page includes ``balance/_transparency_badge.html`` with ``event`` in context;
the partial calls :func:`balance_badge`. Aggregates only, never an individual's gender.
The badge is computed once per public version of the event (it loads every session and
speaker), then kept in a small per-process memo: a change bumps the version, so a new key.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Blueprint

from wid_events.balance import services

bp = Blueprint("balance", __name__)

#: Events whose badge is remembered per process (the newest versions).
MEMO_SIZE = 64
_memo: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()


def _key(event) -> tuple | None:
    if event.id is None or event.created_at is None:
        return None
    return (event.id, event.created_at.isoformat(), event.version, bool(event.published))


@bp.app_template_global()
def balance_badge(event):
    """Badge data for a published event, or None (a draft, or no panel and no share to show)."""
    if event is None:
        return None
    key = _key(event)
    if key is not None:
        with _lock:
            if key in _memo:
                _memo.move_to_end(key)
                return _memo[key]
    data = services.badge(event)
    if key is not None:
        with _lock:
            _memo[key] = data
            while len(_memo) > MEMO_SIZE:
                _memo.popitem(last=False)
    return data
