"""Loading an event from the URL and checking who may work on it (views' decorators).

They live in ``events`` (not ``core``) because they need the event model and the organiser
check; ``core`` imports no domain package.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user

from wid_events.accounts.permissions import is_organiser
from wid_events.core.web import error_response
from wid_events.events.models import Event
from wid_events.extensions import db, login_manager

#: Built once: every public page and form asks it first.
_BY_SLUG = sa.select(Event).where(Event.slug == sa.bindparam("slug"))


def event_or_404(slug: str) -> Event:
    event = db.session.scalar(_BY_SLUG, {"slug": slug})
    if event is None:
        abort(404)
    return event


def organiser_required(view: Callable) -> Callable:
    """For ``/manage/events/<slug>/…`` views: log in, load the event, check the role for it.

    The view receives ``event`` instead of ``slug``.
    """

    @functools.wraps(view)
    def wrapper(*args, slug: str, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        event = event_or_404(slug)
        if not is_organiser(current_user._get_current_object(), event):
            abort(403)
        g.event = event
        return view(*args, event=event, **kwargs)

    return wrapper


def api_organiser_required(view: Callable) -> Callable:
    """For organiser API views: a valid bearer token of an organiser of that event."""

    @functools.wraps(view)
    def wrapper(*args, slug: str, **kwargs):
        if not current_user.is_authenticated:
            if g.get("api_token_refused"):
                return error_response(401, "This token has expired or was revoked.", "unauthorized")
            return error_response(401, "A valid bearer token is required.", "unauthorized")
        event = event_or_404(slug)
        if not is_organiser(current_user._get_current_object(), event):
            return error_response(403, "You are not an organiser of this event.", "forbidden")
        g.event = event
        return view(*args, event=event, **kwargs)

    return wrapper
