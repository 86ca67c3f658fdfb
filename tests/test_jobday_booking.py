"""Interview slots and bookings: the slot race, overlaps, back-to-back, the per-attendee limit."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from tests.factories import make_event, make_exhibitor, make_registration, make_slots
from wid_events.enums import RegistrationStatus
from wid_events.errors import Conflict, DomainError, NotFound, PermissionDenied
from wid_events.extensions import db
from wid_events.jobday import services
from wid_events.jobday.models import BookingStatus, InterviewBooking, InterviewSlot, JobDaySettings
from wid_events.registration.models import Registration

DAY = dt.date(2030, 9, 11)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute))


@pytest.fixture
def event(app):
    return make_event("jobday-test")


def test_slots_are_cut_from_a_block(event):
    exhibitor = make_exhibitor(event, booth="A1")
    slots = make_slots(exhibitor, at(10), at(11, 10), minutes=20, recruiters=3)
    assert [(s.start.time(), s.end.time()) for s in slots] == [
        (dt.time(10, 0), dt.time(10, 20)),
        (dt.time(10, 20), dt.time(10, 40)),
        (dt.time(10, 40), dt.time(11, 0)),
    ]  # the last partial 10 minutes are dropped
    assert {s.capacity for s in slots} == {3}


def test_block_must_fit_the_event_and_not_overlap(event):
    exhibitor = make_exhibitor(event)
    make_slots(exhibitor, at(10), at(11))
    with pytest.raises(DomainError) as exc:
        services.add_slot_block(exhibitor, at(10, 30), at(11, 30), actor="test")
    assert exc.value.field == "start"
    db.session.rollback()
    with pytest.raises(DomainError):
        services.add_slot_block(
            exhibitor, dt.datetime(2031, 1, 1, 10), dt.datetime(2031, 1, 1, 11), actor="test"
        )
    db.session.rollback()
    with pytest.raises(DomainError) as exc:
        services.add_slot_block(exhibitor, at(14), at(13), actor="test")
    assert exc.value.field == "end"


def _book_in_thread(app, reg_id: int, slot_id: int, barrier: threading.Barrier, results: list, i: int):
    with app.app_context():
        try:
            reg = db.session.get(Registration, reg_id)
            barrier.wait(timeout=30)
            services.book_interview(reg, slot_id)
            db.session.commit()
            results[i] = "booked"
        except Conflict as exc:
            db.session.rollback()
            results[i] = exc.code
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            db.session.rollback()
            results[i] = repr(exc)
        finally:
            db.session.remove()


def test_slot_race_ten_attendees_two_recruiters(app, event):
    """10 concurrent bookings (own threads, own sessions and connections) for 2 recruiters: exactly 2."""
    exhibitor = make_exhibitor(event, booth="B2")
    slot = make_slots(exhibitor, at(10), at(10, 20), recruiters=2)[0]
    regs = [make_registration(event, f"Racer {i}") for i in range(10)]
    barrier = threading.Barrier(10)
    results: list = [None] * 10
    threads = [
        threading.Thread(target=_book_in_thread, args=(app, r.id, slot.id, barrier, results, i))
        for i, r in enumerate(regs)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results, key=str) == sorted(["booked"] * 2 + ["slot_full"] * 8, key=str), results
    db.session.rollback()  # end this session's snapshot; see what the threads committed
    booked = db.session.scalar(
        sa.select(sa.func.count(InterviewBooking.id)).where(
            InterviewBooking.slot_id == slot.id, InterviewBooking.status == BookingStatus.BOOKED
        )
    )
    assert booked == 2
    assert services.exhibitor_slots(exhibitor)[0].left == 0


def test_same_slot_twice_is_refused(event):
    exhibitor = make_exhibitor(event)
    slot = make_slots(exhibitor, recruiters=3)[0]
    reg = make_registration(event)
    services.book_interview(reg, slot.id)
    db.session.commit()
    with pytest.raises(Conflict) as exc:
        services.book_interview(reg, slot.id)
    assert exc.value.code == "already_booked"


def test_overlapping_booking_is_refused(event):
    a = make_exhibitor(event, "Alpha")
    b = make_exhibitor(event, "Beta")
    a_slots = make_slots(a, at(10), at(11), minutes=20)
    b_slots = make_slots(b, at(10, 10), at(11, 10), minutes=30)  # 10:10–10:40 overlaps 10:00–10:20
    reg = make_registration(event)
    services.book_interview(reg, a_slots[0].id)
    db.session.commit()
    with pytest.raises(Conflict) as exc:
        services.book_interview(reg, b_slots[0].id)
    assert exc.value.code == "overlapping"
    db.session.rollback()
    assert len(services.bookings_of(reg)) == 1


def test_back_to_back_booking_is_refused_but_a_gap_is_fine(event):
    a = make_exhibitor(event, "Alpha")
    b = make_exhibitor(event, "Beta")
    a_slots = make_slots(a, at(10), at(11))
    b_slots = make_slots(b, at(10), at(11))
    reg = make_registration(event)
    services.book_interview(reg, a_slots[0].id)  # 10:00–10:20
    db.session.commit()
    with pytest.raises(Conflict) as exc:
        services.book_interview(reg, b_slots[1].id)  # 10:20–10:40 starts when the first ends
    assert exc.value.code == "back_to_back"
    db.session.rollback()
    services.book_interview(reg, b_slots[2].id)  # 10:40–11:00 leaves a 20-minute break
    db.session.commit()
    assert [bk.slot.start.time() for bk in services.bookings_of(reg)] == [dt.time(10, 0), dt.time(10, 40)]


def test_per_attendee_limit_default_and_per_event(app, event):
    exhibitors = [make_exhibitor(event, f"Employer {i}") for i in range(7)]
    # Every exhibitor offers 9:00–17:00; the attendee books one slot per hour (never adjacent).
    slots = [make_slots(e, at(9), at(17), minutes=30) for e in exhibitors]
    reg = make_registration(event)
    assert services.max_bookings(event) == 5
    for i in range(5):
        services.book_interview(reg, slots[i][i * 2].id)
        db.session.commit()
    with pytest.raises(Conflict) as exc:
        services.book_interview(reg, slots[5][12].id)
    assert exc.value.code == "limit_reached"
    db.session.rollback()
    # Cancelling one frees a place under the limit.
    services.cancel_booking(services.bookings_of(reg)[0])
    db.session.commit()
    services.book_interview(reg, slots[5][12].id)
    db.session.commit()
    # The organiser lowers the limit for this event.
    db.session.add(JobDaySettings(event_id=event.id, max_bookings=2))
    db.session.commit()
    other = make_registration(event, "Other")
    services.book_interview(other, slots[6][0].id)
    services.book_interview(other, slots[6][4].id)
    db.session.commit()
    with pytest.raises(Conflict) as exc:
        services.book_interview(other, slots[6][8].id)
    assert exc.value.code == "limit_reached"


def test_limit_from_config(app, event):
    exhibitor = make_exhibitor(event)
    slots = make_slots(exhibitor, at(9), at(12))
    reg = make_registration(event)
    app.config["JOBDAY_MAX_BOOKINGS"] = 1
    try:
        services.book_interview(reg, slots[0].id)
        db.session.commit()
        with pytest.raises(Conflict):
            services.book_interview(reg, slots[3].id)
    finally:
        app.config["JOBDAY_MAX_BOOKINGS"] = 5


def test_only_confirmed_attendees_of_the_event_can_book(event):
    exhibitor = make_exhibitor(event)
    slot = make_slots(exhibitor)[0]
    waiting = make_registration(event, status=RegistrationStatus.WAITLISTED)
    with pytest.raises(PermissionDenied):
        services.book_interview(waiting, slot.id)
    other_event = make_event("other-jobday")
    stranger = make_registration(other_event)
    with pytest.raises(NotFound):
        services.book_interview(stranger, slot.id)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(InterviewBooking.id))) == 0


def test_past_slot_and_foreign_offer_are_refused(event):
    exhibitor = make_exhibitor(event)
    other = make_exhibitor(event, "Other")
    offer = services.create_offer(other, {"title": "Data analyst"}, actor="test")
    slot = make_slots(exhibitor)[0]
    db.session.commit()
    reg = make_registration(event)
    with pytest.raises(DomainError) as exc:
        services.book_interview(reg, slot.id, offer_id=offer.id)
    assert exc.value.code == "unknown_offer"
    db.session.rollback()
    past = make_event("past-jobday", start_date=dt.date(2020, 3, 1), end_date=dt.date(2020, 3, 1))
    old = make_exhibitor(past, "Old")
    old_slot = make_slots(old, dt.datetime(2020, 3, 1, 10), dt.datetime(2020, 3, 1, 11))[0]
    past_reg = make_registration(past)
    with pytest.raises(DomainError) as exc:
        services.book_interview(past_reg, old_slot.id)
    assert exc.value.code == "slot_past"


def test_cancelled_booking_frees_the_seat_and_can_be_rebooked(event):
    exhibitor = make_exhibitor(event)
    slot = make_slots(exhibitor, recruiters=1)[0]
    first = make_registration(event, "First")
    second = make_registration(event, "Second")
    booking = services.book_interview(first, slot.id)
    db.session.commit()
    with pytest.raises(Conflict):
        services.book_interview(second, slot.id)
    db.session.rollback()
    services.cancel_booking(db.session.get(InterviewBooking, booking.id))
    db.session.commit()
    services.book_interview(second, slot.id)
    db.session.commit()
    # The first attendee may book it again once there is room (unique constraint allows it).
    assert db.session.get(InterviewSlot, slot.id).capacity == 1


def test_deleting_a_booked_block_is_refused(event):
    exhibitor = make_exhibitor(event)
    slots = make_slots(exhibitor)
    reg = make_registration(event)
    services.book_interview(reg, slots[0].id)
    db.session.commit()
    with pytest.raises(Conflict):
        services.delete_slot_block(exhibitor.blocks[0], actor="test")


def test_release_registration_cancels_bookings_and_deletes_cvs(app, event):
    import io

    from werkzeug.datastructures import FileStorage

    from tests.test_speaker_samples import make_pdf
    from wid_events.storage import StorageError, get_storage

    exhibitor = make_exhibitor(event)
    slots = make_slots(exhibitor, recruiters=1)
    reg = make_registration(event)
    booking = services.book_interview(reg, slots[0].id)
    services.attach_cv(booking, FileStorage(io.BytesIO(make_pdf()), filename="cv.pdf"), consent=True)
    db.session.commit()
    key = booking.cv_key
    assert services.release_registration(reg, actor="test") == 1
    db.session.commit()
    assert services.bookings_of(reg) == []
    with pytest.raises(StorageError):
        get_storage().size(key)
    # The seat is free again.
    other = make_registration(event, "Other")
    services.book_interview(other, slots[0].id)
    db.session.commit()


def test_cancelling_the_registration_releases_its_interviews(app, event):
    """Cancelling through the registration service frees the interview place at once."""
    from wid_events.registration import services as registration_services

    exhibitor = make_exhibitor(event)
    slot = make_slots(exhibitor, recruiters=1)[0]
    reg = make_registration(event, "Leaving")
    services.book_interview(reg, slot.id)
    db.session.commit()
    registration_services.cancel(db.session.get(Registration, reg.id), actor="test")
    db.session.commit()
    assert services.bookings_of(db.session.get(Registration, reg.id)) == []
    other = make_registration(event, "Next")
    services.book_interview(other, slot.id)  # the only seat is free again
    db.session.commit()
