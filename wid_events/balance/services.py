"""No Women No Panel: recording self-declared gender and the publishing gate.

(Interface first; the balance issue completes the implementation behind it.)
"""

from __future__ import annotations

from wid_events.accounts.models import User
from wid_events.audit import services as audit
from wid_events.enums import Gender, GenderSource
from wid_events.errors import DomainError
from wid_events.events.models import Event
from wid_events.models_base import utcnow
from wid_events.speakers.models import Person


class BalanceGateError(DomainError):
    """Publishing (or an edit of a published agenda) would leave a failing panel unexempted."""

    status = 409
    code = "balance_gate"

    def __init__(self, message: str, verdicts: list | None = None) -> None:
        super().__init__(message)
        #: The failing panels' verdicts, for the page that explains and suggests.
        self.verdicts = verdicts or []


def record_gender(
    person: Person,
    gender: Gender | str,
    self_description: str | None,
    *,
    source: GenderSource,
    actor: User | str | None,
) -> bool:
    """Store a gender declaration with its provenance. Returns True when it changed.

    The audit entry records that it changed, never the value.
    """
    gender = Gender(gender)
    description = (self_description or "").strip() or None
    if gender != Gender.SELF_DESCRIBED:
        description = None
    if person.gender == gender and person.gender_self_description == description:
        return False
    person.gender = gender
    person.gender_self_description = description
    person.gender_source = None if gender == Gender.UNDISCLOSED else source
    person.gender_recorded_at = utcnow()
    audit.record(
        "person.gender",
        actor=actor,
        event_id=person.event_id,
        obj=person,
        changes={"gender": ["(private)", "(private)"], "source": [None, source.value]},
    )
    return True


def enforce_gate(event: Event, *, publishing: bool = False) -> None:
    """Raise :class:`BalanceGateError` if the agenda is (or is being) published with a
    failing panel that has no exemption. Call before committing a change to a published
    event's sessions or speakers, and when publishing.
    """
    return None
