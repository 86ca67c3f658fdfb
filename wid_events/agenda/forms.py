"""Organiser forms for sessions, speakers, people, publishing and CSV import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from wid_events.core.content_forms import add_translation_fields
from wid_events.core.fields import IntegerField
from wid_events.enums import SessionStatus, SessionType, SpeakerRole
from wid_events.people.forms import OrganiserGenderFieldsMixin


def strip(value):
    return value.strip() if isinstance(value, str) else value


TYPE_CHOICES = [
    (SessionType.KEYNOTE.value, _l("Keynote")),
    (SessionType.PANEL.value, _l("Panel")),
    (SessionType.WORKSHOP.value, _l("Workshop")),
    (SessionType.TALK.value, _l("Talk")),
    (SessionType.BREAK.value, _l("Break")),
    (SessionType.NETWORKING.value, _l("Networking")),
    (SessionType.JOB_FAIR.value, _l("Job fair")),
    (SessionType.OTHER.value, _l("Other")),
]
STATUS_CHOICES = [
    (SessionStatus.CONFIRMED.value, _l("Confirmed")),
    (SessionStatus.CANCELLED.value, _l("Cancelled")),
]
ROLE_CHOICES = [
    (SpeakerRole.PANELIST.value, _l("Panelist")),
    (SpeakerRole.MODERATOR.value, _l("Moderator")),
    (SpeakerRole.SPEAKER.value, _l("Speaker")),
    (SpeakerRole.FACILITATOR.value, _l("Facilitator")),
]


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)], filters=[strip])
    type = SelectField(_l("Type"), choices=TYPE_CHOICES, default=SessionType.TALK.value)
    day = SelectField(_l("Day"), validators=[DataRequired()])
    start_time = TimeField(_l("Starts at"), validators=[DataRequired()])
    end_time = TimeField(_l("Ends at"), validators=[DataRequired()])
    room_id = SelectField(_l("Room"), default="")
    track_id = SelectField(_l("Track"), default="")
    capacity = IntegerField(_l("Sign-up capacity"), validators=[Optional(), NumberRange(min=0)])
    requires_signup = BooleanField(_l("Attendees sign up for this session (parallel workshop)"))
    attendance = SelectField(
        _l("Who can attend"),
        choices=[
            ("", _l("The default for the event (hybrid events: workshops in person, others both)")),
            ("in_person", _l("In person only")),
            ("online", _l("Online only")),
            ("hybrid", _l("In person and online")),
        ],
        default="",
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default=SessionStatus.CONFIRMED.value)
    tags = StringField(
        _l("Topics (separated by commas)"), validators=[Optional(), Length(max=500)], filters=[strip]
    )
    #: The session's version when the editor was opened (optimistic concurrency).
    version = HiddenField()
    notify = BooleanField(
        _l("Email registered attendees about time, room or status changes now"), default=True
    )


SESSION_TRANSLATED = {
    "title": (_l("Title"), False, 300),
    "description": (_l("Description"), True, 20000),
}
add_translation_fields(SessionForm, SESSION_TRANSLATED)


class AddSpeakerForm(FlaskForm):
    person_id = IntegerField(_l("Person"), validators=[DataRequired()])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=SpeakerRole.SPEAKER.value)


class NewSpeakerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=300)], filters=[strip])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=SpeakerRole.SPEAKER.value)


class SpeakerRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class PersonForm(OrganiserGenderFieldsMixin, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    email = StringField(
        _l("Email (private)"), validators=[Optional(), Email(), Length(max=254)], filters=[strip]
    )
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=300)], filters=[strip])
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=300)], filters=[strip])
    pronouns = StringField(_l("Pronouns"), validators=[Optional(), Length(max=50)], filters=[strip])
    bio = TextAreaField(_l("Short biography"), validators=[Optional(), Length(max=10000)])
    topics = StringField(
        _l("Topics (comma-separated)"), validators=[Optional(), Length(max=500)], filters=[strip]
    )


add_translation_fields(PersonForm, {"bio": (_l("Short biography"), True, 10000)})


class UnavailabilityForm(FlaskForm):
    day = SelectField(_l("Day"), validators=[DataRequired()])
    start_time = TimeField(_l("From"), validators=[DataRequired()])
    end_time = TimeField(_l("Until"), validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)], filters=[strip])


class PublishForm(FlaskForm):
    confirm_conflicts = BooleanField(_l("I have reviewed the conflicts above and want to publish anyway"))


class ImportUploadForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])
    create_missing = BooleanField(_l("Create rooms, tracks and people that do not exist yet"))


class ImportConfirmForm(FlaskForm):
    token = HiddenField()
    create_missing = HiddenField()
