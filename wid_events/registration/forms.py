"""Registration forms. Field names follow the contract ("Public pages")."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional


def _strip(value):
    return value.strip() if isinstance(value, str) else value


ATTENDANCE_CHOICES = [("in_person", _l("In person")), ("online", _l("Online"))]


class SessionChoiceField(SelectMultipleField):
    """Repeated ``sessions`` ids; rendered by the template as one fieldset per time slot."""

    def pre_validate(self, form):
        # Unknown ids and overlaps are checked by the service with a clearer message.
        pass


def _coerce_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class RegistrationForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Please enter your name.")), Length(max=200)],
        filters=[_strip],
    )
    email = EmailField(
        _l("Email"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Email(_l("Please enter a valid email address.")),
            Length(max=254),
        ],
    )
    attendance = RadioField(_l("How will you attend?"), choices=ATTENDANCE_CHOICES, validate_choice=False)
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=300)])
    pronouns = StringField(_l("Pronouns"), validators=[Optional(), Length(max=50)])
    sessions = SessionChoiceField(_l("Workshops"), coerce=_coerce_int, choices=[])
    access_needs = TextAreaField(_l("Access needs"), validators=[Optional(), Length(max=4000)])
    dietary = TextAreaField(_l("Dietary requirements"), validators=[Optional(), Length(max=2000)])
    consent = BooleanField(
        _l("I agree that the organisers process these details to run this event."),
        validators=[DataRequired(_l("Please agree to the processing of your data to register."))],
    )
    #: Honeypot: hidden from people, filled in by bots.
    website = StringField(_l("Leave this field empty"))
    #: Idempotency key: a double submit of this form is one registration.
    form_key = HiddenField()


class SessionsForm(FlaskForm):
    sessions = SessionChoiceField(_l("Workshops"), coerce=_coerce_int, choices=[])


class AttendanceForm(FlaskForm):
    attendance = RadioField(
        _l("How will you attend?"),
        choices=ATTENDANCE_CHOICES,
        validators=[DataRequired(_l("Please choose whether you attend in person or online."))],
    )


class ConfirmForm(FlaskForm):
    """A bare confirmation (cancel, erase); only the CSRF token."""


class ResendForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Email(_l("Please enter a valid email address.")),
            Length(max=254),
        ],
    )


class StarForm(FlaskForm):
    """Star or unstar one session (the personal agenda's buttons); only the CSRF token and
    ``star`` ("1" to add, "0" to remove)."""
