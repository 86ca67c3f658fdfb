"""Interview slots: an exhibitor's blocks of slots, and how many places each slot has left."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events.audit import services as audit
from wid_events.enums import RegistrationStatus
from wid_events.errors import Conflict, DomainError, NotFound, PermissionDenied
from wid_events.extensions import db
from wid_events.jobday.models import (
    BookingStatus,
    Exhibitor,
    InterviewBooking,
    InterviewSlot,
    InterviewSlotBlock,
)
from wid_events.jobday.services.common import Actor, now_local
from wid_events.registration.models import Registration

DEFAULT_SLOT_MINUTES = 20
#: Longest interview block an exhibitor can define at once, and the slot lengths allowed.
MAX_BLOCK_HOURS = 14
SLOT_MINUTES_RANGE = (5, 120)
MAX_RECRUITERS = 50


def _check_block(
    exhibitor: Exhibitor, start: dt.datetime, end: dt.datetime, minutes: int, recruiters: int
) -> None:
    event = exhibitor.event
    if not (SLOT_MINUTES_RANGE[0] <= minutes <= SLOT_MINUTES_RANGE[1]):
        raise DomainError(
            ngettext(
                "A slot lasts between %(a)s and %(num)d minute.",
                "A slot lasts between %(a)s and %(num)d minutes.",
                SLOT_MINUTES_RANGE[1],
                a=SLOT_MINUTES_RANGE[0],
            ),
            field="slot_minutes",
        )
    if not (1 <= recruiters <= MAX_RECRUITERS):
        raise DomainError(
            ngettext("Give %(num)d recruiter.", "Give between 1 and %(num)d recruiters.", MAX_RECRUITERS),
            field="recruiters",
        )
    if end <= start:
        raise DomainError(_("The end must be after the start."), field="end")
    if end - start > dt.timedelta(hours=MAX_BLOCK_HOURS):
        raise DomainError(
            ngettext(
                "A block can last at most %(num)d hour.",
                "A block can last at most %(num)d hours.",
                MAX_BLOCK_HOURS,
            ),
            field="end",
        )
    if end - start < dt.timedelta(minutes=minutes):
        raise DomainError(_("The time range is shorter than one slot."), field="end")
    if not (event.start_date <= start.date() <= event.end_date) or end.date() != start.date():
        raise DomainError(_("Interview slots must be on a day of the event."), field="start")
    for block in exhibitor.blocks:
        if block.start < end and start < block.end:
            raise DomainError(
                _(
                    "This overlaps your slots from %(a)s to %(b)s.",
                    a=block.start.strftime("%H:%M"),
                    b=block.end.strftime("%H:%M"),
                ),
                field="start",
            )


def add_slot_block(
    exhibitor: Exhibitor,
    start: dt.datetime,
    end: dt.datetime,
    *,
    slot_minutes: int = DEFAULT_SLOT_MINUTES,
    recruiters: int = 1,
    actor: Actor,
) -> InterviewSlotBlock:
    """Offer interviews from ``start`` to ``end`` (local times), cut into slots of ``slot_minutes``
    with ``recruiters`` parallel interviews each. A last partial slot is dropped."""
    start = start.replace(second=0, microsecond=0, tzinfo=None)
    end = end.replace(second=0, microsecond=0, tzinfo=None)
    _check_block(exhibitor, start, end, slot_minutes, recruiters)
    block = InterviewSlotBlock(
        exhibitor=exhibitor, start=start, end=end, slot_minutes=slot_minutes, recruiters=recruiters
    )
    step = dt.timedelta(minutes=slot_minutes)
    t = start
    while t + step <= end:
        block.slots.append(
            InterviewSlot(exhibitor_id=exhibitor.id, start=t, end=t + step, capacity=recruiters)
        )
        t += step
    db.session.add(block)
    db.session.flush()
    audit.record(
        "interview_slots.create",
        actor=actor,
        event_id=exhibitor.event_id,
        obj=exhibitor,
        changes={"slots": [None, f"{start:%Y-%m-%d %H:%M}–{end:%H:%M} × {slot_minutes} min × {recruiters}"]},
    )
    return block


def own_block(exhibitor: Exhibitor, block_id: int) -> InterviewSlotBlock:
    block = db.session.get(InterviewSlotBlock, block_id)
    if block is None:
        raise NotFound(_("These interview slots do not exist."))
    if block.exhibitor_id != exhibitor.id:
        raise PermissionDenied(_("These interview slots belong to another exhibitor."))
    return block


def delete_slot_block(block: InterviewSlotBlock, *, actor: Actor) -> None:
    """Remove a block of slots; refused while any of its slots is booked."""
    booked = db.session.scalar(
        sa.select(sa.func.count(InterviewBooking.id))
        .join(InterviewSlot, InterviewSlot.id == InterviewBooking.slot_id)
        .where(InterviewSlot.block_id == block.id, InterviewBooking.status == BookingStatus.BOOKED)
    )
    if booked:
        raise Conflict(
            ngettext(
                "%(num)d interview is booked in these slots. Ask the organisers to move it first.",
                "%(num)d interviews are booked in these slots. Ask the organisers to move them first.",
                booked,
            ),
            code="slots_booked",
        )
    audit.record(
        "interview_slots.delete",
        actor=actor,
        event_id=block.exhibitor.event_id,
        obj=block.exhibitor,
        changes={"slots": [f"{block.start:%Y-%m-%d %H:%M}–{block.end:%H:%M}", None]},
    )
    db.session.delete(block)


def active_bookings_stmt():
    return (
        sa.select(InterviewBooking)
        .join(Registration, Registration.id == InterviewBooking.registration_id)
        .where(
            InterviewBooking.status == BookingStatus.BOOKED,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )


def count_slot(slot_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(
            active_bookings_stmt().where(InterviewBooking.slot_id == slot_id).subquery()
        )
    )


def slot_counts(slot_ids: list[int]) -> dict[int, int]:
    if not slot_ids:
        return {}
    rows = db.session.execute(
        sa.select(InterviewBooking.slot_id, sa.func.count(InterviewBooking.id))
        .join(Registration, Registration.id == InterviewBooking.registration_id)
        .where(
            InterviewBooking.slot_id.in_(slot_ids),
            InterviewBooking.status == BookingStatus.BOOKED,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .group_by(InterviewBooking.slot_id)
    )
    return {slot_id: n for slot_id, n in rows}


@dataclass
class SlotView:
    slot: InterviewSlot
    booked: int

    @property
    def left(self) -> int:
        return max(self.slot.capacity - self.booked, 0)


def exhibitor_slots(exhibitor: Exhibitor) -> list[SlotView]:
    slots = list(
        db.session.scalars(
            sa.select(InterviewSlot)
            .where(InterviewSlot.exhibitor_id == exhibitor.id)
            .order_by(InterviewSlot.start, InterviewSlot.id)
        )
    )
    counts = slot_counts([s.id for s in slots])
    return [SlotView(slot=s, booked=counts.get(s.id, 0)) for s in slots]


def free_slot_count(exhibitor: Exhibitor) -> int:
    """Interview places still bookable (slots that have not started)."""
    now = now_local(exhibitor.event)
    return sum(v.left for v in exhibitor_slots(exhibitor) if v.slot.start > now)
