"""Forms of the call for speakers (public) and of its review (organisers)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Email, Length, Optional

from wid_events.people.forms import GenderFieldsMixin
from wid_events.pool.topics import LANGUAGES, TOPICS

#: The speaker portal's purpose sentence, for the organisation's pool instead of one event.
POOL_PURPOSE = _l(
    "We ask this only to check that our panels are gender-balanced (No Women No Panel). "
    "Only our organisers see your answer; it is never shown publicly. "
    "When we invite you to an event, that event asks again for its own purpose."
)


def strip(value):
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class EntryForm(GenderFieldsMixin, FlaskForm):
    """What a volunteer says about themselves (sign-up and later edits)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=300)], filters=[strip])
    topics = MultiCheckboxField(_l("Topics"), choices=list(TOPICS.items()))
    other_topics = StringField(
        _l("Other topics (separated by commas)"), validators=[Optional(), Length(max=400)], filters=[strip]
    )
    languages = MultiCheckboxField(
        _l("Languages you speak in"),
        choices=list(LANGUAGES.items()),
        validators=[DataRequired(_l("Choose at least one language you speak in."))],
    )
    cities = StringField(
        _l("Cities where you can speak in person"), validators=[Optional(), Length(max=300)], filters=[strip]
    )
    online = BooleanField(_l("I can also speak online"), default=True)
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=2000)])
    event_ids = MultiCheckboxField(_l("Events you are available for"), coerce=int, choices=[])
    available_from = DateField(_l("Available from"), validators=[Optional()])
    available_until = DateField(_l("Available until"), validators=[Optional()])
    list_publicly = BooleanField(_l("List me on the public page of our speaker pool"))


class SignUpForm(EntryForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)], filters=[strip])
    photo = FileField(_l("Photo (optional)"))


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo"))


class ButtonForm(FlaskForm):
    """A bare button (CSRF only): confirm, withdraw, accept, remove the photo."""


class DeclineForm(FlaskForm):
    message = TextAreaField(
        _l("Message to the person"),
        validators=[
            DataRequired(_l("Write a message to the person: it is sent with the decline.")),
            Length(max=2000),
        ],
    )


class InviteForm(FlaskForm):
    member_id = StringField(validators=[DataRequired()])
