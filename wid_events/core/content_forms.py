"""Form fields for translated content, edited side by side with no JavaScript.

:func:`add_translation_fields` adds ``tr_<lang>_<field>`` fields to a form class for every
content language; the template shows the languages other than the event's default next to
each other (see ``_forms.html``'s ``translation_grid``), marking the missing ones.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from wid_events.core.content import LANGUAGE_NAMES, clean_translations, translation_of
from wid_events.enums import CONTENT_LANGUAGES


def field_name(lang: str, name: str) -> str:
    return f"tr_{lang}_{name}"


def add_translation_fields(form_cls: type, spec: dict[str, tuple]) -> type:
    """``spec``: ``{field: (label, multiline, max length)}``. Returns ``form_cls``."""
    for lang in CONTENT_LANGUAGES:
        for name, (label, multiline, max_len) in spec.items():
            field_cls = TextAreaField if multiline else StringField
            setattr(
                form_cls,
                field_name(lang, name),
                field_cls(
                    _l("%(field)s (%(language)s)", field=label, language=LANGUAGE_NAMES[lang]),
                    validators=[Optional(), Length(max=max_len)],
                    render_kw={"lang": lang},
                ),
            )
    return form_cls


def fill_translations(form, obj, fields: tuple[str, ...]) -> None:
    for lang in CONTENT_LANGUAGES:
        for name in fields:
            form[field_name(lang, name)].data = translation_of(obj, lang, name)


def translations_from(form, fields: tuple[str, ...], default_language: str | None = None) -> dict:
    """The submitted translations (the default language's own column is not a translation)."""
    raw = {
        lang: {name: form[field_name(lang, name)].data or "" for name in fields}
        for lang in CONTENT_LANGUAGES
        if lang != default_language
    }
    return clean_translations(raw, fields)
