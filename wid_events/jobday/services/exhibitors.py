"""Exhibitors: the organiser's CRUD, the exhibitor's own profile edit, and logos."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from wid_events.audit import services as audit
from wid_events.errors import DomainError, NotFound
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.jobday.models import COMMITMENTS, Exhibitor, ExhibitorKind, InterviewBooking
from wid_events.jobday.services.common import Actor, clean_url, parse_tags
from wid_events.storage import delete_quietly
from wid_events.uploads import clear_image, swap_image

LOGO_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_PX = 600

EXHIBITOR_FIELDS = (
    "name",
    "kind",
    "description",
    "website",
    "booth",
    "sectors",
    "inclusive_statement",
    *COMMITMENTS.keys(),
    "contact_name",
    "contact_email",
)
#: Fields the exhibitor edits in the portal (booth, name and contact stay with organisers).
PROFILE_FIELDS = ("description", "website", "sectors", "inclusive_statement", *COMMITMENTS.keys())


def exhibitors(event: Event) -> list[Exhibitor]:
    return list(
        db.session.scalars(
            sa.select(Exhibitor)
            .where(Exhibitor.event_id == event.id)
            .options(selectinload(Exhibitor.offers))
            .order_by(Exhibitor.name, Exhibitor.id)
        )
    )


def has_exhibitors(event: Event) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(Exhibitor.event_id == event.id))) or False


def get_exhibitor(event: Event, exhibitor_id: int) -> Exhibitor:
    exhibitor = db.session.get(Exhibitor, exhibitor_id)
    if exhibitor is None or exhibitor.event_id != event.id:
        raise NotFound(_("This exhibitor does not exist."))
    return exhibitor


def _exhibitor_values(values: dict, fields: tuple[str, ...]) -> dict:
    clean: dict = {}
    for name in fields:
        if name not in values:
            continue
        value = values[name]
        if name == "name":
            value = " ".join((value or "").split())
            if not value:
                raise DomainError(_("Please give the organisation's name."), field="name")
        elif name == "kind":
            value = ExhibitorKind(value or "employer")
        elif name == "website":
            value = clean_url(value, "website")
        elif name == "sectors":
            value = parse_tags(value, "sectors")
        elif name == "booth":
            value = (value or "").strip()[:40]
        elif name == "contact_email":
            value = (value or "").strip().lower() or None
        elif name in COMMITMENTS:
            value = bool(value)
        else:
            value = (value or "").strip()
        clean[name] = value
    return clean


def create_exhibitor(event: Event, values: dict, *, actor: Actor) -> Exhibitor:
    clean = _exhibitor_values(values, EXHIBITOR_FIELDS)
    if "name" not in clean:
        raise DomainError(_("Please give the organisation's name."), field="name")
    _check_booth_free(event, clean.get("booth", ""), None)
    exhibitor = Exhibitor(event_id=event.id, **clean)
    db.session.add(exhibitor)
    db.session.flush()
    audit.record("exhibitor.create", actor=actor, event_id=event.id, obj=exhibitor)
    return exhibitor


def _check_booth_free(event: Event, booth: str, exhibitor_id: int | None) -> None:
    if not booth:
        return
    other = db.session.scalar(
        sa.select(Exhibitor).where(
            Exhibitor.event_id == event.id,
            sa.func.lower(Exhibitor.booth) == booth.lower(),
            Exhibitor.id != (exhibitor_id or 0),
        )
    )
    if other is not None:
        raise DomainError(
            _("Booth %(booth)s is already given to %(name)s.", booth=booth, name=other.name), field="booth"
        )


def update_exhibitor(
    exhibitor: Exhibitor, values: dict, *, actor: Actor, fields: tuple[str, ...] = EXHIBITOR_FIELDS
) -> dict:
    clean = _exhibitor_values(values, fields)
    if "booth" in clean:
        _check_booth_free(exhibitor.event, clean["booth"], exhibitor.id)
    changes = audit.diff(exhibitor, clean)
    for name, value in clean.items():
        setattr(exhibitor, name, value)
    if changes:
        shown = {k: v for k, v in changes.items() if k != "contact_email"}
        if "contact_email" in changes:
            shown["contact_email"] = ["…", "…"]
        audit.record(
            "exhibitor.update", actor=actor, event_id=exhibitor.event_id, obj=exhibitor, changes=shown
        )
    return changes


def update_profile(exhibitor: Exhibitor, values: dict, *, actor: Actor) -> dict:
    """The exhibitor's own edit (portal): description, website, sectors, statement, commitments."""
    return update_exhibitor(exhibitor, values, actor=actor, fields=PROFILE_FIELDS)


def delete_exhibitor(exhibitor: Exhibitor, *, actor: Actor) -> None:
    for booking in db.session.scalars(
        sa.select(InterviewBooking).where(InterviewBooking.exhibitor_id == exhibitor.id)
    ):
        delete_quietly(booking.cv_key)
    delete_quietly(exhibitor.logo_key)
    audit.record("exhibitor.delete", actor=actor, event_id=exhibitor.event_id, obj=exhibitor)
    db.session.delete(exhibitor)


def set_logo(exhibitor: Exhibitor, file_storage, *, actor: Actor) -> str:
    """Store a new logo: JPEG/PNG/WebP checked by content, resized, metadata stripped."""
    key, had = swap_image(
        exhibitor,
        "logo_key",
        file_storage,
        prefix="logos",
        max_bytes=LOGO_MAX_BYTES,
        max_px=LOGO_MAX_PX,
        field="logo",
    )
    _audit_logo(exhibitor, actor, [had, True])
    return key


def remove_logo(exhibitor: Exhibitor, *, actor: Actor) -> None:
    if clear_image(exhibitor, "logo_key"):
        _audit_logo(exhibitor, actor, [True, False])


def _audit_logo(exhibitor: Exhibitor, actor: Actor, change: list[bool]) -> None:
    audit.record(
        "exhibitor.logo", actor=actor, event_id=exhibitor.event_id, obj=exhibitor, changes={"logo": change}
    )


def exhibitor_for_logo(key: str) -> Exhibitor | None:
    return db.session.scalar(sa.select(Exhibitor).where(Exhibitor.logo_key == key).limit(1))
