"""The self-declared gender fields, shared by the speaker portal and the organiser's person form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import Length, Optional

from wid_events.enums import Gender

#: The one-sentence purpose shown wherever gender is asked (data minimisation, GDPR art. 13).
PURPOSE = _l(
    "We ask this only to check that our panels are gender-balanced (No Women No Panel). "
    "Only this event's organisers see your answer; it is never shown publicly."
)

GENDER_CHOICES = [
    (Gender.WOMAN.value, _l("Woman")),
    (Gender.MAN.value, _l("Man")),
    (Gender.NON_BINARY.value, _l("Non-binary")),
    (Gender.SELF_DESCRIBED.value, _l("I describe myself as…")),
    (Gender.UNDISCLOSED.value, _l("Prefer not to say")),
]


#: A self-described person's answer on how the policy counts them ("" = prefer not to say).
COUNT_AS_WOMAN_CHOICES = [("yes", _l("Yes")), ("no", _l("No")), ("", _l("Prefer not to say"))]
COUNT_AS_WOMAN_LABEL = _l("For the “No Women No Panel” count, count me as a woman")


def count_as_woman_value(answer: str | None) -> bool | None:
    """The form's ``yes``/``no``/empty as the model's True/False/None."""
    return {"yes": True, "no": False}.get(answer or "")


def count_as_woman_answer(value: bool | None) -> str:
    """The model's True/False/None as the form's ``yes``/``no``/empty."""
    return {True: "yes", False: "no"}.get(value, "")


class GenderFieldsMixin:
    """Mix into a FlaskForm. Self-description is free text, kept private."""

    gender = RadioField(_l("Gender"), choices=GENDER_CHOICES, default=Gender.UNDISCLOSED.value)
    gender_self_description = StringField(_l("Self-description"), validators=[Optional(), Length(max=100)])
    count_as_woman = RadioField(
        COUNT_AS_WOMAN_LABEL,
        choices=COUNT_AS_WOMAN_CHOICES,
        default="",
        validators=[Optional()],
        description=_l(
            "Only if you describe yourself in your own words. “Yes” counts you towards the "
            "panel's minimum of women; “Prefer not to say” leaves the panel's verdict open."
        ),
    )


class OrganiserGenderFieldsMixin(GenderFieldsMixin):
    """For organisers entering someone's gender: they must confirm the person consented."""

    gender_consent = BooleanField(_l("This person told us this and agreed that we record it"))
