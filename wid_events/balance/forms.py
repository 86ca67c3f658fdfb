"""The balance report's forms (exemptions, adding a suggested panelist). The gender fields
live in :mod:`wid_events.people.forms`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from wid_events.core.fields import IntegerField


class ExemptionForm(FlaskForm):
    """Exempt one panel from the gate. Rendered with ``prefix=f"p{session.id}"`` so that
    every panel's form on the report has its own field ids."""

    reason = TextAreaField(
        _l("Reason for the exemption"),
        validators=[
            DataRequired(_l("Write the reason for the exemption.")),
            Length(min=10, message=_l("Write at least 10 characters: the reason is kept in the audit log.")),
            Length(max=2000, message=_l("The reason is too long (at most 2000 characters).")),
        ],
        description=_l(
            "Written for the record: it is kept in the audit log with your name and the date, "
            "and shown on this report."
        ),
    )


class RevokeExemptionForm(FlaskForm):
    """A bare button (CSRF only)."""


class AddPanelistForm(FlaskForm):
    person_id = IntegerField(validators=[DataRequired()])
