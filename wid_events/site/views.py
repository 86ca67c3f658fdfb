"""Public event pages: the home page and each event's page, added to the ``events``
blueprint of :mod:`wid_events.events.views`, and the template filters that need the agenda.

Drafts (``published=False``) are 404 for the public and visible, with a banner, to that
event's organisers.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from wid_events.accounts.models import EventOrganiser
from wid_events.agenda import queries
from wid_events.core import httpcache
from wid_events.core.content import localized
from wid_events.events.models import Event
from wid_events.events.views import bp, event_today, public_event_or_404, window_parts
from wid_events.extensions import db


@bp.app_template_filter("session_attendance_label")
def session_attendance_label(value) -> str:
    return str(queries.SESSION_ATTENDANCE_LABELS.get(value, value))


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
            title=localized(event, "title"),
            event=event,
            draft=draft,
            tz_labels=queries.tz_labels(event),
            is_past=event.end_date < today,
            section="event",
        )

    parts = httpcache.event_parts(event, "event", today, *window_parts(event))
    return httpcache.serve(parts, render, last_modified=event.updated_at)
