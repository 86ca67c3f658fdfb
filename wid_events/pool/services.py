"""The call for speakers and the speaker pool: sign-up, double opt-in, review, edit, withdraw.

Plain functions with an explicit ``actor``; they never commit (views use ``run_action``).
Mail is queued with :func:`wid_events.core.uow.queue_mail`: the builders in
:mod:`wid_events.pool.mails` mint the personal link in the job, so only its hash is stored.
Audit entries name a member by id only, so that withdrawing leaves no personal data behind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from wid_events.accounts.models import EventOrganiser, User
from wid_events.audit import services as audit
from wid_events.core.uow import after_commit, queue_mail
from wid_events.core.web import hash_token
from wid_events.enums import Gender, PoolStatus
from wid_events.errors import DomainError, NotFound
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.pool import mails
from wid_events.pool.models import PoolMember
from wid_events.pool.topics import LANGUAGES
from wid_events.storage import delete_quietly
from wid_events.uploads import store_image

#: How long a sign-up waits for its address to be confirmed; housekeeping then deletes it.
UNCONFIRMED_KEPT = dt.timedelta(days=7)

Actor = User | str | None

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PX = 800
MAX_DECISION_MESSAGE = 2000

#: What a member may set on their entry (the email address is the entry's identity).
MEMBER_FIELDS = (
    "name",
    "organisation",
    "topics",
    "languages",
    "cities",
    "online",
    "bio",
    "event_ids",
    "available_from",
    "available_until",
    "gender",
    "gender_self_description",
    "list_publicly",
)


def member_actor(member: PoolMember) -> str:
    return f"pool:{member.id}"


def _audit(action: str, member: PoolMember, *, actor: Actor, changes: dict | None = None) -> None:
    audit.record(
        action,
        actor=actor,
        object_type="pool_member",
        object_id=member.id,
        object_label=f"#{member.id}",
        changes=changes or {},
    )


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def open_events(today: dt.date | None = None) -> list[Event]:
    """Events a volunteer can say they are available for: those not over yet."""
    today = today or utcnow().date()
    return list(
        db.session.scalars(
            sa.select(Event).where(Event.end_date >= today).order_by(Event.start_date, Event.id)
        )
    )


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in values.items() if k in MEMBER_FIELDS}
    if "name" in out:
        out["name"] = " ".join((out["name"] or "").split())
        if not out["name"]:
            raise DomainError(_("Please enter your name."), field="name")
    if "languages" in out:
        out["languages"] = [code for code in LANGUAGES if code in set(out["languages"] or [])]
        if not out["languages"]:
            raise DomainError(_("Choose at least one language you speak in."), field="languages")
    if "event_ids" in out:
        allowed = {e.id for e in open_events()}
        out["event_ids"] = sorted({int(i) for i in out["event_ids"] or [] if int(i) in allowed})
    start, end = out.get("available_from"), out.get("available_until")
    if start and end and end < start:
        raise DomainError(
            _("The end of your availability must not be before its start."), field="available_until"
        )
    if "gender" in out:
        out["gender"] = Gender(out["gender"] or Gender.UNDISCLOSED)
        if out["gender"] != Gender.SELF_DESCRIBED:
            out["gender_self_description"] = None
    if "bio" in out:
        out["bio"] = (out["bio"] or "").replace("\r\n", "\n").strip()
    for key in ("organisation", "gender_self_description"):
        if key in out:
            out[key] = (out[key] or "").strip() or None
    if "cities" in out:
        out["cities"] = (out["cities"] or "").strip()
    return out


def find_by_email(email: str) -> PoolMember | None:
    email = normalise_email(email)
    return db.session.scalar(sa.select(PoolMember).where(PoolMember.email == email)) if email else None


def sign_up(email: str, values: dict[str, Any], *, locale: str) -> tuple[PoolMember, bool]:
    """A new, unconfirmed entry, and the confirmation mail (double opt-in).

    Returns ``(member, created)``. For an address that already has an entry nothing is added
    or changed: the personal link of the existing entry is mailed to that address again.
    """
    email = normalise_email(email)
    if not email:
        raise DomainError(_("Please enter your email address."), field="email")
    existing = find_by_email(email)
    if existing is not None:
        if existing.status == PoolStatus.UNCONFIRMED:
            existing.created_at = utcnow()  # a fresh link: kept UNCONFIRMED_DAYS from now
        queue_mail(mails.link_mail, existing.id, locale)
        _audit("pool.signup_again", existing, actor=None)
        return existing, False
    member = PoolMember(email=email, status=PoolStatus.UNCONFIRMED, **_clean(values))
    db.session.add(member)
    db.session.flush()
    _audit("pool.signup", member, actor=None)
    queue_mail(mails.link_mail, member.id, locale)
    return member, True


def member_by_token(raw_token: str) -> PoolMember:
    member = None
    if raw_token:
        member = db.session.scalar(
            sa.select(PoolMember).where(PoolMember.token_hash == hash_token(raw_token))
        )
    if member is None or _unconfirmed_too_long(member, utcnow()):
        raise NotFound(
            _("This link does not work (any more). If you signed up, ask for a new link on the sign-up page.")
        )
    return member


def _unconfirmed_too_long(member: PoolMember, now: dt.datetime) -> bool:
    return member.status == PoolStatus.UNCONFIRMED and member.created_at < now - UNCONFIRMED_KEPT


def purge_unconfirmed(now: dt.datetime) -> int:
    """Delete sign-ups whose address was never confirmed within :data:`UNCONFIRMED_KEPT`
    (their name, email and perhaps gender were given for a pool they never joined)."""
    members = db.session.scalars(
        sa.select(PoolMember).where(
            PoolMember.status == PoolStatus.UNCONFIRMED, PoolMember.created_at < now - UNCONFIRMED_KEPT
        )
    ).all()
    for member in members:
        if member.photo_key:
            after_commit(delete_quietly, member.photo_key)
        db.session.delete(member)
    return len(members)


def on_housekeeping(_sender, *, now: dt.datetime, **_kwargs) -> dict[str, int]:
    return {"unconfirmed speaker-pool sign-ups": purge_unconfirmed(now)}


def confirm(member: PoolMember) -> bool:
    """The member opened the link from the confirmation mail: the address is theirs.

    Returns whether this confirmed it now (False when it was confirmed before)."""
    if member.status != PoolStatus.UNCONFIRMED:
        return False
    member.status = PoolStatus.SUBMITTED
    member.confirmed_at = utcnow()
    _audit("pool.confirm", member, actor=member_actor(member))
    return True


def update(member: PoolMember, values: dict[str, Any], *, actor: Actor) -> dict[str, list]:
    """The member edits their entry. Returns the changed fields (values left out of the log)."""
    values = _clean(values)
    changes = audit.diff(member, values)
    for key, (_old, new) in changes.items():
        setattr(member, key, new)
    if changes:
        _audit("pool.update", member, actor=actor, changes={k: ["…", "…"] for k in changes})
    return changes


def set_photo(member: PoolMember, file_storage, *, actor: Actor) -> str:
    """Store a photo, checked by content, resized and without EXIF (as the speaker portal does)."""
    key = store_image(
        file_storage, prefix="pool-photos", max_bytes=PHOTO_MAX_BYTES, max_px=PHOTO_MAX_PX, field="photo"
    )
    old, member.photo_key = member.photo_key, key
    if old:
        after_commit(delete_quietly, old)
    _audit("pool.photo", member, actor=actor, changes={"photo": [bool(old), True]})
    return key


def remove_photo(member: PoolMember, *, actor: Actor) -> None:
    if member.photo_key:
        after_commit(delete_quietly, member.photo_key)
        member.photo_key = None
        _audit("pool.photo", member, actor=actor, changes={"photo": [True, False]})


def withdraw(member: PoolMember, *, actor: Actor) -> None:
    """Erase the entry: the row, its invitations' records and its photo (after the commit).

    Speaker records already made for an event the member accepted to speak at stay with that
    event (they are that event's data, edited in the speaker portal)."""
    if member.photo_key:
        after_commit(delete_quietly, member.photo_key)
    _audit("pool.withdraw", member, actor=actor)
    db.session.delete(member)


# --- organisers ------------------------------------------------------------------------------


def may_review(user: User | None) -> bool:
    """Site administrators and anyone who organises at least one event."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_admin:
        return True
    found = db.session.scalar(sa.select(EventOrganiser.id).where(EventOrganiser.user_id == user.id).limit(1))
    return found is not None


def reviewable(status: PoolStatus | None = None) -> list[PoolMember]:
    """Confirmed entries (never unconfirmed ones), newest first."""
    query = sa.select(PoolMember).where(PoolMember.status != PoolStatus.UNCONFIRMED)
    if status is not None:
        query = query.where(PoolMember.status == status)
    return list(db.session.scalars(query.order_by(PoolMember.confirmed_at.desc(), PoolMember.id.desc())))


def get_reviewable(member_id: int) -> PoolMember:
    member = db.session.get(PoolMember, member_id)
    if member is None or member.status == PoolStatus.UNCONFIRMED:
        raise NotFound(_("This entry does not exist (any more)."))
    return member


def accept(member_id: int, *, actor: Actor, locale: str) -> PoolMember:
    member = get_reviewable(member_id)
    if member.status == PoolStatus.ACCEPTED:
        return member
    _decide(member, PoolStatus.ACCEPTED, "", actor=actor)
    queue_mail(mails.decision_mail, member.id, locale)
    return member


def decline(member_id: int, message: str, *, actor: Actor, locale: str) -> PoolMember:
    member = get_reviewable(member_id)
    message = (message or "").replace("\r\n", "\n").strip()
    if not message:
        raise DomainError(_("Write a message to the person: it is sent with the decline."), field="message")
    if len(message) > MAX_DECISION_MESSAGE:
        raise DomainError(_("The message is too long (at most 2000 characters)."), field="message")
    _decide(member, PoolStatus.DECLINED, message, actor=actor)
    queue_mail(mails.decision_mail, member.id, locale)
    return member


def _decide(member: PoolMember, status: PoolStatus, message: str, *, actor: Actor) -> None:
    old = member.status
    member.status = status
    member.decision_message = message
    member.reviewed_by = audit.actor_label(actor)
    member.reviewed_at = utcnow()
    _audit("pool.review", member, actor=actor, changes={"status": [old.value, status.value]})


def public_members() -> list[PoolMember]:
    """Accepted members who chose to be listed publicly; nobody else, ever."""
    return list(
        db.session.scalars(
            sa.select(PoolMember)
            .where(PoolMember.status == PoolStatus.ACCEPTED, PoolMember.list_publicly.is_(True))
            .order_by(PoolMember.name, PoolMember.id)
        )
    )


def member_for_photo(key: str, *, organiser: bool) -> PoolMember | None:
    member = db.session.scalar(sa.select(PoolMember).where(PoolMember.photo_key == key).limit(1))
    if member is None or not (organiser or member.is_public):
        return None
    return member


def sign_up_with_photo(email: str, values: dict[str, Any], photo, *, locale: str) -> tuple[PoolMember, bool]:
    """:func:`sign_up`, with the optional photo of a new entry (one transaction)."""
    member, created = sign_up(email, values, locale=locale)
    if created and photo is not None and getattr(photo, "filename", ""):
        set_photo(member, photo, actor=None)
    return member, created
