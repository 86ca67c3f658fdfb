"""Forms of the speaker portal and its organiser side."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional

from wid_events.enums import MaterialVisibility
from wid_events.people.forms import GenderFieldsMixin
from wid_events.speakers.services import MAX_LINKS

VISIBILITY_CHOICES = [
    SelectChoice(MaterialVisibility.PUBLIC.value, _l("Public now")),
    SelectChoice(MaterialVisibility.AFTER_START.value, _l("Public once the session starts")),
    SelectChoice(MaterialVisibility.ORGANISERS.value, _l("Organisers only")),
]


class LinkRowForm(Form):
    label = StringField(_l("Link text"), validators=[Optional(), Length(max=100)])
    url = StringField(_l("Address (https://…)"), validators=[Optional(), Length(max=500)])


class ProfileForm(GenderFieldsMixin, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=300)])
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=300)])
    pronouns = StringField(_l("Pronouns"), validators=[Optional(), Length(max=50)])
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=5000)])
    links = FieldList(FormField(LinkRowForm), min_entries=MAX_LINKS, max_entries=MAX_LINKS)


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo"))


class AvailabilityForm(FlaskForm):
    start = DateTimeLocalField(_l("Unavailable from"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    end = DateTimeLocalField(_l("Until"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=300)])


class FileMaterialForm(FlaskForm):
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=300)])
    file = FileField(_l("File"))
    visibility = RadioField(
        _l("Who can see it"), choices=VISIBILITY_CHOICES, default=MaterialVisibility.PUBLIC.value
    )


class LinkMaterialForm(FlaskForm):
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=300)])
    url = StringField(
        _l("Link (https://…)"), validators=[DataRequired(), Length(max=1000), URL(require_tld=False)]
    )
    visibility = RadioField(
        _l("Who can see it"), choices=VISIBILITY_CHOICES, default=MaterialVisibility.PUBLIC.value
    )


class VersionForm(FlaskForm):
    file = FileField(_l("New version"))


class VisibilityForm(FlaskForm):
    visibility = RadioField(_l("Who can see it"), choices=VISIBILITY_CHOICES)


class OrganiserMaterialForm(FileMaterialForm):
    """An organiser adds a file for any session of the event (e.g. slides received by email)."""

    session_id = SelectField(_l("Session"), coerce=int, validators=[DataRequired()])


class RenewLinkForm(FlaskForm):
    """ "Email me a fresh link" on an expired link's page: only the CSRF token."""
