"""The organiser area through HTTP: permissions (403 walk), CRUD, editor, publishing, changes, import."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from tests.conftest import count_rows
from tests.factories import (
    login,
    make_event,
    make_organiser,
    make_person,
    make_registration,
    make_room,
    make_session,
    make_track,
    make_user,
)
from wid_events.agenda.models import Session, SessionChange
from wid_events.audit.models import AuditLogEntry
from wid_events.enums import Gender, SessionType, SpeakerRole
from wid_events.events.models import Event, Room
from wid_events.extensions import db
from wid_events.people.models import Person, Unavailability


def at(event, hour, minute=0):
    return dt.datetime.combine(event.start_date, dt.time(hour, minute))


def test_every_manage_event_route_is_403_for_another_events_organiser(app, client):
    """Walk the URL map: every /manage/events/<slug>… rule, with event A's ids, as B's organiser."""
    event_a = make_event("event-a")
    event_b = make_event("event-b")
    room = make_room(event_a, "A room")
    track = make_track(event_a, "A track")
    person = make_person(event_a, "A person")
    session = make_session(event_a, "A session", room=room, speakers=[(person, SpeakerRole.SPEAKER)])
    period = Unavailability(person=person, start=at(event_a, 8), end=at(event_a, 9))
    db.session.add(period)
    db.session.commit()
    ids = {
        "room_id": room.id,
        "track_id": track.id,
        "person_id": person.id,
        "session_id": session.id,
        "period_id": period.id,
    }
    login(client, make_organiser(event_b))
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/manage/events/<slug>"):
            continue
        values = {"slug": event_a.slug}
        for arg in rule.arguments - {"slug"}:
            converter = rule._converters.get(arg)
            is_int = converter is not None and type(converter).__name__ == "IntegerConverter"
            values[arg] = ids.get(arg, 1) if is_int else ids.get(arg, "x")
        path = rule.build(values, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(path, method=method)
        assert response.status_code == 403, f"{method} {rule.rule} -> {response.status_code}"
        checked += 1
    assert checked >= 30
    # Nothing was changed on event A.
    assert db.session.get(Room, room.id) is not None
    assert db.session.get(Session, session.id).title == "A session"


def test_ids_of_another_event_are_404_for_own_organiser(app, client):
    event_a = make_event("event-a")
    event_b = make_event("event-b")
    room_b = make_room(event_b, "B room")
    login(client, make_organiser(event_a))
    assert client.get(f"/manage/events/event-a/rooms/{room_b.id}").status_code == 404
    assert client.post(f"/manage/events/event-a/rooms/{room_b.id}/delete").status_code == 404
    assert db.session.get(Room, room_b.id) is not None


def test_admin_creates_event_and_manages_organisers(app, client):
    admin = make_user("admin@example.org", admin=True)
    plain = make_user("plain@example.org")
    login(client, plain)
    assert client.post("/manage/events/new", data={}).status_code == 403
    client.get("/logout")
    client.post("/logout")
    login(client, admin)
    bad = client.post(
        "/manage/events/new",
        data={
            "title": "X",
            "slug": "Bad Slug!",
            "start_date": "2030-05-02",
            "end_date": "2030-05-01",
            "timezone": "Mars/Olympus",
            "mode": "hybrid",
        },
    )
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "lower-case letters" in text
    assert count_rows(Event) == 0
    ok = client.post(
        "/manage/events/new",
        data={
            "title": "Newcomers 7",
            "slug": "newcomers-7",
            "start_date": "2030-05-02",
            "end_date": "2030-05-02",
            "timezone": "Europe/Berlin",
            "mode": "online",
            "new_series": "Newcomers in Germany",
            "edition": "7",
        },
    )
    assert ok.status_code == 302, ok.get_data(as_text=True)
    event = db.session.scalar(sa.select(Event).where(Event.slug == "newcomers-7"))
    assert event.series.title == "Newcomers in Germany" and event.edition == 7 and not event.published
    response = client.post("/manage/events/newcomers-7/organisers", data={"email": "Orga@Example.org"})
    assert response.status_code == 302
    assert "&lt;orga@example.org&gt;" in client.get("/manage/events/newcomers-7/organisers").get_data(
        as_text=True
    )
    client.post("/manage/events/newcomers-7/organisers/revoke", data={"email": "orga@example.org"})
    assert "&lt;orga@example.org&gt;" not in client.get("/manage/events/newcomers-7/organisers").get_data(
        as_text=True
    )
    dashboard = client.get("/manage/").get_data(as_text=True)
    assert "Newcomers 7" in dashboard and "Draft" in dashboard


def test_settings_validation_and_audit(app, client):
    event = make_event("dt4e", published=False)
    login(client, make_organiser(event))
    base = {
        "title": event.title,
        "slug": "dt4e",
        "start_date": "2030-09-11",
        "end_date": "2030-09-12",
        "timezone": "Europe/Brussels",
        "mode": "hybrid",
        "balance_min_women_per_panel": "1",
        "balance_target_share_women": "0.4",
        "balance_base_rate": "0.182",
    }
    bad = client.post(
        "/manage/events/dt4e/settings",
        data={**base, "timezone": "Europe/Nowhere", "livestream_url": "javascript:alert(1)"},
    )
    assert bad.status_code == 400
    assert "valid time zone" in bad.get_data(as_text=True) or "http" in bad.get_data(as_text=True)
    ok = client.post(
        "/manage/events/dt4e/settings",
        data={
            **base,
            "livestream_url": "https://stream.example.org/live",
            "travel_info": "Metro 5, Clemenceau",
            "registration_open": "y",
            "capacity_in_person": "130",
        },
    )
    assert ok.status_code == 302
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.livestream_url == "https://stream.example.org/live" and event.registration_open
    entry = db.session.scalar(sa.select(AuditLogEntry).where(AuditLogEntry.action == "event.update"))
    assert entry.changes["travel_info"] == ["", "Metro 5, Clemenceau"]
    assert entry.changes["livestream_url"] == [None, "https://stream.example.org/live"]
    audit_page = client.get("/manage/events/dt4e/audit").get_data(as_text=True)
    assert "event.update" in audit_page and "Metro 5, Clemenceau" in audit_page


def test_rooms_tracks_people_crud_and_refusals(app, client):
    event = make_event("ev", published=False)
    user = make_organiser(event)
    login(client, user)
    assert (
        client.post("/manage/events/ev/rooms", data={"name": "Main hall", "capacity": "120"}).status_code
        == 302
    )
    room = db.session.scalar(sa.select(Room).where(Room.name == "Main hall"))
    assert (
        client.post(
            f"/manage/events/ev/rooms/{room.id}", data={"name": "Auditorium", "capacity": "100"}
        ).status_code
        == 302
    )
    make_session(event, "Opening", room=db.session.get(Room, room.id))
    response = client.post(f"/manage/events/ev/rooms/{room.id}/delete", follow_redirects=True)
    assert "Opening" in response.get_data(as_text=True)
    assert db.session.get(Room, room.id) is not None
    # Person with gender: refused without consent, field error shown; nothing saved.
    response = client.post("/manage/events/ev/people/new", data={"name": "Amina", "gender": "woman"})
    assert response.status_code == 400
    assert "consent" in response.get_data(as_text=True).lower() or "agreement" in response.get_data(
        as_text=True
    )
    assert count_rows(Person) == 0
    response = client.post(
        "/manage/events/ev/people/new",
        data={
            "name": "Amina",
            "gender": "woman",
            "gender_consent": "y",
            "email": "amina@example.org",
            "organisation": "IOM",
        },
    )
    assert response.status_code == 302
    amina = db.session.scalar(sa.select(Person).where(Person.name == "Amina"))
    assert amina.gender == Gender.WOMAN
    client.post(
        f"/manage/events/ev/people/{amina.id}/unavailability",
        data={"day": "2030-09-11", "start_time": "14:00", "end_time": "15:00", "note": "flight"},
    )
    assert len(db.session.get(Person, amina.id).unavailability) == 1
    page = client.get(f"/manage/events/ev/people/{amina.id}").get_data(as_text=True)
    assert "flight" in page
    # Audit entries never contain the gender value.
    for entry in db.session.scalars(sa.select(AuditLogEntry)):
        assert "woman" not in str(entry.changes)


def test_session_form_and_speaker_assignment(app, client):
    event = make_event("ev", published=False)
    room = make_room(event, "Hall", capacity=100)
    make_person(event, "Sofie Peeters", organisation="Agoria")
    login(client, make_organiser(event))
    bad = client.post(
        "/manage/events/ev/sessions/new",
        data={
            "title": "Panel",
            "type": "panel",
            "day": "2030-09-11",
            "start_time": "10:00",
            "end_time": "09:00",
            "room_id": str(room.id),
            "status": "confirmed",
        },
    )
    assert bad.status_code == 400 and "end after it starts" in bad.get_data(as_text=True)
    ok = client.post(
        "/manage/events/ev/sessions/new",
        data={
            "title": "Opening panel",
            "type": "panel",
            "day": "2030-09-11",
            "start_time": "09:30",
            "end_time": "10:30",
            "room_id": str(room.id),
            "status": "confirmed",
        },
    )
    assert ok.status_code == 302
    session = db.session.scalar(sa.select(Session))
    url = f"/manage/events/ev/sessions/{session.id}"
    search = client.get(url + "?q=sofie").get_data(as_text=True)
    assert "Sofie Peeters" in search
    sofie = db.session.scalar(sa.select(Person).where(Person.name == "Sofie Peeters"))
    client.post(url + "/speakers", data={"person_id": sofie.id, "role": "panelist"})
    client.post(
        url + "/speakers/new", data={"name": "Jan Janssens", "organisation": "BeCode", "role": "moderator"}
    )
    db.session.expire_all()
    names = [link.person.name for link in db.session.get(Session, session.id).speakers]
    assert names == ["Sofie Peeters", "Jan Janssens"]
    jan = db.session.scalar(sa.select(Person).where(Person.name == "Jan Janssens"))
    client.post(url + f"/speakers/{jan.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert [link.person.name for link in db.session.get(Session, session.id).speakers] == [
        "Jan Janssens",
        "Sofie Peeters",
    ]
    response = client.post(f"/manage/events/ev/people/{jan.id}/delete", follow_redirects=True)
    assert "Opening panel" in response.get_data(as_text=True)
    client.post(url + f"/speakers/{jan.id}/remove")
    db.session.expire_all()
    assert [link.person.name for link in db.session.get(Session, session.id).speakers] == ["Sofie Peeters"]


def test_editor_grid_shows_conflicts_and_overlaps(app, client):
    event = make_event("ev", published=False)
    hall = make_room(event, "Hall")
    make_room(event, "Room B")
    amina = make_person(event, "Amina")
    make_session(event, "First talk", start=at(event, 9), room=hall, speakers=[(amina, SpeakerRole.SPEAKER)])
    make_session(
        event, "Second talk", start=at(event, 9, 30), room=hall, speakers=[(amina, SpeakerRole.SPEAKER)]
    )
    login(client, make_organiser(event))
    page = client.get("/manage/events/ev/agenda").get_data(as_text=True)
    assert "2 conflicts" in page
    assert "Amina speaks in two overlapping sessions" in page
    assert "overlap in room" in page
    assert page.count('class="grid-session') == 2 and "has-conflict" in page and "Room B" in page
    # No inline style or script (CSP); the grid's drag-and-drop is one external ES module.
    assert "style=" not in page
    assert re.findall(r"<script[^>]*>", page) == ['<script type="module" src="/static/js/agenda-grid.js">']


def test_publish_page_confirm_and_draft_invisible(app, client):
    event = make_event("ev", published=False)
    hall = make_room(event, "Hall")
    make_session(event, "A", start=at(event, 9), room=hall)
    make_session(event, "B", start=at(event, 9, 30), room=hall)
    assert client.get("/events/ev/agenda").status_code == 404
    login(client, make_organiser(event))
    page = client.get("/manage/events/ev/publish").get_data(as_text=True)
    assert "overlap in room" in page
    refused = client.post("/manage/events/ev/publish", data={})
    assert refused.status_code == 400
    db.session.expire_all()
    assert not db.session.get(Event, event.id).published
    assert client.post("/manage/events/ev/publish", data={"confirm_conflicts": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).published
    assert client.get("/events/ev/agenda").status_code == 200


def test_publish_blocked_by_balance_gate_links_to_report(app, client):
    event = make_event("ev", published=False)
    men = [make_person(event, f"Man {i}", gender=Gender.MAN) for i in range(3)]
    make_session(
        event,
        "All-male panel",
        type=SessionType.PANEL,
        start=at(event, 9),
        speakers=[(m, SpeakerRole.PANELIST) for m in men],
    )
    login(client, make_organiser(event))
    response = client.post("/manage/events/ev/publish", data={"confirm_conflicts": "y"})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "All-male panel" in text and "/manage/events/ev/balance" in text
    db.session.expire_all()
    assert not db.session.get(Event, event.id).published


def test_change_after_publication_through_the_form(app, client, outbox):
    event = make_event("ev", published=True)
    hall = make_room(event, "Hall")
    workshop = make_session(
        event, "Workshop", start=at(event, 11), room=hall, requires_signup=True, type=SessionType.WORKSHOP
    )
    for name in ("Ada", "Bea"):
        make_registration(event, name, email=f"{name}@example.org", sessions=[workshop])
    before_ics = client.get(f"/events/ev/sessions/{workshop.id}.ics")
    login(client, make_organiser(event))
    response = client.post(
        f"/manage/events/ev/sessions/{workshop.id}",
        data={
            "title": "Workshop",
            "type": "workshop",
            "day": "2030-09-11",
            "start_time": "14:00",
            "end_time": "15:00",
            "room_id": str(hall.id),
            "requires_signup": "y",
            "status": "confirmed",
            "notify": "y",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Session, workshop.id).sequence == 1
    assert count_rows(SessionChange) == 1
    mails = outbox()
    assert sorted(m["To"].addresses[0].addr_spec for m in mails) == ["Ada@example.org", "Bea@example.org"]
    assert "14:00" in mails[0].get_body(("plain",)).get_content()
    changes = client.get("/manage/events/ev/changes").get_data(as_text=True)
    assert "Workshop" in changes and "2030-09-11 14:00" in changes and "2 emails" in changes
    audit_page = client.get("/manage/events/ev/audit").get_data(as_text=True)
    assert "session.update" in audit_page and "2030-09-11T14:00" in audit_page
    if "exports.session_calendar" in app.view_functions:
        assert before_ics.status_code == 200
        after_ics = client.get(f"/events/ev/sessions/{workshop.id}.ics").get_data(as_text=True)
        old = int(re.search(r"SEQUENCE:(\d+)", before_ics.get_data(as_text=True)).group(1))
        new = int(re.search(r"SEQUENCE:(\d+)", after_ics).group(1))
        assert new > old
    # Save without notifying: the change waits for the button, then goes out batched.
    client.post(
        f"/manage/events/ev/sessions/{workshop.id}",
        data={
            "title": "Workshop",
            "type": "workshop",
            "day": "2030-09-11",
            "start_time": "15:00",
            "end_time": "16:00",
            "room_id": str(hall.id),
            "requires_signup": "y",
            "status": "cancelled",
        },
    )
    assert len(outbox()) == 2
    assert "Send change notices (1 pending)" in client.get("/manage/events/ev/changes").get_data(as_text=True)
    client.post("/manage/events/ev/changes/notify")
    assert len(outbox()) == 4
    assert "CANCELLED" in outbox()[-1].get_body(("plain",)).get_content()
    # The notice of a cancelled session removes it from calendars: METHOD:CANCEL, same UID.
    part = next(p for p in outbox()[-1].walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "CANCEL"
    ics = part.get_payload(decode=True).decode()
    assert "METHOD:CANCEL" in ics and f"UID:{workshop.uid}" in ics.replace("\r\n ", "")


def test_csv_import_preview_errors_then_confirm(app, client):
    event = make_event("ev", published=False)
    make_room(event, "Main hall", capacity=100)
    make_person(event, "Sofie Peeters")
    login(client, make_organiser(event))
    template = client.get("/manage/events/ev/import/template.csv")
    assert template.status_code == 200 and template.mimetype == "text/csv"
    assert template.get_data(as_text=True).lstrip("\ufeff").startswith("day,start,end,title")
    csv_text = (
        "day;start;end;title;type;room;speakers;requires_signup;capacity\r\n"
        "11/09/2030;09:30;10:30;Panel: careers;panel;Main hall;Sofie Peeters (panelist); Nadia Ben (moderator);no;\r\n"
        "2030-09-11;11:00;10:00;Broken;talk;Room X;;maybe;lots\r\n"
    )
    # Excel's semicolon CSV with a BOM; the speakers field is quoted because it holds semicolons.
    csv_text = csv_text.replace(
        "Sofie Peeters (panelist); Nadia Ben (moderator)", '"Sofie Peeters (panelist); Nadia Ben (moderator)"'
    )
    data = ("\ufeff" + csv_text).encode("utf-8")
    import io

    preview = client.post(
        "/manage/events/ev/import",
        data={"file": (io.BytesIO(data), "agenda.csv")},
        content_type="multipart/form-data",
    )
    text = preview.get_data(as_text=True)
    assert "Nobody called “Nadia Ben” exists yet" in text
    assert "Room “Room X” does not exist" in text
    assert "must end after it starts" in text and "maybe" in text and "lots" in text
    assert "import/confirm" not in text
    assert count_rows(Session) == 0
    good = csv_text.splitlines()[0] + "\r\n" + csv_text.splitlines()[1] + "\r\n"
    preview = client.post(
        "/manage/events/ev/import",
        data={"file": (io.BytesIO(good.encode()), "agenda.csv"), "create_missing": "y"},
        content_type="multipart/form-data",
    )
    text = preview.get_data(as_text=True)
    assert "Person: Nadia Ben" in text and "import/confirm" in text
    assert count_rows(Session) == 0
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', text) or re.search(
        r'id="token" name="token" type="hidden" value="([^"]+)"', text
    )
    create_missing = "1"
    assert (
        client.post(
            "/manage/events/ev/import/confirm",
            data={"token": token.group(1) + "x", "create_missing": create_missing},
        ).status_code
        == 302
    )
    assert count_rows(Session) == 0
    done = client.post(
        "/manage/events/ev/import/confirm", data={"token": token.group(1), "create_missing": create_missing}
    )
    assert done.status_code == 302
    session = db.session.scalar(sa.select(Session))
    assert session.title == "Panel: careers" and session.start == dt.datetime(2030, 9, 11, 9, 30)
    assert [(link.person.name, link.role.value) for link in session.speakers] == [
        ("Sofie Peeters", "panelist"),
        ("Nadia Ben", "moderator"),
    ]


def test_resubmitting_an_unchanged_form_records_nothing(app, client):
    """Browsers send textareas with CRLF; an unchanged session form must not be an audited change."""
    event = make_event("ev", published=True)
    hall = make_room(event, "Hall")
    session = make_session(event, "Talk", start=at(event, 9), room=hall, description="Line one\nLine two")
    login(client, make_organiser(event))
    response = client.post(
        f"/manage/events/ev/sessions/{session.id}",
        data={
            "title": "Talk",
            "type": "talk",
            "day": "2030-09-11",
            "start_time": "09:00",
            "end_time": "10:00",
            "room_id": str(hall.id),
            "track_id": "",
            "capacity": "",
            "description": "Line one\r\nLine two",
            "status": "confirmed",
        },
    )
    assert response.status_code == 302
    assert count_rows(AuditLogEntry) == 0
    assert db.session.get(Session, session.id).sequence == 0


def test_balance_gate_refuses_edit_of_published_panel_and_links_report(app, client):
    event = make_event("ev", published=True)
    sofie = make_person(event, "Sofie", gender=Gender.WOMAN)
    jan = make_person(event, "Jan", gender=Gender.MAN)
    tom = make_person(event, "Tom", gender=Gender.MAN)
    panel = make_session(
        event,
        "Panel",
        type=SessionType.PANEL,
        start=at(event, 9),
        speakers=[(sofie, SpeakerRole.PANELIST), (jan, SpeakerRole.PANELIST), (tom, SpeakerRole.PANELIST)],
    )
    login(client, make_organiser(event))
    response = client.post(
        f"/manage/events/ev/sessions/{panel.id}/speakers/{sofie.id}/remove", follow_redirects=True
    )
    text = response.get_data(as_text=True)
    assert "No Women No Panel" in text and "Nothing was saved" in text
    assert 'href="/manage/events/ev/balance"' in text
    db.session.expire_all()
    assert [link.person.name for link in db.session.get(Session, panel.id).speakers] == [
        "Sofie",
        "Jan",
        "Tom",
    ]
    # The link box is shown once, not on the next page.
    assert 'class="gate-link"' not in client.get(f"/manage/events/ev/sessions/{panel.id}").get_data(
        as_text=True
    )
