"""The printable agenda (``/events/<slug>/agenda.pdf``), rendered with WeasyPrint.

Days in order; each session with its local time range, room, type, track, title, speakers
(public name, role, organisation) and a short description. Cancelled sessions are shown struck
through with "Cancelled". Public data only: no emails, no gender, no livestream link.
"""

from __future__ import annotations

import datetime as dt
import itertools

from flask import render_template
from weasyprint import HTML

from wid_events.events import look
from wid_events.exports.badges import _FONT_STACK, RENDER_LOCK, _get_renderer
from wid_events.exports.ics import event_url, locale_context, public_speakers, role_label, type_label


def agenda_days(event) -> list[tuple[dt.date, list]]:
    sessions = sorted(event.sessions, key=lambda s: (s.start, s.room.position if s.room else -1, s.id))
    return [(day, list(items)) for day, items in itertools.groupby(sessions, key=lambda s: s.start.date())]


def render_agenda_pdf(event) -> bytes:
    with locale_context():
        html = render_template(
            "exports/agenda_pdf.html",
            event=event,
            days=agenda_days(event),
            public_speakers=public_speakers,
            role_label=role_label,
            type_label=type_label,
            event_url=event_url(event),
            font_stack=_FONT_STACK,
            logo=look.data_uri(event, "logo"),
            accent=look.normalise_colour(event.accent_colour or ""),
        )
        with RENDER_LOCK:
            renderer = _get_renderer()
            return HTML(string=html, base_url=event_url(event)).write_pdf(font_config=renderer.fonts)
