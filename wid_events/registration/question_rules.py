"""The rules every custom registration question follows, shared by the organiser services and
the event package: a key's shape, the registration fields a key may not shadow, the choice
types (which carry options)."""

from __future__ import annotations

import re

from wid_events.enums import QuestionType

QUESTION_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
#: Registration fields (form, CSV, API) a question key may not shadow.
BUILT_IN_FIELDS = frozenset(
    {
        "id",
        "name",
        "email",
        "attendance",
        "organisation",
        "pronouns",
        "sessions",
        "access_needs",
        "dietary",
        "consent",
        "csrf_token",
        "website",
        "form_key",
        "status",
        "checked_in",
        "answers",
        "locale",
        "created_at",
    }
)
CHOICE_TYPES = (QuestionType.CHOICE, QuestionType.MULTIPLE_CHOICE)
