"""No gender anywhere public.

Walks every public GET route of the app under ``/events/<slug>``, ``/api/v1/events/<slug>``
and ``/registrations/<token>`` (other developers' routes included automatically, so a new
page is checked the day it appears), plus the home page, the events API, the calendar and
frab exports and the badge PDF, for an event where every speaker has a gender recorded, and
asserts that no gender value appears in any of them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.factories import make_event, make_person, make_room, make_session
from wid_events.enums import Gender, SessionType, SpeakerRole
from wid_events.extensions import db

#: The private self-description: it must never leave the organiser area.
SECRET = "Zorblingqueer"

#: Tokens that would give an individual's gender away, in any output.
ALWAYS = re.compile(
    r"non[_\- ]binary|self[_\- ]described|undisclosed|gender_|\"gender\"|gender=|"
    + SECRET
    + r"|prefer not to say|i describe myself",
    re.IGNORECASE,
)
#: Words that are gender values; only checked where we control every text (our own event).
WORDS = re.compile(r"\b(woman|man)\b", re.IGNORECASE)

PRIVATE_ORGANISER_ONLY = ("/api/v1/events/<slug>/balance", "/api/v1/events/<slug>/registrations")


def build_event(published: bool = True):
    event = make_event(
        "privacy-check",
        title="Digital skills summit",
        description="A day about digital skills and careers.",
        published=published,
        capacity_in_person=100,
        capacity_online=100,
    )
    hall = make_room(event, "Main hall", capacity=150)
    side = make_room(event, "Side room", capacity=40)
    genders = [Gender.WOMAN, Gender.MAN, Gender.NON_BINARY, Gender.SELF_DESCRIBED, Gender.UNDISCLOSED]
    people = []
    for i, g in enumerate(genders * 2):
        p = make_person(
            event,
            f"Speaker {chr(65 + i)}",
            g,
            email=f"speaker{i}@example.org",
            organisation="Example Org",
            bio="Works on digital skills.",
        )
        if g == Gender.SELF_DESCRIBED:
            p.gender_self_description = SECRET
        people.append(p)
    db.session.commit()
    day = event.start_date
    make_session(
        event,
        "Opening keynote",
        type=SessionType.KEYNOTE,
        start=dt.datetime.combine(day, dt.time(9)),
        room=hall,
        speakers=[(people[0], SpeakerRole.SPEAKER)],
    )
    make_session(
        event,
        "Panel on skills",
        type=SessionType.PANEL,
        start=dt.datetime.combine(day, dt.time(10)),
        room=hall,
        speakers=[(people[i], SpeakerRole.PANELIST) for i in (5, 1, 2, 3)]
        + [(people[4], SpeakerRole.MODERATOR)],
    )
    workshop = make_session(
        event,
        "Workshop on careers",
        type=SessionType.WORKSHOP,
        start=dt.datetime.combine(day, dt.time(14)),
        room=side,
        requires_signup=True,
        capacity=20,
        speakers=[(people[i], SpeakerRole.FACILITATOR) for i in (6, 7, 8, 9)],
    )
    return event, people, workshop


def fill(rule, values: dict) -> str | None:
    url = rule.rule
    for arg in rule.arguments:
        if arg not in values:
            return None
        url = url.replace(f"<int:{arg}>", str(values[arg])).replace(f"<{arg}>", str(values[arg]))
    return url


def public_urls(app, values: dict) -> list[str]:
    urls = {"/", "/api/v1/events"}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule in PRIVATE_ORGANISER_ONLY:
            continue
        if not rule.rule.startswith(("/events/<slug>", "/api/v1/events/<slug>", "/registrations/<token>")):
            continue
        url = fill(rule, values)
        if url:
            urls.add(url)
    return sorted(urls)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "out.pdf"
    pdf.write_bytes(data)
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    return data.decode("latin-1")


def collect(app, client, runner, event, values, tmp_path) -> dict[str, str]:
    """Every public output for the event, as text."""
    outputs = {}
    for url in public_urls(app, values):
        r = client.get(url)
        assert r.status_code < 500, f"{url} gave {r.status_code}"
        body = r.get_data()
        if r.mimetype == "application/pdf":
            outputs[url] = pdf_text(body, tmp_path)
        else:
            outputs[url] = body.decode("utf-8", "replace")
    if "badges" in app.cli.commands:
        out = tmp_path / "badges.pdf"
        result = runner.invoke(args=["badges", "render", event.slug, "-o", str(out)])
        assert result.exit_code == 0, result.output
        outputs["badges render"] = pdf_text(out.read_bytes(), tmp_path)
    if "calendar" in app.cli.commands:
        out = tmp_path / "cal.ics"
        result = runner.invoke(args=["calendar", "export", event.slug, "-o", str(out)])
        if result.exit_code == 0:
            outputs["calendar export"] = out.read_text()
    return outputs


def json_values(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from json_values(v)
    elif isinstance(value, list):
        for v in value:
            yield from json_values(v)
    else:
        yield value


def assert_no_gender(outputs: dict[str, str], *, words: bool) -> None:
    genders = {g.value for g in Gender}
    for where, text in outputs.items():
        found = ALWAYS.search(text)
        assert found is None, f"{where} shows {found.group(0)!r}"
        if words:
            found = WORDS.search(text)
            assert found is None, f"{where} shows {found.group(0)!r}"
        if text.lstrip().startswith(("{", "[")):
            try:
                data = json.loads(text)
            except ValueError:
                continue
            leaked = genders & {v for v in json_values(data) if isinstance(v, str)}
            assert not leaked, f"{where} has {leaked}"


def test_no_gender_on_any_public_output(app, client, runner, tmp_path):
    event, people, workshop = build_event()
    # an attendee, so that the attendee's own pages and the badge PDF have someone
    r = client.post(
        f"/events/{event.slug}/register",
        data={
            "name": "Attendee Person",
            "email": "attendee@example.org",
            "attendance": "in_person",
            "sessions": [str(workshop.id)],
            "consent": "y",
        },
    )
    token = None
    if r.status_code in (302, 303):
        token = r.headers["Location"].rstrip("/").split("/registrations/")[-1].split("?")[0]
    values = {"slug": event.slug, "session_id": workshop.id, "person_id": people[2].id}
    if token:
        values["token"] = token
    outputs = collect(app, client, runner, event, values, tmp_path)
    # the walk really covered the public surface
    assert f"/events/{event.slug}/" in outputs and f"/api/v1/events/{event.slug}/speakers" in outputs
    assert any("Speaker C" in text for text in outputs.values())  # the non-binary speaker is listed
    assert_no_gender(outputs, words=True)
    # the transparency badge (aggregates only) is on the event page and passed the same check
    assert "Panels meeting “No Women No Panel”: 1 of 1" in outputs[f"/events/{event.slug}/"]
    # and the check itself does catch a leak: the organisers' balance document would fail it
    from wid_events.balance.services import check

    with pytest.raises(AssertionError):
        assert_no_gender({"organiser balance.json": json.dumps(check(event))}, words=False)
    if token is None:
        pytest.fail(f"registration did not redirect to the attendee page: {r.status_code}")


def test_no_gender_in_the_demo_event(app, client, runner, tmp_path):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, f"demo load failed: {result.output[-300:]}"
    import sqlalchemy as sa

    from wid_events.agenda.models import Session
    from wid_events.events.models import Event

    event = db.session.scalar(sa.select(Event).where(Event.slug == "dt4e-2024"))
    assert event is not None
    assert any(p.gender != Gender.UNDISCLOSED for p in event.people), "demo genders are set"
    session = db.session.scalar(
        sa.select(Session).where(Session.event_id == event.id, Session.type == SessionType.PANEL)
    )
    person = session.speakers[0].person
    values = {"slug": event.slug, "session_id": session.id, "person_id": person.id}
    outputs = collect(app, client, runner, event, values, tmp_path)
    # real event text may say "woman" in a description; every technical gender token is checked
    assert_no_gender(outputs, words=False)
