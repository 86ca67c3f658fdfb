"""The optional parts of a "wid-event/1" package: content translations, the default
language, the registration window and the custom registration questions.

Read by :mod:`~wid_events.events.package_validate`, applied by
:mod:`~wid_events.events.package_import` and written by :mod:`~wid_events.events.package_export`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _

from wid_events.enums import CONTENT_LANGUAGES, Attendance, QuestionType
from wid_events.packages.package_format import MISSING, Reader, local_iso, show, type_name
from wid_events.registration.question_rules import BUILT_IN_FIELDS, CHOICE_TYPES, QUESTION_KEY_RE

#: Translatable fields of each kind of package object.
EVENT_TEXTS = ("title", "description", "travel_info", "online_info")
SESSION_TEXTS = ("title", "description")
ROOM_TEXTS = ("name",)
TRACK_TEXTS = ("name",)
PERSON_TEXTS = ("bio",)
QUESTION_TEXTS = ("label", "help_text", "options")

QUESTION_FIELDS = (
    "key",
    "label",
    "type",
    "required",
    "options",
    "attendance",
    "translations",
    # extension
    "help_text",
)


def read_translations(r: Reader, fields: tuple[str, ...], *, option_count: int | None = None) -> Any:
    """``{"fr": {field: text}, …}``: known languages and fields only, texts (options: a list)."""
    raw = r.data.get("translations", MISSING)
    if raw is MISSING:
        return MISSING
    if not isinstance(raw, dict):
        return r.wrong("translations", _("an object keyed by language"), raw)
    out: dict[str, dict] = {}
    for lang, values in raw.items():
        if lang not in CONTENT_LANGUAGES:
            r.problem(
                _(
                    "translation for unknown language %(lang)s (use one of %(allowed)s)",
                    lang=show(lang),
                    allowed=", ".join(f'"{code}"' for code in CONTENT_LANGUAGES),
                )
            )
            continue
        if not isinstance(values, dict):
            r.problem(
                _(
                    '"translations.%(lang)s" must be an object, not %(type)s',
                    lang=lang,
                    type=type_name(values),
                )
            )
            continue
        t = Reader(r.problems, f"{r.where}.translations.{lang}", values, fields)
        kept = {}
        for name in fields:
            if name == "options":
                value = _read_options(t, "options", nullable=True)
                if isinstance(value, list):
                    if option_count is not None and len(value) != option_count:
                        t.problem(
                            _(
                                '"options" must list as many options as the question (%(num)d)',
                                num=option_count or 0,
                            )
                        )
                    else:
                        kept[name] = value
                continue
            value = t.text(name)
            if isinstance(value, str):
                kept[name] = value
        out[lang] = kept
    return out


def _read_options(r: Reader, name: str, *, nullable: bool) -> Any:
    value = r.data.get(name, MISSING)
    if value is MISSING or (value is None and nullable):
        return value
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return r.wrong(name, _("a list of non-empty texts"), value)
    if len(set(value)) != len(value):
        r.problem(_('"%(name)s" lists the same option twice', name=name))
        return MISSING
    return value


def parse_event_extras(r: Reader, ev: dict) -> None:
    """Adds ``default_language``, ``translations`` and the registration window to ``ev``."""
    lang = r.text("default_language")
    if isinstance(lang, str) and lang not in CONTENT_LANGUAGES:
        r.problem(
            _(
                '"default_language" must be one of %(allowed)s, not %(value)s',
                allowed=", ".join(f'"{code}"' for code in CONTENT_LANGUAGES),
                value=show(lang),
            )
        )
        lang = MISSING
    ev["default_language"] = lang
    ev["translations"] = read_translations(r, EVENT_TEXTS)
    opens, closes = _window(r, "registration_opens"), _window(r, "registration_closes")
    if isinstance(opens, dt.datetime) and isinstance(closes, dt.datetime) and closes <= opens:
        r.problem(
            _(
                '"registration_closes" %(closes)s must be after "registration_opens" %(opens)s',
                closes=local_iso(closes),
                opens=local_iso(opens),
            )
        )
    ev["registration_opens"] = opens
    ev["registration_closes"] = closes


def _window(r: Reader, name: str) -> Any:
    if name not in r.data:
        return MISSING
    if r.data[name] is None:
        return None
    return r.local_datetime(name)


def parse_question(r: Reader) -> dict:
    q: dict[str, Any] = {
        "key": r.key(),
        "label": r.text("label", required=True, max_len=300, non_empty=True),
        "type": r.choice("type", QuestionType, required=True),
        "required": r.boolean("required"),
        "options": _read_options(r, "options", nullable=True),
        "attendance": MISSING,
        "help_text": r.text("help_text"),
    }
    attendance = r.data.get("attendance", MISSING)
    q["attendance"] = None if attendance is None else r.choice("attendance", Attendance)
    key = q["key"]
    if isinstance(key, str):
        if not QUESTION_KEY_RE.match(key):
            r.problem(
                _('"key" %(value)s may only use a-z, 0-9 and "_" (e.g. "visa_letter")', value=show(key))
            )
            q["key"] = MISSING
        elif key in BUILT_IN_FIELDS:
            r.problem(_('"key" %(value)s is a built-in registration field; choose another', value=show(key)))
            q["key"] = MISSING
    options = q["options"]
    if q["type"] in CHOICE_TYPES and not options:
        r.problem(_("a choice question needs a list of options"))
    elif q["type"] not in CHOICE_TYPES and q["type"] is not MISSING and options:
        r.problem(_('only choice questions have "options"'))
    count = len(options) if isinstance(options, list) else None
    q["translations"] = read_translations(r, QUESTION_TEXTS, option_count=count)
    return q


def export_question(q: Any) -> dict:
    return {
        "key": q.key,
        "label": q.label,
        "type": QuestionType(q.type).value,
        "required": bool(q.required),
        "options": list(q.options) if q.options else None,
        "attendance": Attendance(q.attendance).value if q.attendance else None,
        "help_text": q.help_text or "",
        "translations": dict(q.translations or {}),
    }


def window_iso(value: dt.datetime | None) -> str | None:
    return local_iso(value) if value is not None else None
