"""View helpers for the one write path: call one service, commit once, show refusals.

A view validates its form, then::

    done = run_action(services.create_room, event, name, actor=actor(), form=form)
    if done:
        flash(_("Room added."), "success")
        return redirect(...)

:func:`run_action` commits when the service returns, and on a
:class:`~wid_events.errors.DomainError` rolls back and puts the message next to the form field
it names (or in a flash). JSON views use :func:`run_json_action`, whose refusals become the
contract's JSON error with the error's 4xx status (through the app's error handler).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash
from flask_login import current_user

from wid_events.core.uow import commit
from wid_events.errors import DomainError
from wid_events.extensions import db


@dataclass
class Outcome:
    """What :func:`run_action` did: truthy when the service succeeded and was committed."""

    ok: bool
    value: Any = None
    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.ok


def actor():
    """The logged-in user, as services expect it (not the proxy)."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def show_error(form, exc: DomainError) -> None:
    """Put a service's refusal next to the field it concerns (or on top of the page)."""
    db.session.rollback()
    if form is not None and exc.field and exc.field in form:
        form[exc.field].errors = [*list(form[exc.field].errors or []), exc.message]
    else:
        flash(exc.message, "error")


def run_action(service: Callable[..., Any], *args: Any, form=None, **kwargs: Any) -> Outcome:
    """Call ``service(*args, **kwargs)``, commit once, and turn a refusal into a form error."""
    try:
        value = service(*args, **kwargs)
        commit()
    except DomainError as exc:
        show_error(form, exc)
        return Outcome(False, error=exc)
    return Outcome(True, value)


def run_json_action(service: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``service``, commit once and return its value; a refusal rolls back and propagates
    to the app's :class:`DomainError` handler, which answers with JSON and the error's status."""
    try:
        value = service(*args, **kwargs)
        commit()
    except DomainError:
        db.session.rollback()
        raise
    return value


def owned_or_404(model, ident: int, event):
    """The ``model`` row with id ``ident`` if it belongs to ``event``; 404 otherwise."""
    obj = db.session.get(model, ident)
    if obj is None or getattr(obj, "event_id", None) != event.id:
        abort(404)
    return obj
