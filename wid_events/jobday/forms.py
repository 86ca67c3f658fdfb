"""Forms of the Job Day: exhibitor profile, offers, interview slots, bookings, CVs, floor plan."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from wid_events.core.content_forms import add_translation_fields
from wid_events.core.fields import IntegerField
from wid_events.jobday.models import (
    COMMITMENTS,
    CONTRACT_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    REMOTE_LABELS,
)


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(k.value, v) for k, v in labels.items()]


class ProfileForm(FlaskForm):
    """What the exhibitor edits in the portal (organisers see these fields too)."""

    description = TextAreaField(_l("About your organisation"), validators=[Optional(), Length(max=5000)])
    website = StringField(_l("Website (https://…)"), validators=[Optional(), Length(max=1000)])
    sectors = StringField(_l("Sectors (comma-separated)"), validators=[Optional(), Length(max=600)])
    inclusive_statement = TextAreaField(
        _l("Inclusive employer statement"), validators=[Optional(), Length(max=5000)]
    )
    commit_wid_charter = BooleanField(COMMITMENTS["commit_wid_charter"])
    commit_pay_equality = BooleanField(COMMITMENTS["commit_pay_equality"])
    commit_flexible_work = BooleanField(COMMITMENTS["commit_flexible_work"])
    commit_inclusive_hiring = BooleanField(COMMITMENTS["commit_inclusive_hiring"])


class ExhibitorForm(ProfileForm):
    """The organiser's full form."""

    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Type"), choices=_choices(KIND_LABELS), default="employer")
    booth = StringField(_l("Booth or table number"), validators=[Optional(), Length(max=40)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    contact_email = StringField(
        _l("Contact email (private)"), validators=[Optional(), Email(), Length(max=254)]
    )


class LogoForm(FlaskForm):
    logo = FileField(_l("Logo (JPEG, PNG or WebP)"))


class OfferForm(FlaskForm):
    title = StringField(_l("Job title"), validators=[DataRequired(), Length(max=200)])
    contract = SelectField(_l("Contract"), choices=_choices(CONTRACT_LABELS), default="permanent")
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
    remote = SelectField(_l("Remote work"), choices=_choices(REMOTE_LABELS), default="on_site")
    level = SelectField(_l("Level"), choices=_choices(LEVEL_LABELS), default="any")
    languages = StringField(
        _l("Required languages (comma-separated)"), validators=[Optional(), Length(max=600)]
    )
    skills = StringField(_l("Skills (comma-separated)"), validators=[Optional(), Length(max=600)])
    description = TextAreaField(_l("Short description"), validators=[Optional(), Length(max=3000)])
    apply_url = StringField(
        _l("Apply link (https://…); leave empty for “meet us at the booth”"),
        validators=[Optional(), Length(max=1000)],
    )
    published = BooleanField(_l("Published"), default=True)


class SlotBlockForm(FlaskForm):
    day = DateField(_l("Day"), validators=[DataRequired()])
    start = TimeField(_l("From"), validators=[DataRequired()])
    end = TimeField(_l("Until"), validators=[DataRequired()])
    slot_minutes = IntegerField(
        _l("Length of one interview (minutes)"), default=20, validators=[DataRequired(), NumberRange(5, 120)]
    )
    recruiters = IntegerField(
        _l("Recruiters interviewing in parallel"), default=1, validators=[DataRequired(), NumberRange(1, 50)]
    )


class BookingForm(FlaskForm):
    slot = IntegerField(_l("Time"), validators=[DataRequired()])
    offer = SelectField(_l("About which offer? (optional)"), validate_choice=False)


class CVForm(FlaskForm):
    cv = FileField(_l("Your CV (PDF)"))
    consent = BooleanField(_l("Share my CV with this exhibitor only"))


class SettingsForm(FlaskForm):
    max_bookings = IntegerField(
        _l("Interviews one attendee may book"), validators=[Optional(), NumberRange(1, 50)]
    )
    floor_plan_alt = TextAreaField(
        _l("Text description of the floor plan (for screen readers)"),
        validators=[Optional(), Length(max=3000)],
    )


class FloorPlanForm(FlaskForm):
    image = FileField(_l("Floor plan image (JPEG, PNG or WebP)"))
    alt = TextAreaField(
        _l("Text description of the floor plan (for screen readers)"),
        validators=[Optional(), Length(max=3000)],
    )


class ConfirmForm(FlaskForm):
    """A bare POST button (CSRF only)."""


add_translation_fields(
    OfferForm,
    {"title": (_l("Job title"), False, 200), "description": (_l("Short description"), True, 3000)},
)
