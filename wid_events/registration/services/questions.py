"""Custom registration questions: the organiser's list (add, edit, order, archive, delete)
and checking a registrant's answers (form field ``q_<key>``, repeated for multiple choice).

A question with answers is never deleted: it can only be archived (no longer asked, its
answers kept until the registrant's data is erased).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa
from babel import Locale
from flask_babel import gettext as _

from wid_events.audit import services as audit
from wid_events.core.content import clean_translations, current_language, localized, translation_of
from wid_events.core.database import known_empty, memoized, remember_empty
from wid_events.enums import CONTENT_LANGUAGES, Attendance, QuestionType
from wid_events.errors import Conflict, DomainError
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.registration.models import Answer, Question, Registration
from wid_events.registration.question_rules import BUILT_IN_FIELDS, CHOICE_TYPES, QUESTION_KEY_RE

QUESTION_TEXTS = ("label", "help_text")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --------------------------------------------------------------------------- reading


def event_questions(event: Event, *, archived: bool = False) -> list[Question]:
    """The event's questions in form order (read once per transaction: see :func:`memoized`)."""
    # Questions are public: adding or editing one bumps the version.
    version = event.version_key
    if not archived and known_empty("questions", event.id, version):
        return []  # most events ask nothing of their own: no query at the same version
    stmt = sa.select(Question).where(Question.event_id == event.id)
    if not archived:
        stmt = stmt.where(Question.archived_at.is_(None))
    stmt = stmt.order_by(Question.archived_at.is_not(None), Question.position, Question.id)
    found = list(memoized(("questions", event.id, archived), lambda: list(db.session.scalars(stmt))))
    if not archived:
        remember_empty("questions", event.id, version, not found)
    return found


def questions_for(event: Event, attendance: Attendance | str | None) -> list[Question]:
    """The active questions asked of someone attending this way (None: every question)."""
    return [
        q
        for q in event_questions(event)
        if q.attendance is None or attendance is None or q.attendance == Attendance(attendance)
    ]


def has_answers(question: Question) -> bool:
    return (
        db.session.scalar(sa.select(Answer.id).where(Answer.question_id == question.id).limit(1)) is not None
    )


def answer_counts(event: Event) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Answer.question_id, sa.func.count())
        .join(Question, Question.id == Answer.question_id)
        .where(Question.event_id == event.id)
        .group_by(Answer.question_id)
    ).all()
    return dict(rows)


def option_labels(question: Question, locale: str | None = None) -> list[tuple[str, str]]:
    """``(stored value, shown text)`` of each option: the value is the default-language option."""
    options = list(question.options or [])
    lang = locale or current_language()
    shown = ((question.translations or {}).get(lang) or {}).get("options")
    if not isinstance(shown, list) or len(shown) != len(options):
        shown = options
    return [(value, text or value) for value, text in zip(options, shown, strict=True)]


def countries(locale: str | None = None) -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 codes with their names in ``locale`` (Babel), sorted by name."""
    names = Locale.parse(locale or current_language()).territories
    codes = [c for c in names if len(c) == 2 and c.isalpha() and c not in ("ZZ", "EU", "EZ", "UN", "QO")]
    return sorted(((c, names[c]) for c in codes), key=lambda item: item[1].casefold())


def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries("en"))


def display_value(question: Question, value: Any, locale: str | None = None) -> str:
    """An answer as text for people (organiser view, CSV)."""
    if value is None:
        return ""
    if question.type == QuestionType.YES_NO:
        return _("Yes") if value else _("No")
    if question.type == QuestionType.COUNTRY:
        names = dict(countries(locale or current_language()))
        return names.get(value, value)
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


def answers_by_key(reg: Registration) -> dict[str, Any]:
    """``{question key: value}`` (the API's ``"answers"``)."""
    return {a.question.key: a.value for a in reg.answers}


def answers_for(event: Event) -> dict[int, dict[str, Any]]:
    """``{registration id: {question key: value}}`` for the whole event, in one query."""
    rows = db.session.execute(
        sa.select(Answer.registration_id, Question.key, Answer.value)
        .join(Question, Question.id == Answer.question_id)
        .where(Question.event_id == event.id)
        .order_by(Question.position, Question.id)
    ).all()
    out: dict[int, dict[str, Any]] = {}
    for reg_id, key, value in rows:
        out.setdefault(reg_id, {})[key] = value
    return out


# --------------------------------------------------------------------------- answering


def _not_an_option(value: str, label: str, field: str) -> DomainError:
    return DomainError(
        _("“%(value)s” is not one of the options of “%(label)s”.", value=value, label=label),
        field=field,
        code="invalid_choice",
    )


def _choice(question: Question, value: str, label: str, field: str) -> Any:
    if value not in (question.options or []):
        raise _not_an_option(value, label, field)
    return value


def _yes_no(question: Question, value: str, label: str, field: str) -> Any:
    if value not in ("yes", "no"):
        raise DomainError(_("Please answer “%(label)s” with yes or no.", label=label), field=field)
    return value == "yes"


def _country(question: Question, value: str, label: str, field: str) -> Any:
    value = value.upper()
    if value not in _country_codes():
        raise DomainError(_("Please choose a country for “%(label)s”.", label=label), field=field)
    return value


def _date(question: Question, value: str, label: str, field: str) -> Any:
    try:
        if not _ISO_DATE.match(value):
            raise ValueError
        dt.date.fromisoformat(value)
    except ValueError:
        raise DomainError(
            _("Please give a date as YYYY-MM-DD for “%(label)s”.", label=label), field=field
        ) from None
    return value


def _text(question: Question, value: str, label: str, field: str) -> Any:
    limit = 300 if question.type == QuestionType.TEXT else 4000
    if len(value) > limit:
        raise DomainError(
            _("The answer to “%(label)s” is too long (maximum: %(max)d).", label=label, max=limit),
            field=field,
        )
    return value.replace("\r\n", "\n")


#: How one answer of each single-value type is checked and stored.
_SINGLE = {
    QuestionType.CHOICE: _choice,
    QuestionType.YES_NO: _yes_no,
    QuestionType.COUNTRY: _country,
    QuestionType.DATE: _date,
}


def _check_one(question: Question, raw: list[str], require: bool = True) -> Any:
    """The stored value of one answer, or a DomainError naming the question."""
    values = [v.strip() for v in raw if isinstance(v, str) and v.strip()]
    label = localized(question, "label")
    field = f"q_{question.key}"
    if not values:
        if question.required and require:
            raise DomainError(
                _("Please answer “%(label)s”.", label=label), field=field, code="answer_required"
            )
        return None
    if question.type == QuestionType.MULTIPLE_CHOICE:
        bad = [v for v in values if v not in (question.options or [])]
        if bad:
            raise _not_an_option(bad[0], label, field)
        return [o for o in question.options if o in values]
    if len(values) > 1:
        raise DomainError(_("Please give one answer to “%(label)s”.", label=label), field=field)
    return _SINGLE.get(question.type, _text)(question, values[0], label, field)


def check_answers(
    event: Event, attendance: Attendance | str | None, raw: dict[str, list[str]], *, require: bool = True
) -> tuple[dict[Question, Any], list[DomainError]]:
    """Every problem at once (for the form) and the values of the valid answers."""
    values: dict[Question, Any] = {}
    errors: list[DomainError] = []
    for question in questions_for(event, attendance):
        try:
            value = _check_one(question, raw.get(question.key, []), require)
        except DomainError as exc:
            errors.append(exc)
            continue
        if value is not None:
            values[question] = value
    return values, errors


def validate_answers(
    event: Event, attendance: Attendance | str | None, raw: dict[str, list[str]], *, require: bool = True
) -> dict[Question, Any]:
    """The answers' values, or the first problem as a DomainError (on field ``q_<key>``)."""
    values, errors = check_answers(event, attendance, raw, require=require)
    if errors:
        raise errors[0]
    return values


# --------------------------------------------------------------------------- organisers


def _clean(event: Event, fields: dict[str, Any], question: Question | None) -> dict[str, Any]:
    key = (fields.get("key") or "").strip().lower() if question is None else question.key
    if question is None:
        if not QUESTION_KEY_RE.match(key):
            raise DomainError(
                _("Use lower-case letters, digits and “_” for the key, e.g. visa_letter."), field="key"
            )
        if key in BUILT_IN_FIELDS:
            raise DomainError(
                _("“%(key)s” is a built-in registration field; choose another key.", key=key),
                field="key",
                code="key_collision",
            )
        clash = db.session.scalar(
            sa.select(Question.id).where(Question.event_id == event.id, Question.key == key)
        )
        if clash is not None:
            raise DomainError(_("Another question of this event uses this key."), field="key")
    label = (fields.get("label") or "").strip()
    if not label:
        raise DomainError(_("A question needs a label."), field="label")
    try:
        kind = QuestionType(fields.get("type") or "")
    except ValueError:
        raise DomainError(_("Choose a question type."), field="type") from None
    options = [o.strip() for o in fields.get("options") or [] if o and o.strip()]
    if kind in CHOICE_TYPES:
        if len(options) < 2:
            raise DomainError(_("A choice question needs at least two options."), field="options")
        if len(set(options)) != len(options):
            raise DomainError(_("Each option may appear only once."), field="options")
    else:
        options = []
    attendance = fields.get("attendance") or None
    if attendance is not None:
        attendance = Attendance(attendance)
    translations = fields.get("translations") or {}
    unknown = sorted(set(translations) - set(CONTENT_LANGUAGES))
    if unknown:
        raise DomainError(
            _("There is no content language “%(lang)s”; use en, fr, nl or de.", lang=", ".join(unknown))
        )
    cleaned = clean_translations(translations, QUESTION_TEXTS)
    for lang in CONTENT_LANGUAGES:
        shown = [o.strip() for o in (translations.get(lang) or {}).get("options") or [] if o and o.strip()]
        if shown and kind in CHOICE_TYPES:
            if len(shown) != len(options):
                raise DomainError(
                    _("Translate every option, one per line, in the same order (%(num)d).", num=len(options)),
                    field=f"tr_{lang}_options",
                )
            cleaned.setdefault(lang, {})["options"] = shown
    return {
        "key": key,
        "label": label[:300],
        "help_text": (fields.get("help_text") or "").strip(),
        "type": kind,
        "required": bool(fields.get("required")),
        "options": options or None,
        "attendance": attendance,
        "translations": cleaned,
    }


def create_question(event: Event, *, actor, **fields: Any) -> Question:
    values = _clean(event, fields, None)
    position = max((q.position for q in event_questions(event, archived=True)), default=-1) + 1
    question = Question(event_id=event.id, position=position, **values)
    db.session.add(question)
    db.session.flush()
    audit.record(
        "question.create", actor=actor, event_id=event.id, obj=question, changes={"key": [None, question.key]}
    )
    return question


def update_question(question: Question, *, actor, **fields: Any) -> dict:
    event = db.session.get(Event, question.event_id)
    values = _clean(event, fields, question)
    if question.type != values["type"] and has_answers(question):
        raise Conflict(
            _("This question already has answers, so its type cannot change. Archive it and add a new one."),
            field="type",
        )
    changes = audit.diff(question, values)
    for name, (_old, new) in changes.items():
        setattr(question, name, new)
    if changes:
        audit.record(
            "question.update", actor=actor, event_id=question.event_id, obj=question, changes=changes
        )
    return changes


def archive_question(question: Question, *, actor, archived: bool = True) -> Question:
    question.archived_at = utcnow() if archived else None
    audit.record(
        "question.archive" if archived else "question.restore",
        actor=actor,
        event_id=question.event_id,
        obj=question,
    )
    return question


def delete_question(question: Question, *, actor) -> None:
    if has_answers(question):
        raise Conflict(
            _(
                "“%(label)s” has answers, so it cannot be deleted. Archive it instead: it is no longer "
                "asked and its answers are kept.",
                label=question.label,
            ),
            code="question_has_answers",
        )
    audit.record(
        "question.delete",
        actor=actor,
        event_id=question.event_id,
        obj=question,
        changes={"key": [question.key, None]},
    )
    db.session.delete(question)


def move_question(question: Question, offset: int, *, actor) -> None:
    """Move one place up (-1) or down (+1) among the active questions."""
    event = db.session.get(Event, question.event_id)
    ordered = event_questions(event)
    if question not in ordered:
        return
    i = ordered.index(question)
    j = max(0, min(len(ordered) - 1, i + offset))
    ordered.insert(j, ordered.pop(i))
    for pos, q in enumerate(ordered):
        q.position = pos


def question_translation(question: Question, lang: str, name: str) -> str:
    if name == "options":
        return "\n".join(((question.translations or {}).get(lang) or {}).get("options") or [])
    return translation_of(question, lang, name)
