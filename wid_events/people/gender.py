"""Recording a person's self-declared gender, with its provenance."""

from __future__ import annotations

from wid_events.accounts.models import User
from wid_events.audit import services as audit
from wid_events.enums import Gender, GenderSource
from wid_events.models_base import utcnow
from wid_events.people.models import Person


def record_gender(
    person: Person,
    gender: Gender | str,
    self_description: str | None,
    *,
    source: GenderSource,
    actor: User | str | None,
    count_as_woman: bool | None = None,
) -> bool:
    """Store a gender declaration with its provenance. Returns True when it changed.

    ``count_as_woman`` is a self-described person's own answer to "for the No Women No Panel
    count, count me as a woman" (None: no answer); it is dropped for every other gender.
    The audit entry records that it changed, never the value.
    """
    gender = Gender(gender)
    description = (self_description or "").strip() or None
    if gender != Gender.SELF_DESCRIBED:
        description = None
        count_as_woman = None
    if (person.gender, person.gender_self_description, person.count_as_woman) == (
        gender,
        description,
        count_as_woman,
    ):
        return False
    person.gender = gender
    person.gender_self_description = description
    person.count_as_woman = count_as_woman
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
