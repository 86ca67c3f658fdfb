"""The registrations as an Excel workbook (``.xlsx``, openpyxl).

Dates are real spreadsheet dates in the event's time zone (Excel has no time zones), and
every text cell is stored as text, never as a formula, so a name that starts with "=" or "-"
is shown as it was typed without the CSV's injection guard.
"""

from __future__ import annotations

import datetime as dt
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter

from wid_events.core.labels import label
from wid_events.events.models import Event
from wid_events.registration.models import Registration
from wid_events.registration.services.capacity import CANCELLED, waitlist_position

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _local(event: Event, moment: dt.datetime | None) -> dt.datetime | None:
    """A UTC instant as the event's wall-clock time, without tzinfo (what Excel stores)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(event.tz).replace(tzinfo=None)


def _text(cell: Cell, value: str | None) -> None:
    cell.value = value or ""
    cell.data_type = "s"  # never a formula, whatever the first character


def registrations_xlsx(event: Event, regs: list[Registration], *, include_email: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Registrations")[:31]
    columns = [
        ("name", _("Name"), 28),
        *([("email", _("Email"), 30)] if include_email else []),
        ("organisation", _("Organisation"), 28),
        ("pronouns", _("Pronouns"), 10),
        ("attendance", _("Attendance"), 12),
        ("status", _("Status"), 14),
        ("waitlist_position", _("Waitlist position"), 10),
        ("workshops", _("Workshops"), 40),
        ("access_needs", _("Access needs"), 30),
        ("dietary", _("Dietary requirements"), 20),
        ("registered_at", _("Registered (%(tz)s)", tz=event.timezone), 18),
        ("checked_in_at", _("Checked in (%(tz)s)", tz=event.timezone), 18),
        ("id", "id", 8),
    ]
    for col, (_key, title, width) in enumerate(columns, start=1):
        _text(sheet.cell(row=1, column=col), title)
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    for row, reg in enumerate(regs, start=2):
        values = _row(event, reg)
        for col, (key, _title, _width) in enumerate(columns, start=1):
            cell = sheet.cell(row=row, column=col)
            value = values[key]
            if isinstance(value, dt.datetime):
                cell.value = value
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, int):
                cell.value = value
            else:
                _text(cell, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(event: Event, reg: Registration) -> dict:
    workshops = "; ".join(
        f"{c.session.title} ({label(c.status)})" for c in reg.choices if c.status != CANCELLED
    )
    return {
        "id": reg.id,
        "name": reg.name,
        "email": reg.email,
        "organisation": reg.organisation,
        "pronouns": reg.pronouns,
        "attendance": label(reg.attendance),
        "status": label(reg.status),
        "waitlist_position": waitlist_position(reg) or "",
        "workshops": workshops,
        "access_needs": reg.access_needs,
        "dietary": reg.dietary,
        "registered_at": _local(event, reg.created_at),
        "checked_in_at": _local(event, reg.checked_in_at),
    }
