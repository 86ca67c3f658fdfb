"""No personal data on public pages and the public API; untrusted text is escaped or sanitised."""

from __future__ import annotations

import re

import lxml.html

from tests.factories import make_event, make_person, make_room, make_session, make_track
from wid_events.enums import Gender, GenderSource, SessionType, SpeakerRole
from wid_events.extensions import db

EMAILS = ("secret-email@example.org", "other-secret@example.org", "third-secret@example.org")
SELF_DESC = "SECRET-SELF-DESC"
BADGE_HINT = "Speakers declare their gender themselves; only totals are published."
FORBIDDEN = (*EMAILS, SELF_DESC, "gender", "non_binary", "self_described", "stream.example.org")


def build_private_event():
    event = make_event("private-ev", livestream_url="https://stream.example.org/live-xyz")
    room = make_room(event, "Plenary", key="plenary")
    track = make_track(event, "Inclusion")
    woman = make_person(
        event,
        "Olena Shevchenko",
        gender=Gender.WOMAN,
        email=EMAILS[0],
        gender_source=GenderSource.SELF_DECLARED,
        organisation="IOM",
        links=[{"label": "Mail me", "url": f"mailto:{EMAILS[0]}"}],
    )
    nb = make_person(event, "Alex Doe", gender=Gender.NON_BINARY, email=EMAILS[1])
    sd = make_person(
        event,
        "João Silva",
        gender=Gender.SELF_DESCRIBED,
        gender_self_description=SELF_DESC,
        email=EMAILS[2],
    )
    panel = make_session(
        event,
        "Panel on women in digital",
        type=SessionType.PANEL,
        room=room,
        track=track,
        speakers=[(woman, SpeakerRole.MODERATOR), (nb, SpeakerRole.PANELIST), (sd, SpeakerRole.PANELIST)],
    )
    return event, [woman, nb, sd], panel


def public_urls(event, people, session) -> list[str]:
    slug = event.slug
    return [
        "/",
        f"/events/{slug}/",
        f"/events/{slug}/agenda",
        f"/events/{slug}/agenda?type=panel",
        f"/events/{slug}/sessions/{session.id}",
        f"/events/{slug}/speakers",
        *[f"/events/{slug}/speakers/{p.id}" for p in people],
        "/api/v1/events",
        f"/api/v1/events/{slug}",
        f"/api/v1/events/{slug}/sessions",
        f"/api/v1/events/{slug}/speakers",
        f"/api/v1/events/{slug}/exhibitors",
        f"/api/v1/events/{slug}/jobs",
    ]


def test_no_email_gender_or_stream_link_on_any_public_page_or_api(client):
    event, people, panel = build_private_event()
    for url in public_urls(event, people, panel):
        response = client.get(url)
        assert response.status_code == 200, url
        # The badge's fixed explanation names the word "gender", about nobody in particular.
        body = response.get_data(as_text=True).replace(BADGE_HINT, "")
        for secret in FORBIDDEN:
            assert secret.lower() not in body.lower(), (url, secret)
        # No gender word used as a label of a person ("Gender: woman" or a JSON field).
        assert not re.search(r"\b(woman|non[- ]binary)\b", body, re.I), url


def test_xss_in_titles_descriptions_bios_and_links_is_neutralised(client):
    event = make_event("xss-ev")
    script = "<script>alert(1)</script>"
    evil_link = "[x](javascript:alert(1))"
    person = make_person(
        event,
        f"Eve {script}",
        bio=f"Bio {script} and {evil_link}",
        organisation=f"Org {script}",
        links=[{"label": script, "url": "javascript:alert(1)"}, {"label": "ok", "url": "https://ok.example"}],
    )
    session = make_session(
        event,
        f"Title {script}",
        description=f"Description {script} {evil_link} <img src=x onerror=alert(1)>",
        speakers=[(person, SpeakerRole.SPEAKER)],
    )
    event.description = f"Event {script} {evil_link}"
    event.travel_info = f"Travel {script}"
    db.session.commit()
    urls = [
        f"/events/{event.slug}/",
        f"/events/{event.slug}/agenda",
        f"/events/{event.slug}/sessions/{session.id}",
        f"/events/{event.slug}/speakers",
        f"/events/{event.slug}/speakers/{person.id}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in body, url
        assert "javascript:" not in body.lower(), url
        assert "onerror=" not in body.lower(), url
        tree = lxml.html.fromstring(body)
        assert not tree.xpath("//script"), url
        assert not [h for h in tree.xpath("//@href") if h.strip().lower().startswith("javascript")], url
        assert not tree.xpath("//*[@onerror]"), url
    # Titles are escaped, so the text is visible as typed (not executed).
    agenda = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert "Title &lt;script&gt;alert(1)&lt;/script&gt;" in agenda
    profile = client.get(f"/events/{event.slug}/speakers/{person.id}").get_data(as_text=True)
    assert "https://ok.example" in profile


def test_no_inline_scripts_styles_or_handlers_in_public_pages(client):
    """Ready for a strict Content-Security-Policy."""
    event, people, panel = build_private_event()
    for url in public_urls(event, people, panel):
        if url.startswith("/api/"):
            continue
        tree = lxml.html.fromstring(client.get(url).get_data(as_text=True))
        assert not tree.xpath("//script[not(@src)]"), url
        assert not tree.xpath("//style"), url
        assert not tree.xpath("//*[@style]"), url
        assert not [
            a for el in tree.iter() if isinstance(el.tag, str) for a in el.attrib if a.startswith("on")
        ], url
        assert len(tree.xpath("//h1")) == 1, url
