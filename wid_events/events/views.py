"""Public event pages: the home page and each event's page.

Drafts (``published=False``) are 404 for the public and visible, with a banner, to that
event's organisers. Other public blueprints (agenda, speakers) use :func:`public_event_or_404`.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from wid_events.accounts.models import EventOrganiser
from wid_events.accounts.permissions import is_organiser
from wid_events.agenda import queries
from wid_events.core import httpcache
from wid_events.events.access import event_or_404
from wid_events.events.models import Event
from wid_events.extensions import db

bp = Blueprint("events", __name__)


def viewer_organises(event: Event) -> bool:
    """Whether the logged-in user (if any) organises this event."""
    if not current_user.is_authenticated:
        return False
    return is_organiser(current_user._get_current_object(), event)


def public_event_or_404(slug: str) -> tuple[Event, bool]:
    """The event and whether it is a draft shown to its organiser; 404 for a draft otherwise."""
    event = event_or_404(slug)
    if event.published:
        return event, False
    if not viewer_organises(event):
        abort(404)
    return event, True


@bp.app_template_global()
def contract_url(endpoint: str, path: str, **values) -> str:
    """``url_for(endpoint)`` when another area registered it, else the contract's path.

    The path is the one fixed by the public interface, so links stay right even while the
    view that serves it is built elsewhere.
    """
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return request.script_root + path


@bp.app_template_global()
def has_endpoint(endpoint: str) -> bool:
    """Whether another area registered this view (for optional links)."""
    return endpoint in current_app.view_functions


@bp.app_template_global()
def webcal_url(http_url: str) -> str:
    """The ``webcal://`` form of an absolute or site-relative calendar URL (subscribe link)."""
    if http_url.startswith("/"):
        http_url = request.host_url.rstrip("/") + http_url
    return "webcal://" + http_url.split("://", 1)[-1]


@bp.app_template_global()
def registration_available(event: Event) -> bool:
    """Registration is open and the event has not ended yet (in the event's timezone)."""
    return bool(event.registration_open) and event.end_date >= event_today(event)


def event_today(event: Event) -> dt.date:
    return dt.datetime.now(event.tz).date()


@bp.app_template_filter("session_type_label")
def session_type_label(value) -> str:
    return str(queries.SESSION_TYPE_LABELS.get(value, value))


@bp.app_template_filter("speaker_role_label")
def speaker_role_label(value) -> str:
    return str(queries.SPEAKER_ROLE_LABELS.get(value, value))


@bp.app_template_filter("event_mode_label")
def event_mode_label(value) -> str:
    return str(queries.EVENT_MODE_LABELS.get(value, value))


@bp.app_template_filter("local_iso")
def local_iso_filter(value: dt.datetime, event: Event) -> str:
    """Machine-readable ``<time datetime=…>`` value with the event's UTC offset."""
    return queries.local_iso(event, value)


def _viewer_draft_scope() -> dict:
    if not current_user.is_authenticated:
        return {}
    user = current_user._get_current_object()
    if user.is_admin:
        return {"all_drafts": True}
    ids = set(db.session.scalars(sa.select(EventOrganiser.event_id).where(EventOrganiser.user_id == user.id)))
    return {"organiser_event_ids": ids}


@bp.get("/")
def home():
    events = queries.listed_events(**_viewer_draft_scope())
    upcoming, past = queries.split_upcoming_past(events)
    return render_template("events/home.html", title=_("Events"), upcoming=upcoming, past=past)


@bp.get("/events/<slug>/")
def event_page(slug: str):
    event, draft = public_event_or_404(slug)
    today = event_today(event)

    def render():
        return render_template(
            "events/event.html",
            title=event.title,
            event=event,
            draft=draft,
            tz_labels=queries.tz_labels(event),
            is_past=event.end_date < today,
            section="event",
        )

    parts = httpcache.event_parts(event, "event", today)
    return httpcache.serve(parts, render, last_modified=event.updated_at)


@bp.app_template_filter("venue_city")
def venue_city(address: str | None) -> str:
    """The town of a postal address: ``Rue … 47, 1070 Anderlecht, Belgium`` → ``Anderlecht``."""
    if not address:
        return ""
    parts = [p.strip() for p in address.split(",") if p.strip()]
    for part in parts[1:]:
        match = re.match(r"^(?:[A-Z]{1,2}-)?\d{4,5}\s+(.+)$", part)
        if match:
            return match.group(1)
    if len(parts) >= 3:
        return parts[-2]
    if len(parts) == 2:  # "Berlin, Germany" or "Street 1, Town"
        return parts[1] if any(ch.isdigit() for ch in parts[0]) else parts[0]
    return parts[0] if parts and not any(ch.isdigit() for ch in parts[0]) else ""
