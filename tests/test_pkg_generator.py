"""The big-event generator (bench/generate_event.py) and importing a 300-session event."""

from __future__ import annotations

import collections
import datetime as dt
import json

import sqlalchemy as sa

from bench.generate_event import generate, main
from tests.conftest import count_rows
from wid_events.agenda.models import Session
from wid_events.events.models import Event, Room
from wid_events.extensions import db
from wid_events.packages.package import validate_package


def test_generator_is_valid_deterministic_and_realistic():
    package = generate(sessions=300, days=3, rooms=8, seed=1)
    assert validate_package(package) == []
    assert generate(sessions=300, days=3, rooms=8, seed=1) == package
    assert generate(sessions=300, days=3, rooms=8, seed=2) != package
    sessions = package["sessions"]
    assert len(sessions) == 300
    assert len(package["rooms"]) == 8
    assert collections.Counter(s["start"][:10] for s in sessions) == {
        "2030-05-14": 100,
        "2030-05-15": 100,
        "2030-05-16": 100,
    }
    types = collections.Counter(s["type"] for s in sessions)
    assert types["keynote"] == 3 and types["panel"] > 10 and types["workshop"] > 10 and types["talk"] > 50
    genders = collections.Counter(p["gender"] for p in package["people"])
    assert genders["woman"] > 50 and genders["man"] > 50 and genders["non_binary"] > 0
    gender = {p["key"]: p["gender"] for p in package["people"]}
    capacity = {r["key"]: r["capacity"] for r in package["rooms"]}
    by_slot = collections.defaultdict(list)
    for s in sessions:
        by_slot[s["start"]].append(s)
        if s["type"] == "panel":
            panelists = [sp["person"] for sp in s["speakers"] if sp["role"] == "panelist"]
            assert any(gender[p] == "woman" for p in panelists), s["title"]
        if s["type"] == "workshop":
            assert s["requires_signup"] and s["capacity"] < capacity[s["room"]]
    # Parallel sessions fill the grid, and nobody is in two rooms at once.
    assert max(len(v) for v in by_slot.values()) == 8
    for slot in by_slot.values():
        assert len({s["room"] for s in slot}) == len(slot)
        people = [sp["person"] for s in slot for sp in s["speakers"]]
        assert len(people) == len(set(people))


def test_generator_main_writes_a_file(tmp_path):
    out = tmp_path / "small.json"
    assert main(["--sessions", "20", "--days", "1", "--rooms", "2", "--slug", "small", "-o", str(out)]) == 0
    package = json.loads(out.read_text(encoding="utf-8"))
    assert package["event"]["slug"] == "small"
    assert len(package["sessions"]) == 20
    assert validate_package(package) == []


def test_import_300_sessions_3_days_8_rooms(runner, app, tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps(generate(sessions=300, days=3, rooms=8), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["events", "import", str(path)])
    assert result.exit_code == 0, result.output
    event = db.session.scalar(sa.select(Event).where(Event.slug == "bench-300-3d-8r"))
    assert count_rows(Session) == 300
    assert count_rows(Room) == 8
    assert event.days == [dt.date(2030, 5, 14), dt.date(2030, 5, 15), dt.date(2030, 5, 16)]

    # The public agenda (another area) renders the whole grid.
    if "agenda.agenda" in {rule.endpoint for rule in app.url_map.iter_rules()}:
        client = app.test_client()
        response = client.get("/events/bench-300-3d-8r/agenda")
        assert response.status_code == 200
        some = db.session.scalars(sa.select(Session.title).order_by(Session.id).limit(1)).one()
        assert some.encode() in response.data or some.replace("'", "&#39;").encode() in response.data


def test_generated_packages_round_trip_losslessly(app):
    from wid_events.packages.package import export_event, import_package

    for seed, tz in ((3, "Europe/Brussels"), (4, "America/New_York"), (5, "Asia/Tokyo")):
        package = generate(sessions=40, days=2, rooms=3, seed=seed, slug=f"gen-{seed}", timezone=tz)
        event = import_package(package, actor="test")
        db.session.commit()
        first = export_event(event)
        assert first["sessions"] and first["event"]["timezone"] == tz
        assert {s["key"] for s in first["sessions"]} == {s["key"] for s in package["sessions"]}
        import_package(json.loads(json.dumps(first)), actor="test")
        db.session.commit()
        db.session.expire_all()
        assert export_event(db.session.scalar(sa.select(Event).where(Event.slug == f"gen-{seed}"))) == first
