"""Public speaker pages: the list and each speaker's public profile (never email or gender)."""

from __future__ import annotations

from flask import Blueprint, current_app
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from wid_events.agenda import queries
from wid_events.core import httpcache
from wid_events.core.content import localized
from wid_events.events.views import public_event_or_404, render_public

bp = Blueprint("speakers", __name__)

#: The speaker-portal area serves resized photos; used only when that route exists.
PHOTO_ENDPOINT = "speakers_portal.photo"


@bp.app_template_global()
def public_photo_url(person) -> str | None:
    """URL of the person's public photo, or None (no photo, or the portal's photo route is absent).

    Delegates to the speaker portal's ``speaker_photo_url`` template helper when it exists.
    """
    if not person.photo_key or PHOTO_ENDPOINT not in current_app.view_functions:
        return None
    helper = current_app.jinja_env.globals.get("speaker_photo_url")
    if helper is None:
        return None
    try:
        return helper(person)
    except (BuildError, TypeError, ValueError):
        return None


@bp.get("/events/<slug>/speakers")
def speaker_list(slug: str):
    event, draft = public_event_or_404(slug)
    title = _("Speakers: %(event)s", event=localized(event, "title"))

    def render():
        speakers = queries.public_speakers(event)
        return render_public(
            "speakers/public_list.html", event, draft, section="speakers", title=title, speakers=speakers
        )

    return httpcache.serve(httpcache.event_parts(event, "speakers"), render, last_modified=event.updated_at)


@bp.get("/events/<slug>/speakers/<int:person_id>")
def speaker_page(slug: str, person_id: int):
    event, draft = public_event_or_404(slug)

    def render():
        person = queries.public_speaker(event, person_id)  # NotFound → the app's 404 page
        links, appearances = queries.public_links(person), queries.speaker_sessions(person)
        context = {"person": person, "links": links, "appearances": appearances}
        return render_public(
            "speakers/public_profile.html", event, draft, section="speakers", title=person.name, **context
        )

    parts = httpcache.event_parts(event, "speaker", person_id)
    return httpcache.serve(parts, render, last_modified=event.updated_at)
