"""The speaker portal: personal links, profiles, availability, materials and their review.

Plain functions over models with an explicit ``actor``; callers commit. The portal acts as
``speaker:<person id>``, organisers as their User, the command line as ``"cli"``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from wid_events.accounts.models import User
from wid_events.agenda.models import Session, SessionSpeaker
from wid_events.audit import services as audit
from wid_events.core.text import safe_url
from wid_events.core.web import hash_token
from wid_events.enums import InvitationStatus, MaterialVisibility, SessionStatus, SessionType
from wid_events.errors import DomainError, NotFound, PermissionDenied
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.mail import Mail, send_mail
from wid_events.models_base import utcnow
from wid_events.speakers.models import Material, MaterialVersion, Person, SpeakerToken, Unavailability
from wid_events.storage import delete_quietly, get_storage
from wid_events.uploads import DOCUMENT_KINDS, store_image, validate_upload

Actor = User | str | None

#: Session types that normally have slides (the "missing slides" list).
SLIDE_SESSION_TYPES = {SessionType.KEYNOTE, SessionType.PANEL, SessionType.WORKSHOP, SessionType.TALK}
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PX = 800
MAX_LINKS = 5


def speaker_actor(person: Person) -> str:
    return f"speaker:{person.id}"


# --- invitations and personal links ---------------------------------------------------------


def find_person_by_email(event: Event, email: str) -> Person:
    email = (email or "").strip().lower()
    person = db.session.scalar(
        sa.select(Person)
        .where(Person.event_id == event.id, sa.func.lower(Person.email) == email)
        .order_by(Person.id)
        .limit(1)
    )
    if person is None or not email:
        raise NotFound(_("No speaker of this event has the email address %(email)s.", email=email))
    return person


def issue_token(person: Person, *, actor: Actor) -> tuple[SpeakerToken, str]:
    """A new personal link for ``person``; earlier links stop working. Returns (row, token)."""
    now = utcnow()
    for old in db.session.scalars(
        sa.select(SpeakerToken).where(SpeakerToken.person_id == person.id, SpeakerToken.revoked_at.is_(None))
    ):
        old.revoked_at = now
    raw = secrets.token_urlsafe(32)  # 256 bits
    days = current_app.config.get("SPEAKER_TOKEN_DAYS", 60)
    token = SpeakerToken(
        person_id=person.id,
        token_hash=hash_token(raw),
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
        issued_by=audit.actor_label(actor),
    )
    db.session.add(token)
    return token, raw


def portal_url(raw_token: str) -> str:
    """The absolute portal link (needs a request context, or ``SERVER_NAME``)."""
    return url_for("speakers_portal.open_link", token=raw_token, _external=True)


def invite(person: Person, *, actor: Actor, reminder_sessions: list[Session] | None = None) -> str:
    """Email ``person`` a new personal portal link (revoking older ones). Returns the link.

    With ``reminder_sessions``, the email is the "please upload your slides" reminder.
    """
    if not person.email:
        raise DomainError(
            _("%(name)s has no email address, so no link can be sent.", name=person.name), code="no_email"
        )
    token, raw = issue_token(person, actor=actor)
    db.session.flush()
    link = portal_url(raw)
    event = person.event
    context = {
        "person": person,
        "event": event,
        "link": link,
        "expires_at": token.expires_at,
        "sessions": [link_.session for link_ in person.session_links if not link_.session.is_cancelled],
        "reminder_sessions": reminder_sessions or [],
        "max_mb": current_app.config["MAX_UPLOAD_MB"],
    }
    if reminder_sessions:
        subject = _("Reminder: please upload your slides for %(event)s", event=event.title)
        body = render_template("email/speaker_reminder.txt", **context)
        action = "speaker.reminder"
    else:
        subject = _("Your speaker page for %(event)s", event=event.title)
        body = render_template("email/speaker_invitation.txt", **context)
        action = "speaker.invite"
    send_mail(Mail(to=person.email, subject=subject, body=body))
    audit.record(
        action, actor=actor, event_id=person.event_id, obj=person, changes={"token_id": [None, token.id]}
    )
    return link


def invite_uninvited(event: Event, *, actor: Actor) -> tuple[list[Person], list[Person]]:
    """Invite every person of ``event`` on a session who was never sent a link.

    Returns (invited, skipped for lack of an email address).
    """
    invited, skipped = [], []
    for person in event.people:
        if not person.session_links or link_status(person) is not None:
            continue
        if not person.email:
            skipped.append(person)
            continue
        invite(person, actor=actor)
        invited.append(person)
    return invited, skipped


def revoke_links(person: Person, *, actor: Actor) -> int:
    """Revoke every active link of ``person``. Returns how many were active."""
    now = utcnow()
    tokens = list(
        db.session.scalars(
            sa.select(SpeakerToken).where(
                SpeakerToken.person_id == person.id, SpeakerToken.revoked_at.is_(None)
            )
        )
    )
    for token in tokens:
        token.revoked_at = now
    if tokens:
        audit.record(
            "speaker.revoke",
            actor=actor,
            event_id=person.event_id,
            obj=person,
            changes={"revoked": [None, len(tokens)]},
        )
    return len(tokens)


class LinkExpired(PermissionDenied):
    code = "link_expired"


class LinkRevoked(PermissionDenied):
    code = "link_revoked"


def open_link(raw_token: str) -> SpeakerToken:
    """The token row for a personal link, or NotFound / LinkExpired / LinkRevoked."""
    token = db.session.scalar(sa.select(SpeakerToken).where(SpeakerToken.token_hash == hash_token(raw_token)))
    if token is None:
        raise NotFound(_("This link is not valid."), code="link_unknown")
    if token.revoked_at is not None:
        raise LinkRevoked(_("This link has been replaced or withdrawn."))
    if token.expires_at <= utcnow():
        raise LinkExpired(_("This link has expired."))
    token.last_used_at = utcnow()
    return token


def speaker_from_session(person_id: int | None, token_id: int | None) -> Person | None:
    """The signed-in speaker, if the link they used is still valid (revocation is immediate)."""
    if not person_id or not token_id:
        return None
    token = db.session.get(SpeakerToken, token_id)
    if token is None or token.person_id != person_id or not token.is_valid():
        return None
    return token.person


def link_status(person: Person) -> SpeakerToken | None:
    """The newest link of ``person`` (for the organiser's list), or None if never invited."""
    return db.session.scalar(
        sa.select(SpeakerToken)
        .where(SpeakerToken.person_id == person.id)
        .order_by(SpeakerToken.created_at.desc(), SpeakerToken.id.desc())
        .limit(1)
    )


def answer_invitation(person: Person, session_id: int, accept: bool) -> SessionSpeaker:
    link = db.session.scalar(
        sa.select(SessionSpeaker).where(
            SessionSpeaker.session_id == session_id, SessionSpeaker.person_id == person.id
        )
    )
    if link is None:
        raise PermissionDenied(_("You are not a speaker of this session."))
    new = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    if link.invitation_status != new:
        audit.record(
            "speaker.answer",
            actor=speaker_actor(person),
            event_id=person.event_id,
            obj=link.session,
            changes={"invitation_status": [link.invitation_status.value, new.value]},
        )
        link.invitation_status = new
        link.answered_at = utcnow()
    return link


def own_sessions(person: Person) -> list[SessionSpeaker]:
    return sorted(person.session_links, key=lambda ss: (ss.session.start, ss.session.id))


def require_own_session(person: Person, session_id: int) -> Session:
    session = db.session.get(Session, session_id)
    if session is None or session.event_id != person.event_id:
        raise NotFound(_("No such session."))
    if not any(link.person_id == person.id for link in session.speakers):
        raise PermissionDenied(_("You can only manage materials of your own sessions."))
    return session


# --- profile --------------------------------------------------------------------------------


def is_http_url(url: str, max_length: int = 1000) -> bool:
    """An absolute http(s) URL with a host, without spaces or control characters."""
    from urllib.parse import urlsplit

    if not url or len(url) > max_length or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and safe_url(url) == url


def clean_links(links: list[dict]) -> list[dict]:
    """Keep complete rows; refuse any URL that is not http(s)."""
    out = []
    for row in links:
        label = (row.get("label") or "").strip()
        url = (row.get("url") or "").strip()
        if not label and not url:
            continue
        if not is_http_url(url, 500):
            raise DomainError(
                _("Links must start with https:// or http:// (%(url)s).", url=url[:80]), field="links"
            )
        out.append({"label": (label or url)[:100], "url": url})
    if len(out) > MAX_LINKS:
        raise DomainError(
            ngettext("At most %(num)d link.", "At most %(num)d links.", MAX_LINKS), field="links"
        )
    return out


PROFILE_FIELDS = ("name", "organisation", "job_title", "bio", "pronouns", "links")


def update_profile(person: Person, values: dict, *, actor: Actor) -> dict:
    """Update the public profile fields; returns the audit diff."""
    data = {
        "name": (values.get("name") or "").strip(),
        "organisation": (values.get("organisation") or "").strip() or None,
        "job_title": (values.get("job_title") or "").strip() or None,
        "bio": (values.get("bio") or "").strip(),
        "pronouns": (values.get("pronouns") or "").strip() or None,
        "links": clean_links(values.get("links") or []),
    }
    if not data["name"]:
        raise DomainError(_("Please enter your name."), field="name")
    if len(data["bio"]) > 5000:
        raise DomainError(_("The bio is limited to 5000 characters."), field="bio")
    changes = audit.diff(person, data)
    for key, value in data.items():
        setattr(person, key, value)
    if changes:
        audit.record(
            "person.profile",
            actor=actor,
            event_id=person.event_id,
            obj=person,
            changes={k: v for k, v in changes.items() if k != "bio"}
            | ({"bio": ["…", "…"]} if "bio" in changes else {}),
        )
    return changes


def set_photo(person: Person, file_storage, *, actor: Actor) -> str:
    """Store a new profile photo (checked by content, resized, EXIF stripped)."""
    key = store_image(
        file_storage, prefix="photos", max_bytes=PHOTO_MAX_BYTES, max_px=PHOTO_MAX_PX, field="photo"
    )
    old = person.photo_key
    person.photo_key = key
    delete_quietly(old)
    audit.record(
        "person.photo",
        actor=actor,
        event_id=person.event_id,
        obj=person,
        changes={"photo": [bool(old), True]},
    )
    return key


def remove_photo(person: Person, *, actor: Actor) -> None:
    if person.photo_key:
        delete_quietly(person.photo_key)
        person.photo_key = None
        audit.record(
            "person.photo",
            actor=actor,
            event_id=person.event_id,
            obj=person,
            changes={"photo": [True, False]},
        )


def person_for_photo(key: str) -> Person | None:
    return db.session.scalar(sa.select(Person).where(Person.photo_key == key).limit(1))


# --- availability ---------------------------------------------------------------------------


def add_unavailability(
    person: Person, start: dt.datetime, end: dt.datetime, note: str = "", *, actor: Actor
) -> Unavailability:
    """A period (event-local wall-clock times) when ``person`` cannot speak."""
    event = person.event
    first = dt.datetime.combine(event.start_date, dt.time.min)
    last = dt.datetime.combine(event.end_date + dt.timedelta(days=1), dt.time.min)
    start = start.replace(tzinfo=None, second=0, microsecond=0)
    end = end.replace(tzinfo=None, second=0, microsecond=0)
    if end <= start:
        raise DomainError(_("The end must be after the start."), field="end")
    if start < first or end > last:
        raise DomainError(
            _(
                "The period must be within the event (%(first)s to %(last)s).",
                first=event.start_date.isoformat(),
                last=event.end_date.isoformat(),
            ),
            field="start",
        )
    for other in person.unavailability:
        if other.start == start and other.end == end:
            raise DomainError(_("You already entered this period."), field="start")
    item = Unavailability(person=person, start=start, end=end, note=(note or "").strip()[:300])
    db.session.add(item)
    audit.record(
        "person.unavailability",
        actor=actor,
        event_id=person.event_id,
        obj=person,
        changes={"added": [None, f"{start.isoformat()}/{end.isoformat()}"]},
    )
    return item


def remove_unavailability(person: Person, item_id: int, *, actor: Actor) -> None:
    item = db.session.get(Unavailability, item_id)
    if item is None or item.person_id != person.id:
        raise NotFound(_("No such period."))
    audit.record(
        "person.unavailability",
        actor=actor,
        event_id=person.event_id,
        obj=person,
        changes={"removed": [f"{item.start.isoformat()}/{item.end.isoformat()}", None]},
    )
    person.unavailability.remove(item)
    db.session.delete(item)


# --- materials ------------------------------------------------------------------------------


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


def may_download(
    material: Material, *, user: User | None, speaker: Person | None, now: dt.datetime | None = None
) -> bool:
    """Public materials for anyone; any material for the event's organisers and the session's speakers."""
    from wid_events.accounts.permissions import is_organiser

    if is_public(material, now):
        return True
    if user is not None and is_organiser(user, material.session.event):
        return True
    return speaker is not None and any(link.person_id == speaker.id for link in material.session.speakers)


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
