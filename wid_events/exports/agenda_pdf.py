"""The printable agenda (``/events/<slug>/agenda.pdf``), rendered with WeasyPrint.

Days in order; each session with its local time range, room, type, track, title, speakers
(public name, role, organisation) and a short description. Cancelled sessions are shown struck
through with "Cancelled". Public data only: no emails, no gender, no livestream link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from weasyprint import HTML

from wid_events.core import pdf_render
from wid_events.events import look
from wid_events.events.models import Event
from wid_events.exports.badges import _FONT_STACK
from wid_events.exports.ics import event_url, locale_context, public_speakers, role_label, type_label
from wid_events.extensions import db


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
        with pdf_render.shared_renderer() as renderer:
            return HTML(string=html, base_url=event_url(event)).write_pdf(font_config=renderer.fonts)


# --------------------------------------------------------------------------- stored per version
#
# The PDF takes seconds to lay out, so no request renders it: the first request for a version
# queues :func:`build_stored_pdf` (once, keyed) and gets a short "being prepared" page; the job
# writes ``instance/agenda-pdf/<event>-<version>-<locale>-<site>.pdf``; later requests serve
# that file with its ETag until the next public change makes a new version.


def pdf_folder() -> Path:
    folder = Path(current_app.instance_path) / "agenda-pdf"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_pdf_path(event, locale: str, url_root: str) -> Path:
    site = hashlib.sha256(url_root.encode()).hexdigest()[:10]
    stamp = int(event.created_at.timestamp() * 1_000_000)
    return pdf_folder() / f"{event.id}-{stamp}-{event.version}-{locale}-{site}.pdf"


def job_key(event, locale: str, url_root: str) -> str:
    return f"agenda-pdf:{stored_pdf_path(event, locale, url_root).stem}"


def build_stored_pdf(event_id: int, locale: str, url_root: str) -> str | None:
    """Job: render the event's current version to its file (atomically). Returns the file name."""
    event = db.session.get(Event, event_id)
    if event is None or not event.published:
        return None
    path = stored_pdf_path(event, locale, url_root)
    if path.exists():
        return path.name
    with current_app.test_request_context(base_url=url_root), force_locale(locale):
        data = render_agenda_pdf(event)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    current = path.stem.split("-")[:3]  # id, creation stamp, version
    for old in path.parent.glob(f"{event.id}-*.pdf"):  # earlier versions are never served again
        if old.stem.split("-")[:3] != current:
            old.unlink(missing_ok=True)
    return path.name
