"""Multilingual event content: the plain columns hold the event's default language, and a
``translations`` JSON column per model holds the others (``{lang: {field: text}}``).

:func:`localized` picks the visitor's (or registrant's) language and falls back to the
default-language column, so public pages never show an empty string for a missing
translation. Organisers see what is missing through :func:`missing_languages`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, has_app_context
from flask_babel import get_locale
from flask_babel import gettext as _

from wid_events.enums import CONTENT_LANGUAGES
from wid_events.errors import DomainError

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "nl": "Nederlands", "de": "Deutsch"}


def current_language() -> str:
    locale = get_locale() if has_app_context() else None
    lang = str(locale or "en").split("_")[0]
    return lang if lang in CONTENT_LANGUAGES else "en"


def localized(obj: Any, field: str, locale: str | None = None) -> Any:
    """``obj.field`` in ``locale`` (default: the current one), else in the default language."""
    base = getattr(obj, field, "")
    translations = getattr(obj, "translations", None) or {}
    lang = locale or current_language()
    value = (translations.get(lang) or {}).get(field)
    if isinstance(value, str) and value.strip():
        return value
    return base


def translation_of(obj: Any, lang: str, field: str) -> str:
    """The stored translation (empty when there is none), for organiser forms."""
    value = ((getattr(obj, "translations", None) or {}).get(lang) or {}).get(field)
    return value if isinstance(value, str) else ""


def other_languages(default_language: str | None) -> list[str]:
    """The content languages besides ``default_language``, in the fixed order."""
    return [lang for lang in CONTENT_LANGUAGES if lang != (default_language or "en")]


def event_languages(event: Any) -> list[str]:
    """The languages an event publishes in: its default, then those with a translated title."""
    default = getattr(event, "default_language", None) or "en"
    translated = {
        lang
        for lang, fields in (getattr(event, "translations", None) or {}).items()
        if isinstance(fields, dict) and any(isinstance(v, str) and v.strip() for v in fields.values())
    }
    return [default] + [lang for lang in other_languages(default) if lang in translated]


def missing_languages(obj: Any, fields: tuple[str, ...], languages: list[str]) -> list[str]:
    """The languages among ``languages[1:]`` (not the default) in which a non-empty field of
    ``obj`` has no translation."""
    filled = [f for f in fields if isinstance(getattr(obj, f, None), str) and getattr(obj, f).strip()]
    out = []
    for lang in languages[1:]:
        if any(not translation_of(obj, lang, f).strip() for f in filled):
            out.append(lang)
    return out


def clean_translations(raw: dict, fields: tuple[str, ...]) -> dict:
    """Keep known languages and fields with non-empty text (LF line ends); drop the rest."""
    out: dict[str, dict[str, str]] = {}
    for lang in CONTENT_LANGUAGES:
        values = raw.get(lang) or {}
        kept = {}
        for f in fields:
            value = values.get(f)
            if isinstance(value, str) and value.strip():
                kept[f] = value.replace("\r\n", "\n").strip()
        if kept:
            out[lang] = kept
    return out


def checked_translations(raw: dict | None, fields: tuple[str, ...]) -> dict:
    """:func:`clean_translations`, refusing a language that is not a content language."""
    unknown = sorted(str(lang) for lang in set(raw or {}) - set(CONTENT_LANGUAGES))
    if unknown:
        raise DomainError(
            _("There is no content language “%(lang)s”; use en, fr, nl or de.", lang=", ".join(unknown)),
            code="unknown_language",
        )
    return clean_translations(raw or {}, fields)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["loc"] = localized
    app.jinja_env.globals.update(
        localized=localized,
        translation_of=translation_of,
        language_names=LANGUAGE_NAMES,
        event_languages=event_languages,
        missing_languages=missing_languages,
    )
