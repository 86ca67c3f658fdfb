"""Organiser services: conflicts, `flask agenda check`, changes after publication, refusals."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from tests.factories import (
    make_event,
    make_person,
    make_registration,
    make_room,
    make_session,
    make_track,
    make_user,
)
from wid_events.agenda import people as people_services
from wid_events.agenda import services
from wid_events.agenda.conflicts import KINDS, find_conflicts
from wid_events.agenda.models import Session, SessionChange
from wid_events.audit.models import AuditLogEntry
from wid_events.core.uow import commit, pending_jobs
from wid_events.enums import Gender, GenderSource, RegistrationStatus, SessionStatus, SessionType, SpeakerRole
from wid_events.errors import Conflict, DomainError
from wid_events.events import services as event_services
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.people.models import Person, Unavailability
from wid_events.registration import notices


def at(event, hour, minute=0, day=0):
    return dt.datetime.combine(event.start_date + dt.timedelta(days=day), dt.time(hour, minute))


def event_with_every_conflict():
    event = make_event("conflicted", published=False)
    small = make_room(event, "Small room", capacity=10)
    hall = make_room(event, "Hall", capacity=100)
    amina = make_person(event, "Amina El Idrissi")
    jan = make_person(event, "Jan Janssens")
    db.session.add(Unavailability(person=jan, start=at(event, 14), end=at(event, 15), note="train"))
    db.session.commit()
    make_session(event, "Panel A", start=at(event, 9), room=hall, speakers=[(amina, SpeakerRole.PANELIST)])
    make_session(
        event, "Workshop B", start=at(event, 9, 30), room=small, speakers=[(amina, SpeakerRole.FACILITATOR)]
    )
    make_session(event, "Talk C", start=at(event, 11), room=hall)
    make_session(event, "Talk D", start=at(event, 11, 30), room=hall)
    make_session(event, "Late talk", start=dt.datetime(2030, 9, 20, 10, 0), room=None)
    broken = make_session(event, "Broken times", start=at(event, 16), room=None)
    broken.end = broken.start - dt.timedelta(minutes=30)
    make_session(
        event, "Jan's talk", start=at(event, 14, 30), minutes=30, speakers=[(jan, SpeakerRole.SPEAKER)]
    )
    make_session(
        event, "Crowded workshop", start=at(event, 13), room=small, capacity=30, requires_signup=True
    )
    # Cancelled sessions never conflict.
    make_session(event, "Cancelled clash", start=at(event, 11), room=hall, status=SessionStatus.CANCELLED)
    db.session.commit()
    return event


def test_find_conflicts_reports_every_kind_and_names_things(app):
    event = event_with_every_conflict()
    conflicts = find_conflicts(event)
    kinds = {c.kind for c in conflicts}
    assert kinds == set(KINDS)
    by_kind = {c.kind: c for c in conflicts}
    assert "Amina El Idrissi" in by_kind["speaker_overlap"].message
    assert (
        "Panel A" in by_kind["speaker_overlap"].message and "Workshop B" in by_kind["speaker_overlap"].message
    )
    assert by_kind["speaker_overlap"].person_id is not None
    assert "Hall" in by_kind["room_overlap"].message and "Talk C" in by_kind["room_overlap"].message
    assert by_kind["room_overlap"].room_id is not None
    assert "Late talk" in by_kind["outside_dates"].message
    assert "Broken times" in by_kind["end_before_start"].message
    assert (
        "Jan Janssens" in by_kind["speaker_unavailable"].message
        and "train" in by_kind["speaker_unavailable"].message
    )
    assert "Small room" in by_kind["capacity_exceeds_room"].message
    assert not any("Cancelled clash" in c.message for c in conflicts)
    # Exactly one room overlap (the cancelled session does not add one).
    assert sum(1 for c in conflicts if c.kind == "room_overlap") == 1


def test_agenda_check_cli_exit_codes_and_json(app, runner):
    event_with_every_conflict()
    result = runner.invoke(args=["agenda", "check", "conflicted"])
    assert result.exit_code == 1
    for kind in KINDS:
        assert f"[{kind}]" in result.output
    result = runner.invoke(args=["agenda", "check", "conflicted", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["event"] == "conflicted"
    assert {c["kind"] for c in data["conflicts"]} == set(KINDS)
    assert all(c["session_ids"] for c in data["conflicts"])

    clean = make_event("clean")
    make_session(clean, "Only talk", start=at(clean, 10))
    result = runner.invoke(args=["agenda", "check", "clean"])
    assert result.exit_code == 0, result.output
    assert json.loads(runner.invoke(args=["agenda", "check", "clean", "--json"]).output)["conflicts"] == []
    assert runner.invoke(args=["agenda", "check", "no-such-event"]).exit_code == 2


def test_change_after_publication_sequence_changes_and_batched_mail(app, outbox):
    organiser = make_user("orga@example.org")
    event = make_event("dt4e-test", published=False)
    hall = make_room(event, "Hall", capacity=100)
    room_a = make_room(event, "Room A", capacity=20)
    keynote = make_session(event, "Keynote", start=at(event, 9), room=hall, type=SessionType.KEYNOTE)
    ws = make_session(
        event,
        "Workshop",
        start=at(event, 11),
        room=room_a,
        requires_signup=True,
        capacity=20,
        type=SessionType.WORKSHOP,
    )
    other_ws = make_session(event, "Other workshop", start=at(event, 11), room=hall, requires_signup=True)
    a = make_registration(event, "Ada One", email="ada.one@example.org", sessions=[ws])
    b = make_registration(event, "Bea Two", email="bea.two@example.org", sessions=[other_ws])
    make_registration(
        event,
        "Cancelled Carl",
        email="cancelled.carl@example.org",
        sessions=[ws],
        status=RegistrationStatus.CANCELLED,
    )

    # Before publication: no change tracking.
    services.update_session(keynote, actor=organiser, start=at(event, 9, 15), end=at(event, 10, 15))
    db.session.commit()
    assert keynote.sequence == 0
    services.publish(event, actor=organiser, confirm_conflicts=False)
    db.session.commit()
    assert event.published

    services.update_session(ws, actor=organiser, start=at(event, 14), end=at(event, 15))
    services.update_session(keynote, actor=organiser, room=room_a)
    services.update_session(ws, actor=organiser, title="Renamed workshop")  # not tracked
    db.session.commit()
    assert ws.sequence == 1 and keynote.sequence == 1 and other_ws.sequence == 0
    changes = db.session.scalars(sa.select(SessionChange).order_by(SessionChange.id)).all()
    assert [c.session_id for c in changes] == [ws.id, keynote.id]
    assert changes[0].changes["start"] == ["2030-09-11T11:00", "2030-09-11T14:00"]
    assert changes[1].changes["room_id"] == ["Hall", "Room A"]
    audit_actions = db.session.scalars(sa.select(AuditLogEntry.action)).all()
    assert audit_actions.count("session.update") == 4

    sent = notices.notify_changes(event.id)
    # Ada (workshop + plenary keynote) and Bea (plenary keynote): one email each, batched.
    assert sent == 2
    mails = outbox()
    assert sorted(m["To"].addresses[0].addr_spec for m in mails) == [
        "ada.one@example.org",
        "bea.two@example.org",
    ]
    ada_mail = (
        next(m for m in mails if m["To"].addresses[0].addr_spec == "ada.one@example.org")
        .get_body(("plain",))
        .get_content()
    )
    assert "Renamed workshop" in ada_mail and "Keynote" in ada_mail
    bea_mail = (
        next(m for m in mails if m["To"].addresses[0].addr_spec == "bea.two@example.org")
        .get_body(("plain",))
        .get_content()
    )
    assert "Keynote" in bea_mail and "Renamed workshop" not in bea_mail
    # Nothing pending any more: a second run sends nothing.
    assert notices.notify_changes(event.id) == 0
    assert len(outbox()) == 2
    assert a.id and b.id


def published_workshop_with_attendee():
    event = make_event("notices", published=True)
    room = make_room(event, "Room A", capacity=20)
    ws = make_session(event, "Workshop", start=at(event, 11), room=room, requires_signup=True)
    make_registration(event, "Ada One", email="ada.one@example.org", sessions=[ws])
    return event, ws


def test_a_save_that_rolls_back_sends_no_change_notice(app, outbox):
    event, ws = published_workshop_with_attendee()
    services.update_session(ws, actor="cli", notify=True, start=at(event, 14), end=at(event, 15))
    assert [(func, args) for func, args, _kw in pending_jobs()] == [(notices.notify_changes, (event.id,))]
    db.session.rollback()  # e.g. a later step of the same unit of work failed
    commit()
    assert outbox() == []
    assert pending_jobs() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionChange)) == 0


def test_a_notice_job_whose_transaction_fails_mails_nobody_and_keeps_the_changes_pending(
    app, outbox, monkeypatch
):
    event, ws = published_workshop_with_attendee()
    services.update_session(ws, actor="cli", start=at(event, 14), end=at(event, 15))
    commit()
    assert len(services.pending_changes(event)) == 1

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    # The job fails after it queued Ada's mail (the audit entry is its last write).
    monkeypatch.setattr(notices.audit, "record", fail)
    with pytest.raises(RuntimeError):
        notices.notify_changes(event.id)
    assert outbox() == []
    assert len(services.pending_changes(event)) == 1
    monkeypatch.undo()
    assert notices.notify_changes(event.id) == 1
    assert [m["To"].addresses[0].addr_spec for m in outbox()] == ["ada.one@example.org"]
    assert services.pending_changes(event) == []


def test_save_with_notify_sends_after_the_commit(app, outbox):
    event, ws = published_workshop_with_attendee()
    services.update_session(ws, actor="cli", notify=True, start=at(event, 14), end=at(event, 15))
    assert [(func, args) for func, args, _kw in pending_jobs()] == [(notices.notify_changes, (event.id,))]
    assert outbox() == []
    commit()
    assert [m["To"].addresses[0].addr_spec for m in outbox()] == ["ada.one@example.org"]
    assert "14:00" in outbox()[0].get_body(("plain",)).get_content()


def test_publish_requires_confirming_conflicts(app):
    event = event_with_every_conflict()
    with pytest.raises(Conflict) as err:
        services.publish(event, actor="cli")
    assert err.value.field == "confirm_conflicts"
    db.session.rollback()
    assert not db.session.get(type(event), event.id).published
    services.publish(event, actor="cli", confirm_conflicts=True)
    db.session.commit()
    assert event.published and event.published_at is not None


def test_refusals_name_what_is_in_use(app):
    event = make_event(published=False)
    room = make_room(event, "Main hall")
    track = make_track(event, "Skills")
    amina = make_person(event, "Amina")
    make_session(event, "Opening panel", room=room, track=track, speakers=[(amina, SpeakerRole.PANELIST)])
    with pytest.raises(Conflict, match="Opening panel"):
        event_services.delete_room(room, actor="cli")
    with pytest.raises(Conflict, match="Opening panel"):
        event_services.delete_track(track, actor="cli")
    with pytest.raises(Conflict, match="Opening panel"):
        people_services.delete_person(amina, actor="cli")
    db.session.rollback()
    assert db.session.get(type(room), room.id) is not None


def test_speaker_add_move_role_remove(app):
    event = make_event(published=False)
    session = make_session(event, "Panel", type=SessionType.PANEL)
    people = [make_person(event, n) for n in ("Ann", "Bob", "Cem")]
    for p in people:
        services.add_speaker(session, p, SpeakerRole.PANELIST, actor="cli")
    db.session.commit()
    with pytest.raises(Conflict):
        services.add_speaker(session, people[0], SpeakerRole.PANELIST, actor="cli")
    db.session.rollback()
    services.move_speaker(session, people[2], "up", actor="cli")
    db.session.commit()
    db.session.refresh(session)
    assert [link.person.name for link in session.speakers] == ["Ann", "Cem", "Bob"]
    services.set_speaker_role(session, people[0], "moderator", actor="cli")
    services.remove_speaker(session, people[1], actor="cli")
    db.session.commit()
    db.session.refresh(session)
    assert [(link.person.name, link.role) for link in session.speakers] == [
        ("Ann", SpeakerRole.MODERATOR),
        ("Cem", SpeakerRole.PANELIST),
    ]
    other = make_event(published=False)
    stranger = make_person(other, "Stranger")
    with pytest.raises(DomainError):
        services.add_speaker(session, stranger, SpeakerRole.PANELIST, actor="cli")


def test_gender_needs_consent_and_end_after_start(app):
    event = make_event(published=False)
    person = make_person(event, "Amina")
    with pytest.raises(DomainError) as err:
        people_services.set_gender(person, Gender.WOMAN, None, consent=False, actor="cli")
    assert err.value.field == "gender_consent"
    assert people_services.set_gender(person, Gender.WOMAN, None, consent=True, actor="cli")
    assert person.gender == Gender.WOMAN
    with pytest.raises(DomainError) as err:
        services.create_session(event, actor="cli", title="X", start=at(event, 10), end=at(event, 9))
    assert err.value.field == "end"


def test_duplicate_event_copies_skeleton(app):
    admin = make_user(admin=True)
    event = make_event(
        "newcomers-6", published=True, edition=6, livestream_url="https://stream.example.org/6"
    )
    room = make_room(event, "Room 1")
    track = make_track(event, "Jobs")
    person = make_person(
        event,
        "Speaker",
        gender=Gender.WOMAN,
        gender_source=GenderSource.SELF_DECLARED,
        gender_recorded_at=utcnow(),
    )
    make_session(
        event, "Intro", start=at(event, 10), room=room, track=track, speakers=[(person, SpeakerRole.SPEAKER)]
    )
    new = event_services.duplicate_event(
        event, actor=admin, slug="newcomers-7", title="Newcomers 7", start_date=dt.date(2031, 3, 4)
    )
    db.session.commit()
    assert not new.published and new.edition == 7
    assert new.end_date == dt.date(2031, 3, 5)
    assert [r.name for r in new.rooms] == ["Room 1"] and [t.name for t in new.tracks] == ["Jobs"]
    copied = db.session.scalars(sa.select(Session).where(Session.event_id == new.id)).all()
    assert len(copied) == 1
    assert copied[0].start == dt.datetime(2031, 3, 4, 10, 0)
    # issue 14: people and their roles come along; the stream link does not
    assert copied[0].room.event_id == new.id
    assert [(link.person.name, link.role) for link in copied[0].speakers] == [
        ("Speaker", SpeakerRole.SPEAKER)
    ]
    assert copied[0].speakers[0].person.event_id == new.id and copied[0].speakers[0].person.id != person.id
    assert new.livestream_url is None
    assert [p.name for p in new.people] == ["Speaker"]
    # Consent does not travel: the new edition asks for the self-declared gender again.
    assert person.gender == Gender.WOMAN and new.people[0].gender == Gender.UNDISCLOSED
    assert new.people[0].gender_recorded_at is None and new.people[0].gender_source is None


def test_agenda_check_on_an_imported_event_package(app, runner, tmp_path):
    """The acceptance case: import an event package with every kind of conflict, then check it."""
    session = {
        "track": None,
        "capacity": None,
        "requires_signup": False,
        "description": "",
        "status": "confirmed",
    }
    package = {
        "format": "wid-event/1",
        "event": {
            "slug": "imported-conflicts",
            "title": "Imported",
            "description": "",
            "timezone": "Europe/Brussels",
            "start_date": "2030-09-11",
            "end_date": "2030-09-11",
            "mode": "in_person",
            "venue": {"name": "The Faculty", "address": "Brussels"},
            "livestream_url": None,
            "capacity_in_person": 100,
            "capacity_online": None,
            "registration_open": False,
            "published": False,
            "balance_policy": {
                "min_women_per_panel": 1,
                "count_moderators": False,
                "count_non_binary": False,
                "target_share_women": 0.4,
            },
        },
        "rooms": [
            {"key": "hall", "name": "Hall", "capacity": 100},
            {"key": "small", "name": "Small", "capacity": 10},
        ],
        "tracks": [],
        "people": [
            {
                "key": "amina",
                "name": "Amina",
                "email": None,
                "organisation": None,
                "pronouns": None,
                "gender": "woman",
            },
            {
                "key": "jan",
                "name": "Jan",
                "email": None,
                "organisation": None,
                "pronouns": None,
                "gender": "man",
            },
        ],
        "sessions": [
            {
                **session,
                "key": "a",
                "title": "Talk A",
                "type": "talk",
                "start": "2030-09-11T09:00:00",
                "end": "2030-09-11T10:00:00",
                "room": "hall",
                "speakers": [{"person": "amina", "role": "speaker"}],
            },
            {
                **session,
                "key": "b",
                "title": "Talk B",
                "type": "talk",
                "start": "2030-09-11T09:30:00",
                "end": "2030-09-11T10:30:00",
                "room": "hall",
                "speakers": [{"person": "amina", "role": "speaker"}],
            },
            {
                **session,
                "key": "c",
                "title": "Next year",  # moved to 2031 after the import (below)
                "type": "talk",
                "start": "2030-09-11T18:00:00",
                "end": "2030-09-11T19:00:00",
                "room": None,
                "speakers": [],
            },
            {
                **session,
                "key": "d",
                "title": "Backwards",  # made to end before it starts after the import (below)
                "type": "talk",
                "start": "2030-09-11T16:00:00",
                "end": "2030-09-11T17:00:00",
                "room": None,
                "speakers": [],
            },
            {
                **session,
                "key": "e",
                "title": "Big workshop",
                "type": "workshop",
                "start": "2030-09-11T13:00:00",
                "end": "2030-09-11T14:00:00",
                "room": "small",
                "capacity": 40,
                "requires_signup": True,
                "speakers": [{"person": "jan", "role": "facilitator"}],
            },
        ],
    }
    path = tmp_path / "event.json"
    path.write_text(json.dumps(package), encoding="utf-8")
    result = runner.invoke(args=["events", "import", str(path)])
    assert result.exit_code == 0, result.output
    # The package importer refuses sessions outside the dates or ending before they start, so
    # those two are imported valid and broken afterwards (as a later edit or a migration would).
    db.session.rollback()
    next_year = db.session.scalar(sa.select(Session).where(Session.title == "Next year"))
    next_year.start, next_year.end = dt.datetime(2031, 9, 11, 9), dt.datetime(2031, 9, 11, 10)
    broken = db.session.scalar(sa.select(Session).where(Session.title == "Backwards"))
    broken.end = broken.start - dt.timedelta(hours=1)
    db.session.commit()
    jan = db.session.scalar(sa.select(Person).where(Person.name == "Jan"))
    db.session.add(
        Unavailability(person=jan, start=dt.datetime(2030, 9, 11, 12), end=dt.datetime(2030, 9, 11, 14))
    )
    db.session.commit()
    result = runner.invoke(args=["agenda", "check", "imported-conflicts", "--json"])
    assert result.exit_code == 1, result.output
    found = {c["kind"] for c in json.loads(result.output)["conflicts"]}
    assert found == set(KINDS)
