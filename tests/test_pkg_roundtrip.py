"""Event packages: lossless round trips, replace semantics, audit, DST wall-clock times."""

from __future__ import annotations

import copy
import datetime as dt
import json

import sqlalchemy as sa

from tests.conftest import count_rows
from tests.factories import make_registration
from wid_events.agenda.models import Session, SessionSpeaker
from wid_events.audit.models import AuditLogEntry
from wid_events.enums import Gender, GenderSource, RegistrationStatus
from wid_events.events.models import Event, Room, Track
from wid_events.extensions import db
from wid_events.packages.package import export_event, import_package, validate_package
from wid_events.people.models import Person
from wid_events.registration.models import RegistrationSession


def base_package() -> dict:
    """A small valid package: two days, three rooms, a balanced panel, two parallel workshops."""
    return {
        "format": "wid-event/1",
        "event": {
            "slug": "pkg-test",
            "title": "Package test conference",
            "description": "Two days about **inclusive** events.",
            "timezone": "Europe/Brussels",
            "start_date": "2030-09-11",
            "end_date": "2030-09-12",
            "mode": "hybrid",
            "venue": {"name": "The Faculty Brussels", "address": "Rue des Vétérinaires 47, 1070 Anderlecht"},
            "livestream_url": "https://stream.example.org/pkg",
            "capacity_in_person": 130,
            "capacity_online": 160,
            "registration_open": True,
            "published": True,
            "balance_policy": {
                "min_women_per_panel": 1,
                "count_moderators": False,
                "count_non_binary": True,
                "target_share_women": 0.5,
            },
        },
        "rooms": [
            {"key": "hall", "name": "Main hall", "capacity": 150},
            {"key": "ws-a", "name": "Workshop room A", "capacity": 40},
            {"key": "ws-b", "name": "Workshop room B", "capacity": None},
        ],
        "tracks": [{"key": "plenary", "name": "Plenary"}, {"key": "workshops", "name": "Workshops"}],
        "people": [
            {
                "key": "maryam",
                "name": "مريم الحسن",
                "email": "maryam@example.org",
                "organisation": "Levant Skills Network",
                "pronouns": "she/her",
                "gender": "woman",
            },
            {
                "key": "olena",
                "name": "Олена Коваленко",
                "email": None,
                "organisation": None,
                "pronouns": None,
                "gender": "woman",
            },
            {
                "key": "joao",
                "name": "João Gonçalves",
                "email": "joao@example.org",
                "organisation": "Lisbon Hospitality Guild",
                "pronouns": None,
                "gender": "man",
            },
            {
                "key": "sam",
                "name": "Sam De Smet",
                "email": None,
                "organisation": None,
                "pronouns": "they/them",
                "gender": "non_binary",
            },
        ],
        "sessions": [
            {
                "key": "welcome",
                "title": "Welcome",
                "type": "keynote",
                "start": "2030-09-11T09:00",
                "end": "2030-09-11T09:30",
                "room": "hall",
                "track": "plenary",
                "capacity": None,
                "requires_signup": False,
                "description": "",
                "status": "confirmed",
                "speakers": [{"person": "maryam", "role": "speaker"}],
            },
            {
                "key": "panel-1",
                "title": "Panel 1: Pathways",
                "type": "panel",
                "start": "2030-09-11T09:30",
                "end": "2030-09-11T10:45",
                "room": "hall",
                "track": "plenary",
                "capacity": None,
                "requires_signup": False,
                "description": "A panel.",
                "status": "confirmed",
                "speakers": [
                    {"person": "sam", "role": "moderator"},
                    {"person": "olena", "role": "panelist"},
                    {"person": "joao", "role": "panelist"},
                ],
            },
            {
                "key": "ws-finance",
                "title": "Sustainable Finance",
                "type": "workshop",
                "start": "2030-09-12T11:00",
                "end": "2030-09-12T12:30",
                "room": "ws-a",
                "track": "workshops",
                "capacity": 30,
                "requires_signup": True,
                "description": "Parallel workshop 1.",
                "status": "confirmed",
                "speakers": [{"person": "joao", "role": "facilitator"}],
            },
            {
                "key": "ws-talent",
                "title": "Bridging the Gap between Talent and Employment",
                "type": "workshop",
                "start": "2030-09-12T11:00",
                "end": "2030-09-12T12:30",
                "room": "ws-b",
                "track": "workshops",
                "capacity": 35,
                "requires_signup": True,
                "description": "Parallel workshop 2.",
                "status": "confirmed",
                "speakers": [{"person": "maryam", "role": "facilitator"}],
            },
            {
                "key": "lunch",
                "title": "Lunch",
                "type": "break",
                "start": "2030-09-12T12:30",
                "end": "2030-09-12T13:30",
                "room": None,
                "track": None,
                "capacity": None,
                "requires_signup": False,
                "description": "",
                "status": "confirmed",
                "speakers": [],
            },
        ],
    }


def write(tmp_path, data, name="package.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def cli_import(runner, tmp_path, data, name="package.json"):
    return runner.invoke(args=["events", "import", write(tmp_path, data, name)])


def cli_export(runner, tmp_path, slug, name="export.json") -> tuple[int, str]:
    out = tmp_path / name
    result = runner.invoke(args=["events", "export", slug, "-o", str(out)])
    return result.exit_code, out.read_text(encoding="utf-8") if out.exists() else ""


def event(slug="pkg-test") -> Event:
    db.session.expire_all()
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def test_base_package_is_valid():
    assert validate_package(base_package()) == []


def test_import_creates_everything(runner, tmp_path, app):
    result = cli_import(runner, tmp_path, base_package())
    assert result.exit_code == 0, result.output
    ev = event()
    assert ev.title == "Package test conference"
    assert ev.mode.value == "hybrid"
    assert (ev.venue_name, ev.capacity_in_person, ev.capacity_online) == ("The Faculty Brussels", 130, 160)
    assert ev.balance_policy == {
        "min_women_per_panel": 1,
        "count_moderators": False,
        "count_non_binary": True,
        "target_share_women": 0.5,
    }
    assert ev.published and ev.published_at is not None
    assert [r.key for r in ev.rooms] == ["hall", "ws-a", "ws-b"]
    assert [r.position for r in ev.rooms] == [0, 1, 2]
    panel = next(s for s in ev.sessions if s.key == "panel-1")
    assert [(link.person.name, link.role.value) for link in panel.speakers] == [
        ("Sam De Smet", "moderator"),
        ("Олена Коваленко", "panelist"),
        ("João Gonçalves", "panelist"),
    ]
    maryam = next(p for p in ev.people if p.key == "maryam")
    assert maryam.gender == Gender.WOMAN and maryam.gender_source == GenderSource.IMPORTED
    assert maryam.email == "maryam@example.org"
    workshops = [s for s in ev.sessions if s.requires_signup]
    assert {(s.title, s.room.key, s.capacity) for s in workshops} == {
        ("Sustainable Finance", "ws-a", 30),
        ("Bridging the Gap between Talent and Employment", "ws-b", 35),
    }
    entry = db.session.scalar(sa.select(AuditLogEntry).where(AuditLogEntry.action == "event.import"))
    assert entry.event_id == ev.id and entry.actor_label == "cli"
    assert entry.changes["created"] is True and entry.changes["sessions"] == 5


def test_export_is_utf8_json_with_every_field(runner, tmp_path, app):
    cli_import(runner, tmp_path, base_package())
    code, text = cli_export(runner, tmp_path, "pkg-test")
    assert code == 0
    assert "مريم الحسن" in text and "Олена Коваленко" in text  # ensure_ascii=False
    assert text.startswith('{\n  "format": "wid-event/1",\n  "event": {\n    "slug"')  # indent 2
    data = json.loads(text)
    assert validate_package(data) == []
    original = base_package()
    assert data["event"]["venue"] == original["event"]["venue"]
    assert data["sessions"][1]["start"] == "2030-09-11T09:30:00"
    # The package is an organiser artefact: emails and gender survive the round trip.
    people = {p["key"]: p for p in data["people"]}
    assert people["sam"]["gender"] == "non_binary"
    assert people["joao"]["email"] == "joao@example.org"


def test_export_unknown_slug_exits_2(runner, tmp_path, app):
    result = runner.invoke(args=["events", "export", "no-such-event", "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 2
    assert 'no event with slug "no-such-event"' in result.stderr
    assert not (tmp_path / "x.json").exists()


def test_round_trip_into_empty_database_is_identical(runner, tmp_path, app):
    assert cli_import(runner, tmp_path, base_package()).exit_code == 0
    code, first = cli_export(runner, tmp_path, "pkg-test", "first.json")
    assert code == 0
    db.session.delete(event())
    db.session.commit()
    assert count_rows(Event) == count_rows(Session) == count_rows(Person) == 0
    path = tmp_path / "first.json"
    result = runner.invoke(args=["events", "import", str(path)])
    assert result.exit_code == 0, result.output
    code, second = cli_export(runner, tmp_path, "pkg-test", "second.json")
    assert second == first


def test_round_trip_over_itself_keeps_rows_and_uids(runner, tmp_path, app):
    assert cli_import(runner, tmp_path, base_package()).exit_code == 0
    ev = event()
    ids = {s.key: s.id for s in ev.sessions}
    uids = {s.key: s.uid for s in ev.sessions}
    person_ids = {p.key: p.id for p in ev.people}
    event_id = ev.id
    code, first = cli_export(runner, tmp_path, "pkg-test", "first.json")
    result = runner.invoke(args=["events", "import", str(tmp_path / "first.json")])
    assert result.exit_code == 0, result.output
    code, second = cli_export(runner, tmp_path, "pkg-test", "second.json")
    assert code == 0
    assert second == first
    ev = event()
    assert ev.id == event_id
    assert {s.key: s.id for s in ev.sessions} == ids
    assert {s.key: s.uid for s in ev.sessions} == uids
    assert {p.key: p.id for p in ev.people} == person_ids
    assert all(s.sequence == 0 for s in ev.sessions)  # nothing moved, calendars need no update
    assert count_rows(Event) == 1


def test_replace_updates_adds_and_removes_by_key(runner, tmp_path, app):
    assert cli_import(runner, tmp_path, base_package()).exit_code == 0
    ev = event()
    event_id = ev.id
    finance_id = next(s.id for s in ev.sessions if s.key == "ws-finance")
    data = base_package()
    data["event"]["title"] = "Renamed conference"
    data["rooms"] = [r for r in data["rooms"] if r["key"] != "ws-b"] + [{"key": "ws-c", "name": "Room C"}]
    data["tracks"] = data["tracks"][:1]
    data["people"] = [p for p in data["people"] if p["key"] != "maryam"]
    data["sessions"] = [s for s in data["sessions"] if s["key"] not in ("welcome", "lunch")]
    talent = next(s for s in data["sessions"] if s["key"] == "ws-talent")
    talent.update(room="ws-c", track=None, speakers=[{"person": "sam", "role": "facilitator"}])
    finance = next(s for s in data["sessions"] if s["key"] == "ws-finance")
    finance.update(track=None, start="2030-09-12T11:30", title="Sustainable Finance (extended)")
    data["sessions"].append(
        {
            "key": "closing",
            "title": "Closing",
            "type": "talk",
            "start": "2030-09-12T16:00",
            "end": "2030-09-12T16:30",
        }
    )
    result = cli_import(runner, tmp_path, data)
    assert result.exit_code == 0, result.output

    ev = event()
    assert ev.id == event_id and ev.title == "Renamed conference"
    assert sorted(s.key for s in ev.sessions) == ["closing", "panel-1", "ws-finance", "ws-talent"]
    assert [r.key for r in ev.rooms] == ["hall", "ws-a", "ws-c"]
    assert [t.key for t in ev.tracks] == ["plenary"]
    assert sorted(p.key for p in ev.people) == ["joao", "olena", "sam"]
    finance_row = db.session.get(Session, finance_id)
    assert finance_row.title == "Sustainable Finance (extended)"
    assert finance_row.track is None
    assert finance_row.start == dt.datetime(2030, 9, 12, 11, 30)
    # Published event: a moved session gets a new SEQUENCE so calendar clients update it.
    assert finance_row.sequence == 1
    closing = next(s for s in ev.sessions if s.key == "closing")
    assert (closing.type.value, closing.room, closing.status.value) == ("talk", None, "confirmed")
    assert count_rows(Room) == 3 and count_rows(Track) == 1 and count_rows(Person) == 3
    assert count_rows(SessionSpeaker) == 5  # panel (3) + finance (1) + talent (1)
    entry = db.session.scalars(
        sa.select(AuditLogEntry).where(AuditLogEntry.action == "event.import").order_by(AuditLogEntry.id)
    ).all()[-1]
    assert entry.changes["created"] is False
    assert entry.changes["sessions_removed"] == ["lunch", "welcome"]
    assert entry.changes["people_removed"] == ["maryam"]
    assert entry.changes["rooms_removed"] == ["ws-b"]


def test_optional_fields_left_out_keep_their_values_on_replace(runner, tmp_path, app):
    data = base_package()
    data["event"]["travel_info"] = "Metro Clemenceau."
    assert cli_import(runner, tmp_path, data).exit_code == 0
    slim = base_package()
    del slim["event"]["capacity_online"]
    del slim["event"]["balance_policy"]
    del slim["people"][0]["email"]
    del slim["sessions"][2]["capacity"]
    assert cli_import(runner, tmp_path, slim).exit_code == 0
    ev = event()
    assert ev.travel_info == "Metro Clemenceau."
    assert ev.capacity_online == 160
    assert ev.balance_target_share_women == 0.5
    assert next(p for p in ev.people if p.key == "maryam").email == "maryam@example.org"
    assert next(s for s in ev.sessions if s.key == "ws-finance").capacity == 30


def _sign_up(session: Session, status=RegistrationStatus.CONFIRMED) -> None:
    make_registration(event(), email="a@example.org", sessions=[session], session_status=status)


def test_replace_refuses_to_drop_a_session_with_sign_ups(runner, tmp_path, app):
    assert cli_import(runner, tmp_path, base_package()).exit_code == 0
    finance = next(s for s in event().sessions if s.key == "ws-finance")
    _sign_up(finance)
    code, before = cli_export(runner, tmp_path, "pkg-test", "before.json")

    data = base_package()
    data["event"]["title"] = "Should not be saved"
    data["sessions"] = [s for s in data["sessions"] if s["key"] != "ws-finance"]
    result = cli_import(runner, tmp_path, data)
    assert result.exit_code == 2
    assert 'session "Sustainable Finance" (key "ws-finance") is not in the package' in result.stderr
    assert "1 registration signed up for it" in result.stderr
    code, after = cli_export(runner, tmp_path, "pkg-test", "after.json")
    assert code == 0
    assert after == before
    assert count_rows(RegistrationSession) == 1

    # Cancelling instead of removing is allowed, and keeps the sign-up on record.
    data = base_package()
    next(s for s in data["sessions"] if s["key"] == "ws-finance")["status"] = "cancelled"
    result = cli_import(runner, tmp_path, data)
    assert result.exit_code == 0, result.output
    assert event().title == "Package test conference"
    assert db.session.get(Session, finance.id).status.value == "cancelled"
    assert db.session.get(Session, finance.id).sequence == 1
    assert count_rows(RegistrationSession) == 1


def test_replace_may_drop_a_session_whose_sign_ups_were_cancelled(runner, tmp_path, app):
    assert cli_import(runner, tmp_path, base_package()).exit_code == 0
    finance = next(s for s in event().sessions if s.key == "ws-finance")
    _sign_up(finance, status=RegistrationStatus.CANCELLED)
    data = base_package()
    data["sessions"] = [s for s in data["sessions"] if s["key"] != "ws-finance"]
    assert cli_import(runner, tmp_path, data).exit_code == 0
    assert "ws-finance" not in {s.key for s in event().sessions}


def test_import_service_does_not_commit_and_rolls_back_cleanly(app):
    ev = import_package(base_package(), actor="test")
    assert ev.id is not None
    db.session.rollback()
    assert count_rows(Event) == 0


def test_dst_last_sunday_of_october_keeps_wall_clock_times(runner, tmp_path, app):
    data = base_package()
    data["event"].update(slug="dst-test", start_date="2024-10-26", end_date="2024-10-27")
    data["sessions"] = [
        {"key": "sat", "title": "Saturday 09:00", "start": "2024-10-26T09:00", "end": "2024-10-26T10:00"},
        {"key": "night", "title": "Ambiguous 02:30", "start": "2024-10-27T02:30", "end": "2024-10-27T02:45"},
        {"key": "sun", "title": "Sunday 09:00", "start": "2024-10-27T09:00", "end": "2024-10-27T10:00"},
    ]
    result = cli_import(runner, tmp_path, data)
    assert result.exit_code == 0, result.output
    sessions = {s.key: s for s in event("dst-test").sessions}
    assert sessions["sat"].start == dt.datetime(2024, 10, 26, 9, 0)
    assert sessions["sat"].start_utc == dt.datetime(2024, 10, 26, 7, 0, tzinfo=dt.UTC)  # CEST, UTC+2
    assert sessions["sun"].start == dt.datetime(2024, 10, 27, 9, 0)
    assert sessions["sun"].start_utc == dt.datetime(2024, 10, 27, 8, 0, tzinfo=dt.UTC)  # CET, UTC+1
    # 02:30 happens twice that night; the first occurrence (still CEST) is used.
    assert sessions["night"].start == dt.datetime(2024, 10, 27, 2, 30)
    assert sessions["night"].start_utc == dt.datetime(2024, 10, 27, 0, 30, tzinfo=dt.UTC)

    code, text = cli_export(runner, tmp_path, "dst-test")
    exported = {s["key"]: s for s in json.loads(text)["sessions"]}
    assert exported["night"]["start"] == "2024-10-27T02:30:00"
    assert exported["sun"]["start"] == "2024-10-27T09:00:00"
    assert exported["sat"]["end"] == "2024-10-26T10:00:00"
    # And again after re-importing the export.
    assert runner.invoke(args=["events", "import", str(tmp_path / "export.json")]).exit_code == 0
    code, again = cli_export(runner, tmp_path, "dst-test", "again.json")
    assert code == 0
    assert again == text
    night = next(s for s in event("dst-test").sessions if s.key == "night")
    assert night.start_utc == dt.datetime(2024, 10, 27, 0, 30, tzinfo=dt.UTC)


def test_export_is_deterministic_and_chronological(app):
    data = copy.deepcopy(base_package())
    data["sessions"].reverse()
    ev = import_package(data, actor="test")
    db.session.commit()
    out = export_event(ev)
    assert [s["key"] for s in out["sessions"]] == ["welcome", "panel-1", "ws-finance", "ws-talent", "lunch"]
    assert export_event(event()) == out


def test_moving_a_published_session_queues_a_change_notice(runner, tmp_path, app):
    from wid_events.agenda.models import SessionChange

    assert cli_import(runner, tmp_path, base_package()).exit_code == 0
    data = base_package()
    finance = next(s for s in data["sessions"] if s["key"] == "ws-finance")
    finance.update(start="2030-09-12T14:00", end="2030-09-12T15:30", room="ws-b")
    next(s for s in data["sessions"] if s["key"] == "ws-talent")["title"] = "Retitled only"
    assert cli_import(runner, tmp_path, data).exit_code == 0
    changes = db.session.scalars(sa.select(SessionChange)).all()
    assert len(changes) == 1  # a new title alone needs no notice
    change = changes[0]
    assert change.session_title == "Sustainable Finance"
    assert change.changes == {
        "start": ["2030-09-12T11:00", "2030-09-12T14:00"],
        "end": ["2030-09-12T12:30", "2030-09-12T15:30"],
        "room_id": ["Workshop room A", "Workshop room B"],
    }
    assert change.sequence == 1 and change.notified_at is None


def test_unpublished_import_changes_queue_no_notice(runner, tmp_path, app):
    from wid_events.agenda.models import SessionChange

    data = base_package()
    data["event"]["published"] = False
    assert cli_import(runner, tmp_path, data).exit_code == 0
    data["sessions"][0]["start"] = "2030-09-11T08:45"
    assert cli_import(runner, tmp_path, data).exit_code == 0
    assert count_rows(SessionChange) == 0
    assert all(s.sequence == 0 for s in event().sessions)


def test_published_import_with_an_all_men_panel_is_refused(runner, tmp_path, app):
    data = base_package()
    data["people"].append(
        {
            "key": "marc",
            "name": "Marc Lambert",
            "email": None,
            "organisation": None,
            "pronouns": None,
            "gender": "man",
        }
    )
    panel = next(s for s in data["sessions"] if s["key"] == "panel-1")
    panel["speakers"] = [{"person": "joao", "role": "panelist"}, {"person": "marc", "role": "panelist"}]
    result = cli_import(runner, tmp_path, data)
    assert result.exit_code == 2
    assert "Panel 1: Pathways" in result.stderr
    assert count_rows(Event) == count_rows(Session) == count_rows(AuditLogEntry) == 0
    # As a draft it may be imported (and fixed before publishing).
    data["event"]["published"] = False
    assert cli_import(runner, tmp_path, data).exit_code == 0


def test_venue_with_an_address_only_round_trips(app):
    data = base_package()
    data["event"]["venue"] = {"name": "", "address": "Rue des Vétérinaires 47"}
    ev = import_package(data, actor="test")
    db.session.commit()
    assert (ev.venue_name, ev.venue_address) == (None, "Rue des Vétérinaires 47")
    first = export_event(ev)
    assert first["event"]["venue"] == {"name": "", "address": "Rue des Vétérinaires 47"}
    import_package(first, actor="test")
    db.session.commit()
    assert export_event(event()) == first
