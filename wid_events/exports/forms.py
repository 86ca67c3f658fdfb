"""Organiser forms: badge printing and check-in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length, Optional

LAYOUT_CHOICES = [
    ("a6", _l("A6, one badge per page (badge printers, A6 card stock)")),
    ("a4-4up", _l("A4, four A6 badges per sheet, with cut lines")),
    ("a4-8up", _l("A4, eight 90 × 55 mm badges per sheet (name-badge holders)")),
]

ROLE_CHOICES = [
    ("attendee", _l("Attendees")),
    ("speaker", _l("Speakers")),
    ("organiser", _l("Organisers")),
    ("exhibitor", _l("Exhibitors")),
    ("press", _l("Press")),
]

ATTENDANCE_CHOICES = [
    ("in_person", _l("In-person attendees only")),
    ("", _l("Everyone confirmed")),
    ("online", _l("Online attendees only")),
]


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class BadgeForm(FlaskForm):
    layout = RadioField(_l("Layout"), choices=LAYOUT_CHOICES, default="a6", validators=[DataRequired()])
    roles = MultiCheckboxField(_l("Roles"), choices=ROLE_CHOICES)
    attendance = RadioField(
        _l("Registrations"), choices=ATTENDANCE_CHOICES, default="in_person", validators=[Optional()]
    )


class CheckinCodeForm(FlaskForm):
    code = StringField(
        _l("Badge code"),
        validators=[DataRequired(message=_l("Type or scan a check-in code.")), Length(max=200)],
        render_kw={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false", "autofocus": True},
    )


class ButtonForm(FlaskForm):
    """A bare POST button (CSRF only)."""
