"""The public ``events`` blueprint and its helpers. The home page, each event's page and the
template filters that need the agenda are added by :mod:`wid_events.site.views`.

Drafts (``published=False``) are 404 for the public and visible, with a banner, to that
event's organisers. Other public blueprints (agenda, speakers) use :func:`public_event_or_404`.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from wid_events.accounts.permissions import is_organiser
from wid_events.events import look, window
from wid_events.events.access import event_or_404
from wid_events.events.models import Event

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


def render_public(template: str, event: Event, draft: bool, *, section: str, title: str, **context):
    """Render one of an event's public pages with what every such page needs (menu, draft banner)."""
    return render_template(template, title=title, event=event, draft=draft, section=section, **context)


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
    """Registration is open, within its window, and the event has not ended yet (in the event's timezone)."""
    return (
        bool(event.registration_open)
        and event.end_date >= event_today(event)
        and window.window_state(event) == window.WindowState.OPEN
    )


def window_parts(event: Event) -> tuple:
    """What a cached public page showing the registration window depends on besides the event's
    version: the window's state and its minute-by-minute countdown text."""
    if event.registration_opens is None and event.registration_closes is None:
        return ()
    return (str(window.window_state(event)), window.countdown(event) if event.registration_open else None)


@bp.app_template_global()
def registration_window(event: Event) -> dict:
    """The window's reason (opens on …/closed on …) and text countdown for the event page."""
    return {
        "reason": window.window_reason(event),
        "countdown": window.countdown(event) if event.registration_open else None,
        "closes": window.closes_message(event) if event.registration_closes is not None else None,
    }


@bp.app_template_global()
def registration_state(event: Event) -> str:
    """``open``, ``closed`` or ``over`` (the event has ended, in its timezone)."""
    if event.end_date < event_today(event):
        return "over"
    return "open" if event.registration_open else "closed"


def event_today(event: Event) -> dt.date:
    return window.local_now(event).date()


@bp.get("/events/<slug>/look/<which>")
def look_image(slug: str, which: str):
    """The event's logo or header image (stored outside static/, served with safe headers)."""
    event = event_or_404(slug)
    key = look.image_key(event, which)
    data = look.read_image(key) if key else None
    if not data:
        abort(404)
    response = Response(data, mimetype=look.mimetype_of(key))
    response.headers["X-Content-Type-Options"] = "nosniff"
    # An SVG opened on its own can never run anything or load anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/events/<slug>/look.css")
def look_css(slug: str):
    """The event's accent colour as CSS variables (a file, so the CSP needs no inline style)."""
    event = event_or_404(slug)
    colour = look.normalise_colour(event.accent_colour or "")
    body = f":root {{ --accent: {colour}; --link: {colour}; }}\n" if colour else ""
    response = Response(body, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.app_template_global()
def event_look(event: Event) -> dict:
    """What the templates need to show the organisation's look."""
    return {
        "css": url_for("events.look_css", slug=event.slug) if event.accent_colour else None,
        "logo": url_for("events.look_image", slug=event.slug, which="logo") if event.logo_key else None,
        "header": url_for("events.look_image", slug=event.slug, which="header")
        if event.header_image_key
        else None,
        "header_alt": event.header_image_alt,
        "accent": event.accent_colour,
    }


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
