"""Multilingual event content: package round trip, public pages in the visitor's language
with fallback to the default, frab in the default language, .ics by ?lang=, organiser forms."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from lxml import etree

from tests.factories import login, make_organiser
from tests.test_pkg_roundtrip import base_package
from wid_events.errors import ValidationFailed
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.packages.package import export_event, import_package, validate_package

DATA = Path(__file__).parent / "data" / "frab"


def translated_package() -> dict:
    pkg = base_package()
    pkg["event"]["default_language"] = "en"
    pkg["event"]["translations"] = {
        "fr": {
            "title": "Conférence de test",
            "description": "Deux jours sur les événements **inclusifs**.",
            "travel_info": "Métro Clemenceau.",
            "online_info": "En ligne pour tous.",
        },
        "nl": {
            "title": "Testconferentie",
            "description": "Twee dagen.",
            "travel_info": "",
            "online_info": "",
        },
    }
    pkg["event"]["registration_opens"] = "2030-03-03T10:00"
    pkg["event"]["registration_closes"] = None
    for s in pkg["sessions"]:
        s["translations"] = {"fr": {"title": "FR " + s["title"], "description": "Description FR"}}
    pkg["sessions"][0]["translations"]["nl"] = {"title": "Welkom", "description": ""}
    pkg["rooms"][0]["translations"] = {"fr": {"name": "Grande salle"}}
    return pkg


def _roundtrip_view(data: dict) -> dict:
    """The package with the fields an export always adds filled with their defaults."""
    return json.loads(json.dumps(data))


def test_translated_package_round_trips_identically(app):
    pkg = translated_package()
    assert validate_package(pkg) == []
    import_package(copy.deepcopy(pkg), actor="test")
    db.session.commit()
    event = db.session.query(Event).filter_by(slug="pkg-test").one()
    first = export_event(event)
    assert first["event"]["translations"]["fr"]["title"] == "Conférence de test"
    assert first["event"]["translations"]["nl"]["title"] == "Testconferentie"
    assert first["event"]["default_language"] == "en"
    assert first["event"]["registration_opens"] == "2030-03-03T10:00:00"
    assert first["sessions"][0]["translations"]["nl"]["title"] == "Welkom"
    # Export → import → export gives the same package.
    import_package(copy.deepcopy(first), actor="test")
    db.session.commit()
    db.session.expire_all()
    second = export_event(db.session.query(Event).filter_by(slug="pkg-test").one())
    assert _roundtrip_view(second) == _roundtrip_view(first)


def test_unknown_language_and_bad_window_are_refused(app):
    pkg = translated_package()
    pkg["event"]["translations"]["xx"] = {"title": "?"}
    pkg["sessions"][0]["translations"]["klingon"] = {"title": "?"}
    pkg["event"]["registration_closes"] = "2030-03-01T10:00"
    pkg["event"]["default_language"] = "es"
    problems = validate_package(pkg)
    text = "\n".join(problems)
    assert 'translation for unknown language "xx"' in text
    assert 'translation for unknown language "klingon"' in text
    assert '"registration_closes" 2030-03-01T10:00:00 must be after "registration_opens"' in text
    assert '"default_language" must be one of' in text
    with pytest.raises(ValidationFailed):
        import_package(pkg, actor="test")
    db.session.rollback()
    assert db.session.query(Event).count() == 0  # nothing half-saved


@pytest.fixture
def translated(app):
    import_package(translated_package(), actor="test")
    db.session.commit()
    return db.session.query(Event).filter_by(slug="pkg-test").one()


def test_public_pages_follow_the_visitors_language_with_fallback(client, translated):
    fr = client.get("/events/pkg-test/agenda", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "FR Panel 1: Pathways" in fr
    assert "Grande salle" in fr
    assert "Conférence de test" in fr
    nl = client.get("/events/pkg-test/agenda", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Welkom" in nl
    # No Dutch title for the panel: the default language, never an empty title.
    assert "Panel 1: Pathways" in nl
    de = client.get("/events/pkg-test/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Package test conference" in de
    page = client.get("/events/pkg-test/?lang=fr").get_data(as_text=True)
    assert "Métro Clemenceau." in page and "En ligne pour tous." in page
    en = client.get("/events/pkg-test/agenda", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "FR Panel" not in en and "Panel 1: Pathways" in en


def test_frab_uses_the_default_language_and_validates(client, translated):
    body = client.get("/events/pkg-test/schedule.xml", headers={"Accept-Language": "fr"}).data
    doc = etree.fromstring(body)
    xsd = etree.XMLSchema(etree.parse(str(DATA / "schedule.xml.xsd")))
    assert xsd.validate(doc), xsd.error_log
    assert {e.text for e in doc.iter("language")} == {"en"}
    titles = {e.text for e in doc.iter("title")}
    assert "Panel 1: Pathways" in titles and not any(t and t.startswith("FR ") for t in titles)
    data = client.get("/events/pkg-test/schedule.json").get_json()
    rooms = data["schedule"]["conference"]["days"][0]["rooms"]
    languages = {item["language"] for items in rooms.values() for item in items}
    assert languages == {"en"}


def test_frab_language_is_the_events_default(client, translated):
    translated.default_language = "fr"
    db.session.commit()
    doc = etree.fromstring(client.get("/events/pkg-test/schedule.xml").data)
    assert {e.text for e in doc.iter("language")} == {"fr"}


def test_calendar_follows_lang_parameter(client, translated):
    fr = client.get("/events/pkg-test/calendar.ics?lang=fr").get_data(as_text=True)
    assert "SUMMARY:FR Panel 1: Pathways" in fr
    en = client.get("/events/pkg-test/calendar.ics?lang=en").get_data(as_text=True)
    assert "SUMMARY:Panel 1: Pathways" in en


def test_organiser_edits_translations_side_by_side_and_sees_missing(client, translated):
    user = make_organiser(translated)
    login(client, user)
    page = client.get("/manage/events/pkg-test/settings").get_data(as_text=True)
    assert 'name="tr_fr_title"' in page and 'name="tr_de_title"' in page
    assert 'name="tr_en_title"' not in page  # the default language is the main field
    assert "Conférence de test" in page
    assert "translation-missing" in page  # German is missing
    form = {
        "title": translated.title,
        "slug": translated.slug,
        "start_date": "2030-09-11",
        "end_date": "2030-09-12",
        "timezone": "Europe/Brussels",
        "mode": "hybrid",
        "default_language": "en",
        "registration_open": "y",
        "tr_fr_title": "Conférence (modifiée)",
        "tr_de_title": "Testkonferenz",
        "tr_nl_title": "Testconferentie",
        "balance_min_women_per_panel": "1",
        "registration_opens": "2030-03-03T10:00",
        "registration_closes": "2030-03-01T10:00",
    }
    refused = client.post("/manage/events/pkg-test/settings", data=form)
    assert refused.status_code == 400
    assert "Registration must close after it opens." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, translated.id).translations["fr"]["title"] == "Conférence de test"
    form["registration_closes"] = "2030-09-01T18:00"
    saved = client.post("/manage/events/pkg-test/settings", data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    db.session.expire_all()
    event = db.session.get(Event, translated.id)
    assert event.translations["fr"]["title"] == "Conférence (modifiée)"
    assert event.translations["de"] == {"title": "Testkonferenz"}
    assert client.get("/events/pkg-test/?lang=de").get_data(as_text=True).count("Testkonferenz") >= 1


def test_sessions_rooms_and_bios_are_translated_in_their_forms(client, translated):
    from wid_events.agenda.models import Session
    from wid_events.events.models import Room
    from wid_events.people.models import Person

    login(client, make_organiser(translated))
    sessions = client.get("/manage/events/pkg-test/sessions").get_data(as_text=True)
    assert "Missing: NL" in sessions  # French titles exist, Dutch ones mostly not
    panel = db.session.query(Session).filter_by(key="panel-1").one()
    form = client.get(f"/manage/events/pkg-test/sessions/{panel.id}").get_data(as_text=True)
    assert 'name="tr_fr_title"' in form and "FR Panel 1: Pathways" in form
    assert "translation-missing" in form
    data = {
        "title": panel.title,
        "type": "panel",
        "day": "2030-09-11",
        "start_time": "09:30",
        "end_time": "10:45",
        "room_id": str(panel.room_id),
        "track_id": str(panel.track_id),
        "status": "confirmed",
        "description": panel.description,
        "tr_fr_title": "Panel 1 : parcours",
        "tr_nl_title": "Panel 1: trajecten",
    }
    saved = client.post(f"/manage/events/pkg-test/sessions/{panel.id}", data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(Session, panel.id).translations["nl"] == {"title": "Panel 1: trajecten"}
    assert "Panel 1: trajecten" in client.get("/events/pkg-test/agenda?lang=nl").get_data(as_text=True)

    room = db.session.query(Room).filter_by(key="ws-a").one()
    r = client.post(
        f"/manage/events/pkg-test/rooms/{room.id}",
        data={"name": room.name, "capacity": "40", "position": "1", "tr_de_name": "Workshopraum A"},
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Room, room.id).translations == {"de": {"name": "Workshopraum A"}}

    person = db.session.query(Person).filter_by(key="joao").one()
    page = client.get(f"/manage/events/pkg-test/people/{person.id}").get_data(as_text=True)
    assert 'name="tr_fr_bio"' in page
