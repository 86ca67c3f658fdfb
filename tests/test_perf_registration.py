"""Lean registrations (issue 15): what one sign-up writes, and that its mail job commits with it.

The lock-and-count rules themselves are covered on both databases by the race tests in
``test_reg_concurrency.py`` (real gunicorn workers); here, the shape of one transaction.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import make_event, make_room, make_session, make_user
from wid_events.agenda.models import Session
from wid_events.core.models import Job, JobState
from wid_events.core.uow import unit_of_work
from wid_events.enums import RegistrationStatus, SessionStatus, SessionType
from wid_events.errors import Conflict, DomainError
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.registration import services
from wid_events.registration.models import Registration
from wid_events.registration.services import questions

CONFIRMED = RegistrationStatus.CONFIRMED
WAITLISTED = RegistrationStatus.WAITLISTED


def data(email: str, session_ids=(), attendance="in_person", **kw) -> services.RegistrationData:
    return services.RegistrationData(
        name="Олена Коваленко",
        email=email,
        attendance=attendance,
        consent=True,
        session_ids=list(session_ids),
        **kw,
    )


def register(event: Event, registration: services.RegistrationData):
    with unit_of_work():
        return services.register(event, registration)


def jobs_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Job.id)))


def test_the_confirmation_job_is_stored_in_the_registrations_own_transaction(db_jobs):
    event = make_event()
    reg, _token, created = register(event, data("olena@example.org"))
    assert created
    job = db.session.scalars(sa.select(Job)).one()
    assert job.state == JobState.QUEUED and job.func == "wid_events.core.uow:send_built_mail"
    assert job.payload["args"][1] == reg.id  # the builder and the ids, never a rendered body

    # A registration that is refused stores nothing, and no job either.
    with pytest.raises(Conflict):
        register(event, data("OLENA@example.org"))
    assert jobs_count() == 1

    # A transaction that rolls back after the registration takes its job with it.
    with pytest.raises(RuntimeError), unit_of_work():
        services.register(event, data("emilie@example.org"))
        raise RuntimeError("the request failed after the service")
    assert jobs_count() == 1
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1


def test_one_registration_bumps_the_seats_version_once_and_the_public_version_never(app):
    event = make_event()
    workshop = make_session(event, "Atelier", type=SessionType.WORKSHOP, requires_signup=True, capacity=2)
    before = (event.version, event.seats_version)
    register(event, data("fatima@example.org", [workshop.id]))
    db.session.refresh(event)
    assert (event.version, event.seats_version) == (before[0], before[1] + 1)


def test_seats_are_counted_with_the_capacity_as_it_is_now(app):
    """The workshop's capacity (its own, else its room's) is read with the counts, under the lock."""
    event = make_event(capacity_in_person=3)
    room = make_room(event, "Salle", capacity=1)
    workshop = make_session(event, "Atelier", type=SessionType.WORKSHOP, requires_signup=True, room=room)
    first, _t, _c = register(event, data("a@example.org", [workshop.id]))
    second, _t, _c = register(event, data("b@example.org", [workshop.id]))
    assert [c.status for c in first.choices] == [CONFIRMED]
    assert [c.status for c in second.choices] == [WAITLISTED]
    assert second.choices[0].waitlisted_at is not None
    workshop.capacity = 5  # the session's own capacity now wins over the room's
    db.session.commit()
    third, _t, _c = register(event, data("c@example.org", [workshop.id]))
    assert [c.status for c in third.choices] == [WAITLISTED]  # people wait already: first come
    fourth, _t, _c = register(event, data("d@example.org"))
    assert fourth.status == WAITLISTED and fourth.waitlisted_at is not None  # 3 seats taken
    assert fourth.choices == []


def test_a_double_submit_returns_the_first_registration(app):
    event = make_event()
    first, token, created = register(event, data("emilie@example.org", form_key="k" * 24))
    again, token_again, created_again = register(event, data("emilie@example.org", form_key="k" * 24))
    assert created and not created_again
    assert again.id == first.id and token_again == token


def test_an_event_without_questions_skips_the_query_until_a_question_is_added(app, client):
    """ "No questions at this version" is remembered per process; adding one bumps the version,
    so the next form (here, over HTTP as a visitor sees it) asks it at once."""
    event = make_event()
    organiser = make_user()
    assert questions.event_questions(event) == []
    with unit_of_work():
        questions.create_question(
            event, actor=organiser, key="visa_letter", label="Visa letter?", type="yes_no"
        )
    db.session.refresh(event)
    assert [q.key for q in questions.event_questions(event)] == ["visa_letter"]
    page = client.get(f"/events/{event.slug}/register")
    assert 'name="q_visa_letter"' in page.get_data(as_text=True)


def _change_elsewhere(event_id: int, **values) -> None:
    """An organiser's edit committed by another connection while this request had already
    checked the form against the event it loaded (which is now out of date)."""
    with db.engine.begin() as conn:
        conn.execute(sa.update(Event).where(Event.id == event_id).values(version=Event.version + 1, **values))


def test_an_event_closed_after_the_form_was_checked_is_checked_again_under_the_lock(app):
    event = make_event()
    assert event.registration_open
    _change_elsewhere(event.id, registration_open=False)
    assert event.registration_open  # this request's copy has not seen the change
    with pytest.raises(Conflict) as refused:
        register(event, data("emilie@example.org"))
    assert refused.value.code == "registration_closed"
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_a_workshop_cancelled_after_the_form_was_checked_is_refused_under_the_lock(app):
    event = make_event()
    workshop = make_session(event, "Atelier", type=SessionType.WORKSHOP, requires_signup=True, capacity=5)
    services.check_choices(event, [workshop.id], "in_person")  # the form's check: still offered
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(Session).where(Session.id == workshop.id).values(status=SessionStatus.CANCELLED)
        )
    _change_elsewhere(event.id)  # what the ORM's flush does for any session edit
    with pytest.raises(DomainError) as refused:
        register(event, data("fatima@example.org", [workshop.id]))
    assert refused.value.code == "unknown_session"
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_a_capacity_lowered_after_the_form_was_checked_places_on_the_waitlist(app):
    event = make_event(capacity_in_person=5)
    first, _token, _created = register(event, data("first@example.org"))
    assert first.status == CONFIRMED
    _change_elsewhere(event.id, capacity_in_person=1)
    second, _token, _created = register(event, data("second@example.org"))
    assert second.status == WAITLISTED


def test_a_sign_up_stores_the_search_keys_the_orm_hook_would(app):
    """The sign-up inserts with Core (no ORM hook): its search columns must match the hook's, so
    the organisers' search finds "Олена" from "олена" as for any other registration."""
    event = make_event()
    reg, _token, _created = register(event, data("olena@example.org", organisation="Émilie & Co"))
    stored = db.session.execute(
        sa.select(Registration.name_key, Registration.search_key).where(Registration.id == reg.id)
    ).one()
    reg.pronouns = "she/her"  # any ORM write runs the hook again
    db.session.commit()
    again = db.session.execute(
        sa.select(Registration.name_key, Registration.search_key).where(Registration.id == reg.id)
    ).one()
    assert tuple(stored) == tuple(again)
    assert "олена" in stored.name_key and "emilie" in stored.search_key
    page = services.registration_page(event, services.Filters(q="олена"))
    assert [r.id for r in page.items] == [reg.id]


def test_the_one_statement_count_agrees_with_the_separate_counts(app):
    """A sign-up with workshops counts the event's seats and the workshops' in one statement."""
    from wid_events.enums import Attendance
    from wid_events.registration.services import capacity

    event = make_event(capacity_in_person=2)
    small = make_session(event, "Petit", type=SessionType.WORKSHOP, requires_signup=True, capacity=1)
    open_ended = make_session(event, "Ouvert", type=SessionType.WORKSHOP, requires_signup=True)
    ids = [small.id, open_ended.id]

    def both():
        together = capacity.seats_left_with_sessions(event, Attendance.IN_PERSON, ids)
        apart = (capacity.seats_left(event, Attendance.IN_PERSON), capacity.seats_left_by_id(ids))
        assert together == apart
        return together

    assert both() == (2, {small.id: 1, open_ended.id: None})
    register(event, data("a@example.org", [small.id]))
    assert both() == (1, {small.id: 0, open_ended.id: None})
    register(event, data("b@example.org", [small.id]))  # the workshop's waitlist
    register(event, data("c@example.org"))  # the event's waitlist
    assert both() == (0, {small.id: 0, open_ended.id: None})
    assert capacity.seats_left_with_sessions(event, Attendance.IN_PERSON, []) == (0, {})
