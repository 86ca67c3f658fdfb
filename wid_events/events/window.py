"""The registration window: ``registration_opens``/``registration_closes`` are wall-clock
times in the event's time zone (like session times), so "opens at 10:00" stays 10:00
whatever the DST rules do. The time comes from :func:`wid_events.core.clock.now`, which
tests freeze.
"""

from __future__ import annotations

import datetime as dt
import enum

from babel.dates import format_date, format_skeleton, get_timezone_location
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from wid_events.core import clock
from wid_events.events.models import Event


class WindowState(enum.StrEnum):
    OPEN = "open"
    NOT_YET = "not_yet"
    CLOSED = "closed"


def local_now(event: Event, now: dt.datetime | None = None) -> dt.datetime:
    """Now as a naive wall-clock time in the event's zone."""
    return (now or clock.now()).astimezone(event.tz).replace(tzinfo=None)


def window_state(event: Event, now: dt.datetime | None = None) -> WindowState:
    here = local_now(event, now)
    if event.registration_opens is not None and here < event.registration_opens:
        return WindowState.NOT_YET
    if event.registration_closes is not None and here >= event.registration_closes:
        return WindowState.CLOSED
    return WindowState.OPEN


def _locale() -> str:
    return str(get_locale() or "en")


def format_day(value: dt.datetime) -> str:
    """ "3 March" (day and month, in the current language)."""
    locale = _locale()
    if locale.startswith("en"):
        return format_date(value, "d MMMM", locale=locale)  # "3 March", as in Europe
    return format_skeleton("MMMMd", value, locale=locale)


def city_of(event: Event) -> str:
    """ "Brussels" for Europe/Brussels, localised ("Bruxelles", "Brüssel")."""
    try:
        return get_timezone_location(event.tz, locale=_locale(), return_city=True)
    except (LookupError, ValueError):
        return event.timezone.rsplit("/", 1)[-1].replace("_", " ")


def _moment(event: Event, value: dt.datetime) -> dict[str, str]:
    """The date, 24-hour time and city that every window message names."""
    return {"date": format_day(value), "time": value.strftime("%H:%M"), "city": city_of(event)}


def opens_message(event: Event) -> str:
    return _(
        "Registration opens on %(date)s at %(time)s (%(city)s time).",
        **_moment(event, event.registration_opens),
    )


def closed_message(event: Event) -> str:
    return _(
        "Registration closed on %(date)s at %(time)s (%(city)s time).",
        **_moment(event, event.registration_closes),
    )


def closes_message(event: Event) -> str:
    return _(
        "Registration closes on %(date)s at %(time)s (%(city)s time).",
        **_moment(event, event.registration_closes),
    )


def duration_text(delta: dt.timedelta) -> str:
    """ "2 days and 3 hours", "5 hours and 10 minutes", "4 minutes" (two units at most)."""
    minutes = max(1, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(num)d day", "%(num)d days", days))
        if hours:
            parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    elif hours:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
        if mins:
            parts.append(ngettext("%(num)d minute", "%(num)d minutes", mins))
    else:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", mins))
    if len(parts) == 1:
        return parts[0]
    return _("%(first)s and %(second)s", first=parts[0], second=parts[1])


def countdown(event: Event, now: dt.datetime | None = None) -> str | None:
    """A text countdown to the next change of the window (no JavaScript), or None."""
    here = local_now(event, now)
    state = window_state(event, now)
    if state == WindowState.NOT_YET:
        return _(
            "Registration opens in %(duration)s.", duration=duration_text(event.registration_opens - here)
        )
    if state == WindowState.OPEN and event.registration_closes is not None:
        return _(
            "Registration closes in %(duration)s.", duration=duration_text(event.registration_closes - here)
        )
    return None


def window_reason(event: Event, now: dt.datetime | None = None) -> str | None:
    """Why the window keeps the form closed right now, or None."""
    state = window_state(event, now)
    if state == WindowState.NOT_YET:
        return opens_message(event)
    if state == WindowState.CLOSED:
        return closed_message(event)
    return None
