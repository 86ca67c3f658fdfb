"""The "wid-event/1" format's vocabulary and the reader that checks one JSON object.

Shared by :mod:`~wid_events.packages.package_validate` (which parses a whole package with
:class:`Reader`) and the import/export modules. See :mod:`wid_events.packages.package` for
the format's rules.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import zoneinfo
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events.core.text import is_http_url

FORMAT = "wid-event/1"

#: Longest event the importer accepts (a typo such as 2204 for 2024 would otherwise
#: create an agenda with tens of thousands of days).
MAX_EVENT_DAYS = 366

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LOCAL_DT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$")

TOP_FIELDS = ("format", "event", "rooms", "tracks", "people", "sessions")
EVENT_FIELDS = (
    "slug",
    "title",
    "description",
    "timezone",
    "start_date",
    "end_date",
    "mode",
    "venue",
    "livestream_url",
    "capacity_in_person",
    "capacity_online",
    "registration_open",
    "published",
    "balance_policy",
    # optional (contract)
    "default_language",
    "translations",
    "registration_opens",
    "registration_closes",
    "questions",
    # extensions
    "travel_info",
    "online_info",
)
VENUE_FIELDS = ("name", "address")
POLICY_FIELDS = ("min_women_per_panel", "count_moderators", "count_non_binary", "target_share_women")
ROOM_FIELDS = ("key", "name", "capacity", "translations")
TRACK_FIELDS = ("key", "name", "translations")
PERSON_FIELDS = (
    "key",
    "name",
    "email",
    "organisation",
    "pronouns",
    "gender",
    # extensions
    "job_title",
    "bio",
    "gender_self_description",
    "translations",
    "count_as_woman",
)
SESSION_FIELDS = (
    "key",
    "title",
    "type",
    "start",
    "end",
    "room",
    "track",
    "capacity",
    "requires_signup",
    "description",
    "status",
    "speakers",
    # optional (contract)
    "translations",
    # extensions
    "attendance",
)
SPEAKER_FIELDS = ("person", "role")


class _Missing:
    """Marks an optional field the package leaves out."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def local_iso(value: dt.datetime) -> str:
    return value.replace(tzinfo=None, microsecond=0).isoformat()


@functools.cache
def iana_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def show(value: Any) -> str:
    """A short JSON rendering of a bad value for messages."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("an object")
    return type(value).__name__


class Reader:
    """Reads the fields of one JSON object, collecting problems under a location label."""

    def __init__(self, problems: list[str], where: str, data: dict, allowed: tuple[str, ...]) -> None:
        self.problems = problems
        self.where = where
        self.data = data
        for name in data:
            if name not in allowed:
                self.problem(_('unknown field "%(name)s"', name=name))

    def problem(self, message: str) -> None:
        self.problems.append(f"{self.where}: {message}")

    def _get(self, name: str, required: bool) -> Any:
        if name not in self.data:
            if required:
                self.problem(_('missing required field "%(name)s"', name=name))
            return MISSING
        return self.data[name]

    def wrong(self, name: str, expected: str, value: Any) -> Any:
        self.problem(
            _(
                '"%(name)s" must be %(expected)s, not %(type)s %(value)s',
                name=name,
                expected=expected,
                type=type_name(value),
                value=show(value),
            )
        )
        return MISSING

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        nullable: bool = False,
        max_len: int | None = None,
        non_empty: bool = False,
    ) -> Any:
        value = self._get(name, required)
        if value is MISSING:
            return MISSING
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            return self.wrong(name, _("text or null") if nullable else _("text"), value)
        if non_empty and not value.strip():
            self.problem(_('"%(name)s" must not be empty', name=name))
            return MISSING
        if max_len is not None and len(value) > max_len:
            self.problem(
                ngettext(
                    '"%(name)s" is too long (%(num)d character, at most %(max)d)',
                    '"%(name)s" is too long (%(num)d characters, at most %(max)d)',
                    len(value),
                    name=name,
                    max=max_len,
                )
            )
            return MISSING
        return value

    def key(self, name: str = "key") -> Any:
        return self.text(name, required=True, max_len=100, non_empty=True)

    def boolean(self, name: str) -> Any:
        value = self._get(name, False)
        if value is MISSING:
            return MISSING
        if not isinstance(value, bool):
            return self.wrong(name, _("true or false"), value)
        return value

    def count(self, name: str, *, nullable: bool = True) -> Any:
        """A whole number >= 0 (or null when ``nullable``)."""
        value = self._get(name, False)
        if value is MISSING:
            return MISSING
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            expected = _("a whole number ≥ 0 or null") if nullable else _("a whole number ≥ 0")
            return self.wrong(name, expected, value)
        return value

    def share(self, name: str) -> Any:
        value = self._get(name, False)
        if value is MISSING:
            return MISSING
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            return self.wrong(name, _("a number between 0 and 1"), value)
        return float(value)

    def choice(self, name: str, enum_cls: type, *, required: bool = False) -> Any:
        value = self._get(name, required)
        if value is MISSING:
            return MISSING
        allowed = [m.value for m in enum_cls]
        if not isinstance(value, str) or value not in allowed:
            self.problem(
                _(
                    '"%(name)s" must be one of %(allowed)s, not %(value)s',
                    name=name,
                    allowed=", ".join(f'"{a}"' for a in allowed),
                    value=show(value),
                )
            )
            return MISSING
        return enum_cls(value)

    def date(self, name: str, *, required: bool = False) -> Any:
        value = self._get(name, required)
        if value is MISSING:
            return MISSING
        if not isinstance(value, str) or not DATE_RE.match(value):
            return self.wrong(name, _("a date as YYYY-MM-DD"), value)
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.problem(_('"%(name)s": %(value)s is not a real date', name=name, value=show(value)))
            return MISSING

    def local_datetime(self, name: str, *, required: bool = False) -> Any:
        value = self._get(name, required)
        if value is MISSING:
            return MISSING
        if not isinstance(value, str) or not LOCAL_DT_RE.match(value):
            return self.wrong(
                name, _("a local date and time as YYYY-MM-DDTHH:MM (no time-zone offset)"), value
            )
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            self.problem(_('"%(name)s": %(value)s is not a real date and time', name=name, value=show(value)))
            return MISSING

    def email(self, name: str) -> Any:
        value = self.text(name, nullable=True, max_len=254)
        if value is MISSING or value is None:
            return value
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            self.problem(
                _('"%(name)s": %(value)s is not a valid email address', name=name, value=show(value))
            )
            return MISSING
        return value

    def url(self, name: str) -> Any:
        value = self.text(name, nullable=True, max_len=1000)
        if value is MISSING or value is None:
            return value
        if not is_http_url(value):
            self.problem(_('"%(name)s": %(value)s is not an http(s) URL', name=name, value=show(value)))
            return MISSING
        return value


def label(kind: str, index: int, item: Any, name_field: str) -> str:
    if isinstance(item, dict):
        name = item.get(name_field)
        if isinstance(name, str) and name.strip():
            shown = name if len(name) <= 50 else name[:47] + "…"
            return f'{kind}[{index}] ("{shown}")'
        key = item.get("key")
        if isinstance(key, str) and key:
            return f"{kind}[{index}] (key {show(key)})"
    return f"{kind}[{index}]"


def items(problems: list[str], data: dict, name: str) -> list[tuple[int, dict]]:
    """The objects of a top-level list, reporting a non-list or non-object entries."""
    value = data.get(name, [])
    if not isinstance(value, list):
        problems.append(_('"%(name)s" must be a list, not %(type)s', name=name, type=type_name(value)))
        return []
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            problems.append(
                _("%(where)s must be an object, not %(type)s", where=f"{name}[{i}]", type=type_name(item))
            )
        else:
            out.append((i, item))
    return out


def unique_keys(problems: list[str], kind: str, parsed: list[dict]) -> dict[str, dict]:
    """Map key -> parsed item, reporting duplicates (the first occurrence wins)."""
    seen: dict[str, dict] = {}
    for item in parsed:
        key = item["key"]
        if key is MISSING:
            continue
        if key in seen:
            problems.append(
                _(
                    '%(where)s: duplicate key "%(key)s" (already used by %(kind)s[%(first)d])',
                    where=item["_where"],
                    key=key,
                    kind=kind,
                    first=seen[key]["_index"],
                )
            )
        else:
            seen[key] = item
    return seen
