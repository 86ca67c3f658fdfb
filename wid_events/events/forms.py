"""Organiser forms for events, rooms, tracks and organiser rights."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FloatField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Email, Length, NumberRange, Optional

from wid_events.core.content import LANGUAGE_NAMES
from wid_events.core.content_forms import add_translation_fields
from wid_events.core.fields import IntegerField
from wid_events.enums import CONTENT_LANGUAGES, EventMode

#: Common zones offered first; any valid IANA name can be typed (validated by the service).
COMMON_TIMEZONES = [
    "Europe/Brussels",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Luxembourg",
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Istanbul",
    "Africa/Casablanca",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Asia/Dubai",
    "America/New_York",
    "UTC",
]


def timezone_choices(default: str = "Europe/Brussels", current: str | None = None) -> list[tuple[str, str]]:
    """Every IANA zone for a select: the organisation's default first, then the common ones,
    then all the others alphabetically (and the current value, even if unknown, so it shows)."""
    first = [default, *(tz for tz in COMMON_TIMEZONES if tz != default)]
    rest = sorted(available_timezones() - set(first))
    names = [*first, *rest]
    if current and current not in names:
        names.insert(0, current)
    return [(name, name.replace("_", " ")) for name in names]


MODE_CHOICES = [
    (EventMode.IN_PERSON.value, _l("In person")),
    (EventMode.ONLINE.value, _l("Online")),
    (EventMode.HYBRID.value, _l("Hybrid (in person and online)")),
]


def strip(value):
    return value.strip() if isinstance(value, str) else value


class EventCoreFields:
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)], filters=[strip])
    slug = StringField(
        _l("Web address (slug)"), validators=[DataRequired(), Length(max=100)], filters=[strip]
    )
    start_date = DateField(_l("First day"), validators=[DataRequired()])
    end_date = DateField(_l("Last day"), validators=[DataRequired()])
    #: Choices from :func:`timezone_choices`; an unknown zone is refused by the service with a
    #: clear message, so the select does not validate the choice itself.
    timezone = SelectField(
        _l("Time zone"),
        validators=[DataRequired(), Length(max=64)],
        default="Europe/Brussels",
        validate_choice=False,
    )
    mode = SelectField(_l("Format"), choices=MODE_CHOICES, default=EventMode.IN_PERSON.value)


class NewEventForm(EventCoreFields, FlaskForm):
    slug = StringField(
        _l("Web address (slug)"),
        validators=[Optional(), Length(max=100)],
        filters=[strip],
        description=_l("Leave empty to use one made from the title."),
    )
    series_id = SelectField(_l("Series"), coerce=str, default="")
    new_series = StringField(
        _l("…or a new series"), validators=[Optional(), Length(max=300)], filters=[strip]
    )
    edition = IntegerField(_l("Edition in the series"), validators=[Optional(), NumberRange(min=1)])


class EventSettingsForm(EventCoreFields, FlaskForm):
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    venue_name = StringField(_l("Venue"), validators=[Optional(), Length(max=300)], filters=[strip])
    venue_address = StringField(_l("Address"), validators=[Optional(), Length(max=500)], filters=[strip])
    travel_info = TextAreaField(_l("How to get there"), validators=[Optional(), Length(max=10000)])
    online_info = TextAreaField(
        _l("Online participation (public text)"), validators=[Optional(), Length(max=10000)]
    )
    livestream_url = StringField(
        _l("Livestream link"),
        validators=[
            Optional(),
            Length(max=1000),
            URL(require_tld=False, message=_l("Enter a web address starting with http:// or https://.")),
        ],
        filters=[strip],
    )
    capacity_in_person = IntegerField(_l("In-person capacity"), validators=[Optional(), NumberRange(min=0)])
    capacity_online = IntegerField(_l("Online capacity"), validators=[Optional(), NumberRange(min=0)])
    registration_open = BooleanField(_l("Registration is open"))
    registration_opens = DateTimeLocalField(
        _l("Registration opens on (local time)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    registration_closes = DateTimeLocalField(
        _l("Registration closes on (local time)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    default_language = SelectField(
        _l("Default language of the content"),
        choices=[(code, LANGUAGE_NAMES[code]) for code in CONTENT_LANGUAGES],
        default="en",
    )
    requires_approval = BooleanField(_l("Registrations need an organiser's approval"))
    access_needs_deadline = DateField(_l("Deadline for access needs requests"), validators=[Optional()])
    contact_email = StringField(
        _l("Contact address (replies to the event's emails go here)"),
        validators=[Optional(), Length(max=254), Email(_l("Enter a valid email address."))],
        filters=[strip, lambda v: v or None],
    )
    speaker_link_days = IntegerField(
        _l("Speaker links stay valid this many days after the event"),
        validators=[Optional(), NumberRange(min=0, max=3650)],
        default=30,
        filters=[lambda v: 30 if v is None else v],
    )
    series_id = SelectField(_l("Series"), coerce=str, default="")
    new_series = StringField(
        _l("…or a new series"), validators=[Optional(), Length(max=300)], filters=[strip]
    )
    edition = IntegerField(_l("Edition in the series"), validators=[Optional(), NumberRange(min=1)])
    balance_min_women_per_panel = IntegerField(
        _l("Minimum number of women per panel"),
        validators=[Optional(), NumberRange(min=0, max=20)],
        default=1,
    )
    balance_count_moderators = BooleanField(_l("Moderators count towards the minimum"))
    balance_count_non_binary = BooleanField(_l("Non-binary speakers count towards the minimum"))
    balance_target_share_women = FloatField(
        _l("Target share of women among all speakers (0–1)"),
        validators=[Optional(), NumberRange(min=0, max=1)],
        default=0.4,
    )
    balance_base_rate = FloatField(
        _l("Share of women in the field (0–1)"),
        validators=[Optional(), NumberRange(min=0, max=1)],
        default=0.182,
    )


EVENT_TRANSLATED = {
    "title": (_l("Title"), False, 300),
    "description": (_l("Description"), True, 20000),
    "travel_info": (_l("How to get there"), True, 10000),
    "online_info": (_l("Online participation (public text)"), True, 10000),
}
add_translation_fields(EventSettingsForm, EVENT_TRANSLATED)


class LookForm(FlaskForm):
    accent_colour = StringField(_l("Accent colour"), validators=[Optional(), Length(max=7)], filters=[strip])
    logo = FileField(_l("Logo (PNG, JPEG, WebP or SVG)"))
    remove_logo = BooleanField(_l("Remove the logo"))
    header_image = FileField(_l("Header image (PNG, JPEG or WebP)"))
    header_image_alt = StringField(
        _l("Alternative text of the header image"), validators=[Optional(), Length(max=300)], filters=[strip]
    )
    remove_header = BooleanField(_l("Remove the header image"))


class RoomForm(FlaskForm):
    name = StringField(_l("Room name"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    capacity = IntegerField(_l("Seats"), validators=[Optional(), NumberRange(min=0)])
    position = IntegerField(_l("Column order"), validators=[Optional(), NumberRange(min=0)])


class TrackForm(FlaskForm):
    name = StringField(_l("Track name"), validators=[DataRequired(), Length(max=200)], filters=[strip])


add_translation_fields(RoomForm, {"name": (_l("Room name"), False, 200)})
add_translation_fields(TrackForm, {"name": (_l("Track name"), False, 200)})


class OrganiserForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)], filters=[strip])


class DuplicateForm(FlaskForm):
    title = StringField(
        _l("Title of the new event"), validators=[DataRequired(), Length(max=300)], filters=[strip]
    )
    slug = StringField(
        _l("Web address (slug)"), validators=[DataRequired(), Length(max=100)], filters=[strip]
    )
    start_date = DateField(_l("First day of the new event"), validators=[DataRequired()])
    edition = IntegerField(_l("Edition in the series"), validators=[Optional(), NumberRange(min=1)])
