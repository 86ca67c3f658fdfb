"""Invalid event packages: `flask events import` exits 2, says what is wrong, changes nothing."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests.conftest import count_rows
from tests.test_pkg_roundtrip import base_package, write
from wid_events.agenda.models import Session, SessionSpeaker
from wid_events.audit.models import AuditLogEntry
from wid_events.events.models import Event, Room, Track
from wid_events.extensions import db
from wid_events.packages.package import export_event, validate_package
from wid_events.people.models import Person


def _session(data, key):
    return next(s for s in data["sessions"] if s["key"] == key)


def _set(path, value):
    """A mutation that sets ``data[path...] = value``; path items are keys or list indexes."""

    def mutate(data):
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return mutate


def _delete(path):
    def mutate(data):
        target = data
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return mutate


def _append(path, value):
    def mutate(data):
        target = data
        for part in path:
            target = target[part]
        target.append(value)

    return mutate


# (id, mutation, expected message). Session indexes: 0 welcome, 1 panel-1, 2 ws-finance,
# 3 ws-talent, 4 lunch; rooms: 0 hall, 1 ws-a, 2 ws-b; people: 0 maryam, 1 olena, 2 joao, 3 sam.
CASES = [
    # format
    ("format-missing", _delete(["format"]), 'missing required field "format" (expected "wid-event/1")'),
    ("format-wrong", _set(["format"], "wid-event/2"), '"format" must be "wid-event/1", not "wid-event/2"'),
    # unknown fields at every level
    ("unknown-top", _set(["exhibitors"], []), 'unknown top-level field "exhibitors"'),
    ("unknown-event", _set(["event", "colour"], "red"), 'event: unknown field "colour"'),
    ("unknown-venue", _set(["event", "venue", "floor"], 2), 'event.venue: unknown field "floor"'),
    (
        "unknown-policy",
        _set(["event", "balance_policy", "quota"], 2),
        'event.balance_policy: unknown field "quota"',
    ),
    ("unknown-room", _set(["rooms", 0, "seats"], 10), 'rooms[0] ("Main hall"): unknown field "seats"'),
    (
        "unknown-track",
        _set(["tracks", 1, "colour"], "red"),
        'tracks[1] ("Workshops"): unknown field "colour"',
    ),
    (
        "unknown-person",
        _set(["people", 2, "phone"], "+32"),
        'people[2] ("João Gonçalves"): unknown field "phone"',
    ),
    (
        "unknown-session",
        _set(["sessions", 1, "speaker_notes"], "x"),
        'sessions[1] ("Panel 1: Pathways"): unknown field "speaker_notes"',
    ),
    (
        "unknown-speaker",
        _set(["sessions", 1, "speakers", 0, "bio"], "x"),
        'sessions[1] ("Panel 1: Pathways").speakers[0]: unknown field "bio"',
    ),
    # missing required fields
    ("missing-event", _delete(["event"]), 'missing required field "event"'),
    ("missing-title", _delete(["event", "title"]), 'event: missing required field "title"'),
    ("missing-timezone", _delete(["event", "timezone"]), 'event: missing required field "timezone"'),
    (
        "missing-room-name",
        _delete(["rooms", 1, "name"]),
        'rooms[1] (key "ws-a"): missing required field "name"',
    ),
    (
        "missing-session-key",
        _delete(["sessions", 4, "key"]),
        'sessions[4] ("Lunch"): missing required field "key"',
    ),
    (
        "missing-session-start",
        _delete(["sessions", 0, "start"]),
        'sessions[0] ("Welcome"): missing required field "start"',
    ),
    (
        "missing-speaker-person",
        _delete(["sessions", 0, "speakers", 0, "person"]),
        'sessions[0] ("Welcome").speakers[0]: missing required field "person"',
    ),
    # wrong types
    ("event-not-object", _set(["event"], "dt4e"), '"event" must be an object, not text'),
    ("rooms-not-list", _set(["rooms"], {"hall": "Main hall"}), '"rooms" must be a list, not an object'),
    ("session-not-object", _set(["sessions", 2], "ws"), "sessions[2] must be an object, not text"),
    (
        "title-not-text",
        _set(["event", "title"], 42),
        'event: "title" must be text, not a number 42',
    ),
    (
        "bool-as-text",
        _set(["event", "registration_open"], "yes"),
        'event: "registration_open" must be true or false, not text "yes"',
    ),
    (
        "speakers-not-list",
        _set(["sessions", 0, "speakers"], "maryam"),
        'sessions[0] ("Welcome"): "speakers" must be a list, not text "maryam"',
    ),
    (
        "bad-slug",
        _set(["event", "slug"], "PKG Test"),
        'event: "slug" "PKG Test" may only use a-z, 0-9 and single hyphens',
    ),
    # capacities: int >= 0 or null
    (
        "capacity-text",
        _set(["rooms", 0, "capacity"], "150"),
        'rooms[0] ("Main hall"): "capacity" must be a whole number ≥ 0 or null, not text "150"',
    ),
    (
        "capacity-negative",
        _set(["sessions", 2, "capacity"], -1),
        'sessions[2] ("Sustainable Finance"): "capacity" must be a whole number ≥ 0 or null, not a number -1',
    ),
    (
        "capacity-fraction",
        _set(["event", "capacity_in_person"], 12.5),
        'event: "capacity_in_person" must be a whole number ≥ 0 or null, not a number 12.5',
    ),
    (
        "capacity-bool",
        _set(["event", "capacity_online"], True),
        'event: "capacity_online" must be a whole number ≥ 0 or null, not true/false true',
    ),
    # timezone and dates
    (
        "bad-timezone",
        _set(["event", "timezone"], "Europe/Brussel"),
        'event: "timezone" "Europe/Brussel" is not an IANA time zone',
    ),
    (
        "offset-timezone",
        _set(["event", "timezone"], "+02:00"),
        'event: "timezone" "+02:00" is not an IANA time zone',
    ),
    (
        "date-format",
        _set(["event", "start_date"], "11/09/2030"),
        'event: "start_date" must be a date as YYYY-MM-DD, not text "11/09/2030"',
    ),
    (
        "date-unreal",
        _set(["event", "end_date"], "2030-02-30"),
        'event: "end_date": "2030-02-30" is not a real date',
    ),
    (
        "event-end-before-start",
        _set(["event", "end_date"], "2030-09-10"),
        'event: "end_date" 2030-09-10 is before "start_date" 2030-09-11',
    ),
    (
        "session-end-before-start",
        _set(["sessions", 1, "end"], "2030-09-11T09:00"),
        'sessions[1] ("Panel 1: Pathways"): ends (2030-09-11T09:00:00) before it starts (2030-09-11T09:30:00)',
    ),
    (
        "session-zero-length",
        _set(["sessions", 1, "end"], "2030-09-11T09:30"),
        'sessions[1] ("Panel 1: Pathways"): ends when it starts (2030-09-11T09:30:00)',
    ),
    (
        "session-with-offset",
        _set(["sessions", 0, "start"], "2030-09-11T09:00+02:00"),
        'sessions[0] ("Welcome"): "start" must be a local date and time as YYYY-MM-DDTHH:MM',
    ),
    (
        "session-before-event",
        _set(["sessions", 0, "start"], "2030-09-10T09:00"),
        'sessions[0] ("Welcome"): 2030-09-10T09:00:00–2030-09-11T09:30:00 is outside the event\'s dates '
        "(2030-09-11 to 2030-09-12)",
    ),
    (
        "session-after-event",
        _set(["sessions", 4, "end"], "2030-09-13T13:30"),
        'sessions[4] ("Lunch"): 2030-09-12T12:30:00–2030-09-13T13:30:00 is outside the event\'s dates',
    ),
    # references
    (
        "unknown-room-key",
        _set(["sessions", 1, "room"], "hall-x"),
        'sessions[1] ("Panel 1: Pathways"): room "hall-x" is not a room key',
    ),
    (
        "unknown-track-key",
        _set(["sessions", 2, "track"], "finance"),
        'sessions[2] ("Sustainable Finance"): track "finance" is not a track key',
    ),
    (
        "unknown-person-key",
        _set(["sessions", 1, "speakers", 1, "person"], "olga"),
        'sessions[1] ("Panel 1: Pathways").speakers[1]: person "olga" is not a person key',
    ),
    # duplicates
    (
        "duplicate-room",
        _append(["rooms"], {"key": "hall", "name": "Second hall"}),
        'rooms[3] ("Second hall"): duplicate key "hall" (already used by rooms[0])',
    ),
    (
        "duplicate-track",
        _append(["tracks"], {"key": "plenary", "name": "Plenary 2"}),
        'tracks[2] ("Plenary 2"): duplicate key "plenary" (already used by tracks[0])',
    ),
    (
        "duplicate-person",
        _append(["people"], {"key": "joao", "name": "João G."}),
        'people[4] ("João G."): duplicate key "joao" (already used by people[2])',
    ),
    (
        "duplicate-session",
        _append(
            ["sessions"],
            {"key": "lunch", "title": "Second lunch", "start": "2030-09-11T12:00", "end": "2030-09-11T13:00"},
        ),
        'sessions[5] ("Second lunch"): duplicate key "lunch" (already used by sessions[4])',
    ),
    (
        "duplicate-speaker",
        _append(["sessions", 1, "speakers"], {"person": "olena", "role": "moderator"}),
        'sessions[1] ("Panel 1: Pathways").speakers[3]: person "olena" is listed more than once on this session',
    ),
    # enums
    (
        "bad-type",
        _set(["sessions", 0, "type"], "plenary"),
        'sessions[0] ("Welcome"): "type" must be one of "keynote", "panel", "workshop", "talk", "break", '
        '"networking", "job_fair", "other", not "plenary"',
    ),
    (
        "bad-role",
        _set(["sessions", 1, "speakers", 0, "role"], "chair"),
        'sessions[1] ("Panel 1: Pathways").speakers[0]: "role" must be one of "panelist", "moderator", '
        '"speaker", "facilitator", not "chair"',
    ),
    (
        "bad-status",
        _set(["sessions", 2, "status"], "tentative"),
        'sessions[2] ("Sustainable Finance"): "status" must be one of "confirmed", "cancelled", not "tentative"',
    ),
    (
        "bad-mode",
        _set(["event", "mode"], "virtual"),
        'event: "mode" must be one of "in_person", "online", "hybrid", not "virtual"',
    ),
    (
        "bad-gender",
        _set(["people", 1, "gender"], "female"),
        'people[1] ("Олена Коваленко"): "gender" must be one of "woman", "man", "non_binary", '
        '"self_described", "undisclosed", not "female"',
    ),
    # balance policy ranges
    (
        "share-above-1",
        _set(["event", "balance_policy", "target_share_women"], 1.5),
        'event.balance_policy: "target_share_women" must be a number between 0 and 1, not a number 1.5',
    ),
    (
        "share-negative",
        _set(["event", "balance_policy", "target_share_women"], -0.1),
        'event.balance_policy: "target_share_women" must be a number between 0 and 1',
    ),
    (
        "min-women-negative",
        _set(["event", "balance_policy", "min_women_per_panel"], -1),
        'event.balance_policy: "min_women_per_panel" must be a whole number ≥ 0, not a number -1',
    ),
    (
        "min-women-null",
        _set(["event", "balance_policy", "min_women_per_panel"], None),
        'event.balance_policy: "min_women_per_panel" must be a whole number ≥ 0, not null',
    ),
    # emails and URLs
    (
        "bad-email",
        _set(["people", 2, "email"], "joao(at)example.org"),
        'people[2] ("João Gonçalves"): "email": "joao(at)example.org" is not a valid email address',
    ),
    (
        "bad-livestream",
        _set(["event", "livestream_url"], "javascript:alert(1)"),
        'event: "livestream_url": "javascript:alert(1)" is not an http(s) URL',
    ),
    # DST: a wall-clock time that does not exist
    (
        "dst-gap",
        lambda d: (
            d["event"].update(start_date="2025-03-29", end_date="2025-03-30"),
            d.__setitem__(
                "sessions",
                [{"key": "x", "title": "Night owl", "start": "2025-03-30T02:30", "end": "2025-03-30T03:30"}],
            ),
        ),
        'sessions[0] ("Night owl"): "start" 2025-03-30T02:30:00 does not exist in Europe/Brussels',
    ),
]


@pytest.fixture
def existing(runner, tmp_path, app):
    """The valid package already imported: an invalid re-import must leave it untouched."""
    result = runner.invoke(args=["events", "import", write(tmp_path, base_package(), "valid.json")])
    assert result.exit_code == 0, result.output
    return snapshot()


def snapshot() -> tuple:
    db.session.expire_all()
    event = db.session.scalar(sa.select(Event).where(Event.slug == "pkg-test"))
    counts = tuple(
        count_rows(m) for m in (Event, Room, Track, Person, Session, SessionSpeaker, AuditLogEntry)
    )
    return counts, export_event(event)


def test_invalid_packages_exit_2_with_message_and_change_nothing(runner, tmp_path, existing, subtests):
    """Every case on one imported event (one database set-up), each checked on its own."""
    for case_id, mutate, message in CASES:
        with subtests.test(msg=case_id):
            data = base_package()
            data["event"]["title"] = "Changed title that must not be saved"
            mutate(data)
            result = runner.invoke(args=["events", "import", write(tmp_path, data, f"{case_id}.json")])
            assert result.exit_code == 2, result.output
            lines = result.stderr.strip().splitlines()
            assert any(message in line for line in lines), lines
            assert result.stdout == ""
            assert snapshot() == existing
            assert message in "\n".join(validate_package(data))


def test_cases_cover_every_kind_of_problem():
    ids = {c[0] for c in CASES}
    assert len(ids) == len(CASES)
    for needed in (
        "format-wrong",
        "unknown-speaker",
        "missing-title",
        "capacity-negative",
        "bad-timezone",
        "event-end-before-start",
        "session-end-before-start",
        "session-before-event",
        "unknown-room-key",
        "unknown-track-key",
        "unknown-person-key",
        "duplicate-session",
        "duplicate-speaker",
        "bad-gender",
        "share-above-1",
        "min-women-negative",
        "bad-email",
    ):
        assert needed in ids


def test_every_problem_is_reported_once_on_its_own_line(runner, tmp_path, existing):
    data = base_package()
    data["event"]["timezone"] = "Mars/Olympus"
    data["sessions"][1]["room"] = "hall-x"
    data["sessions"][2]["capacity"] = "thirty"
    data["people"][0]["gender"] = "f"
    data["rooms"].append({"key": "ws-a", "name": "Copy"})
    result = runner.invoke(args=["events", "import", write(tmp_path, data)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 5, lines
    assert snapshot() == existing


def test_invalid_json_exits_2(runner, tmp_path, existing):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "wid-event/1", "event": {', encoding="utf-8")
    result = runner.invoke(args=["events", "import", str(path)])
    assert result.exit_code == 2
    assert "invalid JSON at line 1" in result.stderr
    assert snapshot() == existing


def test_not_utf8_exits_2(runner, tmp_path, existing):
    path = tmp_path / "latin1.json"
    path.write_bytes(json.dumps(base_package(), ensure_ascii=False).encode("utf-16"))
    result = runner.invoke(args=["events", "import", str(path)])
    assert result.exit_code == 2
    assert "not UTF-8 text" in result.stderr
    assert snapshot() == existing


def test_unreadable_file_exits_2(runner, tmp_path, existing):
    result = runner.invoke(args=["events", "import", str(tmp_path / "missing.json")])
    assert result.exit_code == 2
    assert "cannot read the file" in result.stderr
    assert snapshot() == existing


def test_not_an_object_exits_2(runner, tmp_path, existing):
    result = runner.invoke(args=["events", "import", write(tmp_path, [base_package()])])
    assert result.exit_code == 2
    assert result.stderr.strip() == "the package must be a JSON object, not a list"
    assert snapshot() == existing


def test_invalid_new_event_creates_nothing(runner, tmp_path, app):
    data = base_package()
    data["event"]["slug"] = "brand-new"
    data["sessions"][0]["room"] = "nowhere"
    result = runner.invoke(args=["events", "import", write(tmp_path, data)])
    assert result.exit_code == 2
    assert 'sessions[0] ("Welcome"): room "nowhere" is not a room key' in result.stderr
    assert count_rows(Event) == count_rows(Person) == count_rows(AuditLogEntry) == 0


def test_utf8_bom_is_accepted(runner, tmp_path, app):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(base_package()).encode())
    result = runner.invoke(args=["events", "import", str(path)])
    assert result.exit_code == 0, result.output
