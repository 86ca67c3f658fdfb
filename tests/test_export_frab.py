"""frab/pretalx schedule XML and JSON: validated against the c3voc schemas (tests/data/frab)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from tests.factories import make_event, make_person, make_room, make_session, make_track
from wid_events.enums import Gender, MaterialVisibility, SessionStatus, SessionType, SpeakerRole
from wid_events.exports import frab
from wid_events.extensions import db

DATA = Path(__file__).parent / "data" / "frab"


@pytest.fixture(scope="module")
def xsd():
    return etree.XMLSchema(etree.parse(str(DATA / "schedule.xml.xsd")))


@pytest.fixture(scope="module")
def json_schema():
    return json.loads((DATA / "schedule.json.schema.json").read_text())


@pytest.fixture
def conference(app):
    event = make_event(
        "dt4e-2024",
        title="DT4E – Digital Transformation for Everyone",
        start_date=dt.date(2024, 10, 26),
        end_date=dt.date(2024, 10, 27),
        livestream_url="https://stream.example.org/secret",
    )
    hall = make_room(event, "Main hall", key="hall")
    lab = make_room(event, "Lab", key="lab")
    track = make_track(event, "Skills & Careers")
    amal = make_person(event, "أمل الحداد", gender=Gender.WOMAN, email="amal@example.org", bio="Engineer.")
    zoe = make_person(event, "Zoë Lefèvre", gender=Gender.NON_BINARY, email="zoe@example.org")
    opening = make_session(
        event,
        "Opening keynote",
        type=SessionType.KEYNOTE,
        room=hall,
        track=track,
        start=dt.datetime(2024, 10, 26, 9, 0),
        minutes=45,
        speakers=[(amal, SpeakerRole.SPEAKER)],
        description="Why digital inclusion.\n\nMore text.",
    )
    make_session(
        event,
        "Panel: women in tech",
        type=SessionType.PANEL,
        room=hall,
        start=dt.datetime(2024, 10, 27, 10, 0),
        minutes=90,
        speakers=[(amal, SpeakerRole.PANELIST), (zoe, SpeakerRole.MODERATOR)],
    )
    make_session(
        event,
        "Workshop: CV clinic",
        type=SessionType.WORKSHOP,
        room=lab,
        start=dt.datetime(2024, 10, 27, 10, 0),
        minutes=120,
        requires_signup=True,
    )
    make_session(event, "Coffee", type=SessionType.BREAK, start=dt.datetime(2024, 10, 27, 11, 30), minutes=30)
    make_session(
        event,
        "Dropped talk",
        room=lab,
        start=dt.datetime(2024, 10, 27, 14, 0),
        status=SessionStatus.CANCELLED,
    )
    from wid_events.speakers.models import Material

    db.session.add(
        Material(
            session=opening,
            title="Slides",
            url="https://example.org/slides.pdf",
            visibility=MaterialVisibility.PUBLIC,
        )
    )
    db.session.add(
        Material(
            session=opening,
            title="Private notes",
            url="https://example.org/private",
            visibility=MaterialVisibility.ORGANISERS,
        )
    )
    db.session.commit()
    return event


def test_xml_validates_against_xsd(client, conference, xsd):
    resp = client.get("/events/dt4e-2024/schedule.xml")
    assert resp.status_code == 200
    assert resp.mimetype == "application/xml"
    doc = etree.fromstring(resp.data)
    assert xsd.validate(doc), xsd.error_log
    assert doc.findtext("conference/acronym") == "dt4e_2024"
    assert doc.findtext("conference/time_zone_name") == "Europe/Brussels"
    assert doc.findtext("conference/days") == "2"
    days = doc.findall("day")
    assert [d.get("date") for d in days] == ["2024-10-26", "2024-10-27"]
    # Saturday is summer time (+02:00), Sunday winter time (+01:00).
    opening = doc.find("day[@index='1']/room[@name='Main hall']/event")
    assert opening.findtext("title") == "Opening keynote"
    assert opening.findtext("date") == "2024-10-26T09:00:00+02:00"
    assert opening.findtext("start") == "09:00"
    assert opening.findtext("duration") == "00:45"
    assert opening.findtext("type") == "keynote"
    assert opening.findtext("track") == "Skills & Careers"
    assert opening.findtext("abstract") == "Why digital inclusion."
    assert [p.text for p in opening.findall("persons/person")] == ["أمل الحداد"]
    assert opening.find("links/link").get("href").endswith(f"/events/dt4e-2024/sessions/{opening.get('id')}")
    attachments = opening.findall("attachments/attachment")
    assert [(a.text, a.get("href")) for a in attachments] == [("Slides", "https://example.org/slides.pdf")]
    panel = doc.find("day[@index='2']/room[@name='Main hall']/event")
    assert panel.findtext("date") == "2024-10-27T10:00:00+01:00"
    assert panel.findtext("duration") == "01:30"
    assert [p.text for p in panel.findall("persons/person")] == ["أمل الحداد", "Zoë Lefèvre"]
    # Parallel sessions are in their rooms; room-less items under the venue.
    assert doc.find("day[@index='2']/room[@name='Lab']/event").findtext("title") == "Workshop: CV clinic"
    assert doc.find("day[@index='2']/room[@name='The Faculty Brussels']/event").findtext("title") == "Coffee"
    titles = [e.findtext("title") for e in doc.iter("event")]
    assert "Dropped talk" not in titles
    # Private data never leaves.
    body = resp.data.decode()
    for secret in (
        "amal@example.org",
        "zoe@example.org",
        "woman",
        "non_binary",
        "stream.example.org",
        "private",
    ):
        assert secret not in body


def test_json_validates_against_schema(client, conference, json_schema):
    resp = client.get("/events/dt4e-2024/schedule.json")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    data = resp.get_json()
    jsonschema.validate(data, json_schema, format_checker=jsonschema.FormatChecker())
    conf = data["schedule"]["conference"]
    assert conf["acronym"] == "dt4e_2024" and conf["daysCount"] == 2
    assert {r["name"] for r in conf["rooms"]} == {"Main hall", "Lab", "The Faculty Brussels"}
    day2 = conf["days"][1]
    assert day2["date"] == "2024-10-27"
    panel = day2["rooms"]["Main hall"][0]
    assert panel["date"] == "2024-10-27T10:00:00+01:00"
    assert panel["duration"] == "01:30"
    assert [p["name"] for p in panel["persons"]] == ["أمل الحداد", "Zoë Lefèvre"]
    body = resp.data.decode()
    for secret in ("amal@example.org", "zoe@example.org", "non_binary", "stream.example.org"):
        assert secret not in body


def test_guids_stable_and_derived_from_uid(client, conference):
    first = etree.fromstring(client.get("/events/dt4e-2024/schedule.xml").data)
    guids = {e.findtext("title"): e.get("guid") for e in first.iter("event")}
    session = next(s for s in conference.sessions if s.title == "Opening keynote")
    assert guids["Opening keynote"] == str(uuid.uuid5(uuid.NAMESPACE_URL, session.uid))
    session.title = "Opening keynote (new title)"
    db.session.commit()
    again = etree.fromstring(client.get("/events/dt4e-2024/schedule.xml").data)
    guids2 = {e.findtext("title"): e.get("guid") for e in again.iter("event")}
    assert guids2["Opening keynote (new title)"] == guids["Opening keynote"]
    assert len(set(guids2.values())) == len(guids2) == 4
    json_guids = {
        item["guid"]
        for day in client.get("/events/dt4e-2024/schedule.json").get_json()["schedule"]["conference"]["days"]
        for items in day["rooms"].values()
        for item in items
    }
    assert json_guids == set(guids2.values())


def test_empty_agenda_still_valid(client, app, xsd, json_schema):
    make_event("empty-one")
    doc = etree.fromstring(client.get("/events/empty-one/schedule.xml").data)
    assert xsd.validate(doc), xsd.error_log
    jsonschema.validate(client.get("/events/empty-one/schedule.json").get_json(), json_schema)


def test_unpublished_or_unknown_is_404(client, app):
    make_event("draft-one", published=False)
    assert client.get("/events/draft-one/schedule.xml").status_code == 404
    assert client.get("/events/draft-one/schedule.json").status_code == 404
    resp = client.get("/events/nope/schedule.json")
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"


def test_acronym_and_slug_rules(app):
    event = make_event("ab")
    assert frab.acronym(event) == "ab__"
    assert frab.slugify("Café – Übung!") == "cafe-ubung"
    assert frab.slugify("أمل") == ""
