"""Speaker materials: uploaded files (with versions) and links, their visibility and review.

Plain functions over models with an explicit ``actor``; callers commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from wid_events.accounts.models import User
from wid_events.accounts.permissions import is_organiser
from wid_events.agenda.models import Session
from wid_events.audit import services as audit
from wid_events.enums import InvitationStatus, MaterialVisibility, SessionStatus, SessionType
from wid_events.errors import DomainError, NotFound
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.people.models import Person
from wid_events.speakers.models import Material, MaterialVersion
from wid_events.speakers.services.invitations import invite
from wid_events.speakers.services.profile import is_http_url
from wid_events.speakers.tokens import Actor
from wid_events.storage import get_storage
from wid_events.uploads import DOCUMENT_KINDS, validate_upload

#: Session types that normally have slides (the "missing slides" list).
SLIDE_SESSION_TYPES = {SessionType.KEYNOTE, SessionType.PANEL, SessionType.WORKSHOP, SessionType.TALK}


def max_upload_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024


def _title_from_filename(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0]
    return stem.replace("_", " ").strip()[:300] or filename


def add_file_material(
    session: Session,
    file_storage,
    *,
    title: str = "",
    visibility: MaterialVisibility | str = MaterialVisibility.PUBLIC,
    person: Person | None,
    actor: Actor,
) -> Material:
    """A new material from an uploaded file (PDF, PPTX, ODP, DOCX or ODT by content)."""
    material = Material(session=session, person=person, title="", visibility=MaterialVisibility(visibility))
    version = _store_version(material, file_storage, actor=actor)
    material.title = (title or "").strip()[:300] or _title_from_filename(version.filename)
    db.session.add(material)
    db.session.flush()
    audit.record(
        "material.add",
        actor=actor,
        event_id=session.event_id,
        obj=material,
        changes={"file": [None, version.filename], "visibility": [None, material.visibility.value]},
    )
    return material


def add_version(material: Material, file_storage, *, actor: Actor) -> MaterialVersion:
    """Re-upload: a new version; older ones are kept and the newest is served."""
    if material.is_link:
        raise DomainError(_("This material is a link; add a new material for a file."), field="file")
    version = _store_version(material, file_storage, actor=actor)
    db.session.flush()
    audit.record(
        "material.version",
        actor=actor,
        event_id=material.session.event_id,
        obj=material,
        changes={"version": [version.number - 1, version.number], "file": [None, version.filename]},
    )
    return version


def _store_version(material: Material, file_storage, *, actor: Actor) -> MaterialVersion:
    upload = validate_upload(file_storage, DOCUMENT_KINDS, max_upload_bytes(), field="file")
    try:
        key = get_storage().save(upload.stream, prefix="materials", suffix=upload.kind.extension)
    finally:
        upload.stream.close()
    number = (material.versions[-1].number + 1) if material.versions else 1
    version = MaterialVersion(
        number=number,
        storage_key=key,
        filename=upload.filename,
        kind=upload.kind.value,
        content_type=upload.kind.mimetype,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=audit.actor_label(actor),
    )
    material.versions.append(version)
    return version


def add_link_material(
    session: Session,
    url: str,
    *,
    title: str = "",
    visibility: MaterialVisibility | str = MaterialVisibility.PUBLIC,
    person: Person | None,
    actor: Actor,
) -> Material:
    url = (url or "").strip()
    if not is_http_url(url):
        raise DomainError(_("The link must start with https:// or http://."), field="url")
    title = (title or "").strip()[:300] or url.split("://", 1)[1].split("/", 1)[0]
    material = Material(
        session=session, person=person, title=title, url=url, visibility=MaterialVisibility(visibility)
    )
    db.session.add(material)
    db.session.flush()
    audit.record(
        "material.add",
        actor=actor,
        event_id=session.event_id,
        obj=material,
        changes={"url": [None, url], "visibility": [None, material.visibility.value]},
    )
    return material


def set_visibility(material: Material, visibility: MaterialVisibility | str, *, actor: Actor) -> None:
    visibility = MaterialVisibility(visibility)
    if material.visibility != visibility:
        audit.record(
            "material.visibility",
            actor=actor,
            event_id=material.session.event_id,
            obj=material,
            changes={"visibility": [material.visibility.value, visibility.value]},
        )
        material.visibility = visibility


def set_hidden(material: Material, hidden: bool, *, actor: Actor) -> None:
    """Organisers hide (or show again) any material."""
    if material.hidden == hidden:
        return
    material.hidden = hidden
    material.hidden_at = utcnow() if hidden else None
    material.hidden_by = audit.actor_label(actor) if hidden else None
    audit.record(
        "material.hide" if hidden else "material.unhide",
        actor=actor,
        event_id=material.session.event_id,
        obj=material,
        changes={"hidden": [not hidden, hidden]},
    )


def is_public(material: Material, now: dt.datetime | None = None) -> bool:
    """Whether anyone may see and download it now."""
    if material.hidden or not material.session.event.published:
        return False
    if not material.is_link and material.current is None:
        return False
    if material.visibility == MaterialVisibility.PUBLIC:
        return True
    if material.visibility == MaterialVisibility.AFTER_START:
        return (now or utcnow()) >= material.session.start_utc
    return False


def public_materials(session: Session, now: dt.datetime | None = None) -> list[Material]:
    materials = db.session.scalars(
        sa.select(Material)
        .where(Material.session_id == session.id, Material.hidden.is_(False))
        .options(selectinload(Material.versions))
        .order_by(Material.created_at, Material.id)
    )
    return [m for m in materials if is_public(m, now)]


def session_materials(session: Session) -> list[Material]:
    """Every material of a session (for its speakers and organisers)."""
    return list(
        db.session.scalars(
            sa.select(Material)
            .where(Material.session_id == session.id)
            .options(selectinload(Material.versions))
            .order_by(Material.created_at, Material.id)
        )
    )


def event_materials(event: Event) -> list[Material]:
    return list(
        db.session.scalars(
            sa.select(Material)
            .join(Session, Material.session_id == Session.id)
            .where(Session.event_id == event.id)
            .options(selectinload(Material.versions))
            .order_by(Session.start, Session.id, Material.id)
        )
    )


def is_insider(material: Material, *, user: User | None, speaker: Person | None) -> bool:
    """An organiser of the material's event or a speaker of its session (may see every version)."""
    if user is not None and is_organiser(user, material.session.event):
        return True
    return speaker is not None and any(link.person_id == speaker.id for link in material.session.speakers)


def may_download(
    material: Material, *, user: User | None, speaker: Person | None, now: dt.datetime | None = None
) -> bool:
    """Public materials for anyone; any material for the event's organisers and the session's speakers."""
    return is_public(material, now) or is_insider(material, user=user, speaker=speaker)


def get_material(material_id: int, event: Event | None = None) -> Material:
    material = db.session.get(Material, material_id)
    if material is None or (event is not None and material.session.event_id != event.id):
        raise NotFound(_("No such material."))
    return material


def get_version(material: Material, number: int | None = None) -> MaterialVersion:
    if material.is_link:
        raise NotFound(_("This material is a link, not a file."))
    if number is None:
        version = material.current
    else:
        version = next((v for v in material.versions if v.number == number), None)
    if version is None:
        raise NotFound(_("No such version."))
    return version


@dataclass
class MissingSlides:
    session: Session
    speakers: list[Person]


def sessions_missing_slides(event: Event) -> list[MissingSlides]:
    """Confirmed talks, keynotes, panels and workshops with speakers but no visible material."""
    sessions = db.session.scalars(
        sa.select(Session)
        .where(
            Session.event_id == event.id,
            Session.status == SessionStatus.CONFIRMED,
            Session.type.in_(list(SLIDE_SESSION_TYPES)),
        )
        .options(selectinload(Session.speakers))
        .order_by(Session.start, Session.id)
    )
    with_material = set(
        db.session.scalars(
            sa.select(Material.session_id)
            .join(Session, Material.session_id == Session.id)
            .where(Session.event_id == event.id, Material.hidden.is_(False))
        )
    )
    out = []
    for session in sessions:
        if session.id in with_material:
            continue
        speakers = [
            link.person for link in session.speakers if link.invitation_status != InvitationStatus.DECLINED
        ]
        if speakers:
            out.append(MissingSlides(session, speakers))
    return out


def remind_missing_slides(event: Event, *, actor: Actor) -> tuple[int, list[Person]]:
    """Email each speaker of a session without slides a reminder with a fresh link.

    Returns (emails sent, speakers skipped because they have no email address).
    """
    per_person: dict[int, tuple[Person, list[Session]]] = {}
    for item in sessions_missing_slides(event):
        for person in item.speakers:
            per_person.setdefault(person.id, (person, []))[1].append(item.session)
    sent, skipped = 0, []
    for person, sessions in per_person.values():
        if not person.email:
            skipped.append(person)
            continue
        invite(person, actor=actor, reminder_sessions=sessions)
        sent += 1
    return sent, skipped
