"""Organiser forms: a custom registration question, and a registration added by hand."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from wid_events.core.content_forms import add_translation_fields
from wid_events.registration.forms import ATTENDANCE_CHOICES

TYPE_CHOICES = [
    ("text", _l("Short text")),
    ("textarea", _l("Long text")),
    ("choice", _l("Single choice")),
    ("multiple_choice", _l("Multiple choice")),
    ("yes_no", _l("Yes or no")),
    ("country", _l("Country")),
    ("date", _l("Date")),
]
WHO_CHOICES = [
    ("", _l("Everyone")),
    ("in_person", _l("Only in-person attendees")),
    ("online", _l("Only online attendees")),
]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class QuestionForm(FlaskForm):
    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=64)], filters=[_strip])
    label = StringField(_l("Question"), validators=[DataRequired(), Length(max=300)], filters=[_strip])
    help_text = TextAreaField(_l("Help text"), validators=[Optional(), Length(max=2000)])
    type = SelectField(_l("Type of answer"), choices=TYPE_CHOICES, default="text")
    options = TextAreaField(_l("Options (one per line)"), validators=[Optional(), Length(max=5000)])
    required = BooleanField(_l("An answer is required"))
    attendance = SelectField(_l("Asked of"), choices=WHO_CHOICES, default="")


QUESTION_TRANSLATED = {
    "label": (_l("Question"), False, 300),
    "help_text": (_l("Help text"), True, 2000),
    "options": (_l("Options (one per line)"), True, 5000),
}
add_translation_fields(QuestionForm, QUESTION_TRANSLATED)


class ManualRegistrationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[_strip])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)], filters=[_strip])
    attendance = RadioField(_l("How will they attend?"), choices=ATTENDANCE_CHOICES, validate_choice=False)
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=300)])
    consent = BooleanField(
        _l("This person agreed that we process these details to run this event."),
        validators=[DataRequired(_l("Registrations need the person's consent."))],
    )
