"""Job Day services: exhibitors, portal links, offers, interview slots and bookings, CVs.

Plain functions with an explicit ``actor`` (a User, ``"exhibitor:<id>"``, ``"attendee"``,
``"cli"``…); they never commit (callers do) and raise domain errors.

Capacity guarantee for interview slots
--------------------------------------
:func:`book_interview` runs in :func:`wid_events.core.database.write_transaction` and locks,
in this order, the attendee's registration row and then the slot row with
:func:`wid_events.core.database.lock_for_update` (PostgreSQL ``FOR UPDATE``; SQLite's
``BEGIN IMMEDIATE`` takes the database write lock). Only then are the slot's bookings and the
attendee's bookings counted. Two attendees racing for the last seat of a slot queue on the
slot row; one attendee racing themselves (two tabs) queues on the registration row. The
fixed lock order (registration, then slot) avoids deadlocks. A unique constraint
(registration, active slot) backs up the "no double booking" rule.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from wid_events.accounts.models import User
from wid_events.audit import services as audit
from wid_events.core.database import lock_for_update, write_transaction
from wid_events.core.text import safe_url
from wid_events.core.web import hash_token
from wid_events.enums import RegistrationStatus
from wid_events.errors import Conflict, DomainError, NotFound, PermissionDenied
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.jobday.models import (
    COMMITMENTS,
    BookingStatus,
    ContractType,
    Exhibitor,
    ExhibitorKind,
    ExhibitorToken,
    InterviewBooking,
    InterviewSlot,
    InterviewSlotBlock,
    JobDaySettings,
    JobLevel,
    JobOffer,
    RemoteOption,
)
from wid_events.mail import Mail, send_mail
from wid_events.models_base import utcnow
from wid_events.registration import services as registration_services
from wid_events.registration.models import Registration
from wid_events.storage import delete_quietly, get_storage
from wid_events.uploads import Kind, store_image, validate_upload

Actor = User | str | None

DEFAULT_MAX_BOOKINGS = 5
DEFAULT_SLOT_MINUTES = 20
LOGO_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_PX = 600
FLOOR_PLAN_MAX_BYTES = 15 * 1024 * 1024
FLOOR_PLAN_MAX_PX = 2400
CV_MAX_BYTES = 10 * 1024 * 1024
MAX_TAGS = 15
#: Longest interview block an exhibitor can define at once, and the slot lengths allowed.
MAX_BLOCK_HOURS = 14
SLOT_MINUTES_RANGE = (5, 120)
MAX_RECRUITERS = 50

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
OFFER_FIELDS = (
    "title",
    "contract",
    "location",
    "remote",
    "level",
    "languages",
    "skills",
    "description",
    "apply_url",
    "published",
)


def exhibitor_actor(exhibitor: Exhibitor) -> str:
    return f"exhibitor:{exhibitor.id}"


# --------------------------------------------------------------------------- small helpers


def parse_tags(value: str | list | None) -> list[str]:
    """``"Python, SQL ,python"`` → ``["Python", "SQL"]`` (trimmed, case-insensitively unique)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).replace(";", ",").split(",")
    seen: set[str] = set()
    tags: list[str] = []
    for item in items:
        tag = " ".join(str(item).split())[:60]
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise DomainError(
            ngettext("Please give at most %(num)d tag.", "Please give at most %(num)d tags.", MAX_TAGS),
            code="too_many_tags",
        )
    return tags


def _clean_url(url: str | None, field_name: str) -> str | None:
    url = (url or "").strip()
    if not url:
        return None
    if len(url) > 1000 or safe_url(url) != url or not url.lower().startswith(("http://", "https://")):
        raise DomainError(_("Please give a full web address starting with https://."), field=field_name)
    return url


def fold(text: str | None) -> str:
    """Case- and accent-insensitive form of ``text`` for search."""
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def settings_for(event: Event, *, create: bool = False) -> JobDaySettings | None:
    settings = db.session.get(JobDaySettings, event.id)
    if settings is None and create:
        settings = JobDaySettings(event_id=event.id)
        db.session.add(settings)
    return settings


def max_bookings(event: Event) -> int:
    settings = settings_for(event)
    if settings is not None and settings.max_bookings is not None:
        return settings.max_bookings
    return int(current_app.config.get("JOBDAY_MAX_BOOKINGS", DEFAULT_MAX_BOOKINGS))


# --------------------------------------------------------------------------- exhibitors


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
            value = _clean_url(value, "website")
        elif name == "sectors":
            value = parse_tags(value)
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
    key = store_image(
        file_storage, prefix="logos", max_bytes=LOGO_MAX_BYTES, max_px=LOGO_MAX_PX, field="logo"
    )
    old = exhibitor.logo_key
    exhibitor.logo_key = key
    delete_quietly(old)
    audit.record(
        "exhibitor.logo",
        actor=actor,
        event_id=exhibitor.event_id,
        obj=exhibitor,
        changes={"logo": [bool(old), True]},
    )
    return key


def remove_logo(exhibitor: Exhibitor, *, actor: Actor) -> None:
    if exhibitor.logo_key:
        delete_quietly(exhibitor.logo_key)
        exhibitor.logo_key = None
        audit.record(
            "exhibitor.logo",
            actor=actor,
            event_id=exhibitor.event_id,
            obj=exhibitor,
            changes={"logo": [True, False]},
        )


def exhibitor_for_logo(key: str) -> Exhibitor | None:
    return db.session.scalar(sa.select(Exhibitor).where(Exhibitor.logo_key == key).limit(1))


# --------------------------------------------------------------------------- portal links


def issue_token(exhibitor: Exhibitor, *, actor: Actor) -> tuple[ExhibitorToken, str]:
    """A new portal link (256 random bits); earlier links stop working. Returns (row, token)."""
    now = utcnow()
    for old in db.session.scalars(
        sa.select(ExhibitorToken).where(
            ExhibitorToken.exhibitor_id == exhibitor.id, ExhibitorToken.revoked_at.is_(None)
        )
    ):
        old.revoked_at = now
    raw = secrets.token_urlsafe(32)
    days = int(current_app.config.get("EXHIBITOR_TOKEN_DAYS", 90))
    token = ExhibitorToken(
        exhibitor_id=exhibitor.id,
        token_hash=hash_token(raw),
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
        issued_by=audit.actor_label(actor),
    )
    db.session.add(token)
    db.session.flush()
    return token, raw


def portal_url(raw_token: str) -> str:
    return url_for("jobday_portal.open_link", token=raw_token, _external=True)


def invite(exhibitor: Exhibitor, *, actor: Actor) -> str:
    """Email the contact person a new portal link (older links are revoked). Returns the link."""
    if not exhibitor.contact_email:
        raise DomainError(
            _("%(name)s has no contact email address, so no link can be sent.", name=exhibitor.name),
            code="no_email",
        )
    token, raw = issue_token(exhibitor, actor=actor)
    link = portal_url(raw)
    body = render_template(
        "jobday/email/invitation.txt", exhibitor=exhibitor, event=exhibitor.event, link=link, token=token
    )
    send_mail(
        Mail(
            to=exhibitor.contact_email,
            subject=_("Your exhibitor page for %(event)s", event=exhibitor.event.title),
            body=body,
        )
    )
    audit.record(
        "exhibitor.invite",
        actor=actor,
        event_id=exhibitor.event_id,
        obj=exhibitor,
        changes={"token_id": [None, token.id]},
    )
    return link


def revoke_links(exhibitor: Exhibitor, *, actor: Actor) -> int:
    now = utcnow()
    tokens = list(
        db.session.scalars(
            sa.select(ExhibitorToken).where(
                ExhibitorToken.exhibitor_id == exhibitor.id, ExhibitorToken.revoked_at.is_(None)
            )
        )
    )
    for token in tokens:
        token.revoked_at = now
    if tokens:
        audit.record(
            "exhibitor.revoke",
            actor=actor,
            event_id=exhibitor.event_id,
            obj=exhibitor,
            changes={"revoked": [None, len(tokens)]},
        )
    return len(tokens)


def link_status(exhibitor: Exhibitor) -> ExhibitorToken | None:
    return db.session.scalar(
        sa.select(ExhibitorToken)
        .where(ExhibitorToken.exhibitor_id == exhibitor.id)
        .order_by(ExhibitorToken.created_at.desc(), ExhibitorToken.id.desc())
        .limit(1)
    )


class LinkExpired(PermissionDenied):
    code = "link_expired"


class LinkRevoked(PermissionDenied):
    code = "link_revoked"


def open_link(raw_token: str) -> ExhibitorToken:
    """The token row of a portal link, or NotFound / LinkExpired / LinkRevoked."""
    token = db.session.scalar(
        sa.select(ExhibitorToken).where(ExhibitorToken.token_hash == hash_token(raw_token))
    )
    if token is None:
        raise NotFound(_("This link is not valid."), code="link_unknown")
    if token.revoked_at is not None:
        raise LinkRevoked(_("This link has been replaced or withdrawn."))
    if token.expires_at <= utcnow():
        raise LinkExpired(_("This link has expired."))
    token.last_used_at = utcnow()
    return token


def exhibitor_from_session(exhibitor_id: int | None, token_id: int | None) -> Exhibitor | None:
    """The exhibitor signed in through a portal link, while that link stays valid."""
    if not exhibitor_id or not token_id:
        return None
    token = db.session.get(ExhibitorToken, token_id)
    if token is None or token.exhibitor_id != exhibitor_id or not token.is_valid():
        return None
    return token.exhibitor


# --------------------------------------------------------------------------- offers


def _offer_values(values: dict) -> dict:
    clean: dict = {}
    for name in OFFER_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "title":
            value = " ".join((value or "").split())[:200]
            if not value:
                raise DomainError(_("Please give the job title."), field="title")
        elif name == "contract":
            value = ContractType(value or "permanent")
        elif name == "remote":
            value = RemoteOption(value or "on_site")
        elif name == "level":
            value = JobLevel(value or "any")
        elif name in ("languages", "skills"):
            try:
                value = parse_tags(value)
            except DomainError as exc:
                raise DomainError(exc.message, field=name) from exc
        elif name == "apply_url":
            value = _clean_url(value, "apply_url")
        elif name == "published":
            value = bool(value)
        elif name == "description":
            value = (value or "").strip()
            if len(value) > 3000:
                raise DomainError(
                    _("Please keep the description under 3,000 characters."), field="description"
                )
        else:
            value = (value or "").strip()[:200]
        clean[name] = value
    return clean


def create_offer(exhibitor: Exhibitor, values: dict, *, actor: Actor) -> JobOffer:
    clean = _offer_values(values)
    if "title" not in clean:
        raise DomainError(_("Please give the job title."), field="title")
    offer = JobOffer(exhibitor=exhibitor, event_id=exhibitor.event_id, **clean)
    db.session.add(offer)
    db.session.flush()
    audit.record("offer.create", actor=actor, event_id=exhibitor.event_id, obj=offer)
    return offer


def update_offer(offer: JobOffer, values: dict, *, actor: Actor) -> dict:
    clean = _offer_values(values)
    changes = audit.diff(offer, clean)
    for name, value in clean.items():
        setattr(offer, name, value)
    if changes:
        audit.record("offer.update", actor=actor, event_id=offer.event_id, obj=offer, changes=changes)
    return changes


def delete_offer(offer: JobOffer, *, actor: Actor) -> None:
    audit.record("offer.delete", actor=actor, event_id=offer.event_id, obj=offer)
    db.session.delete(offer)


def own_offer(exhibitor: Exhibitor, offer_id: int) -> JobOffer:
    """The exhibitor's own offer; another exhibitor's offer is refused (403)."""
    offer = db.session.get(JobOffer, offer_id)
    if offer is None:
        raise NotFound(_("This job offer does not exist."))
    if offer.exhibitor_id != exhibitor.id:
        raise PermissionDenied(_("This job offer belongs to another exhibitor."))
    return offer


@dataclass
class JobFilters:
    q: str = ""
    sector: str = ""
    contract: str = ""
    language: str = ""
    remote: str = ""
    skill: str = ""
    level: str = ""
    exhibitor: int | None = None

    @classmethod
    def from_args(cls, args) -> JobFilters:
        def text(name: str) -> str:
            return " ".join((args.get(name) or "").split())[:200]

        exhibitor = args.get("exhibitor") or ""
        return cls(
            q=text("q"),
            sector=text("sector"),
            contract=text("contract") if text("contract") in ContractType._value2member_map_ else "",
            language=text("language"),
            remote=text("remote") if text("remote") in RemoteOption._value2member_map_ else "",
            skill=text("skill"),
            level=text("level") if text("level") in JobLevel._value2member_map_ else "",
            exhibitor=int(exhibitor) if exhibitor.isdigit() else None,
        )

    @property
    def active(self) -> bool:
        return any((self.q, self.sector, self.contract, self.language, self.remote, self.skill, self.level))


def _tag_match(tags: list, wanted: str) -> bool:
    wanted = fold(wanted)
    return any(fold(t) == wanted for t in tags or [])


def search_offers(event: Event, filters: JobFilters | None = None) -> list[JobOffer]:
    """Published offers of the event matching every filter; ``q`` matches all its words
    (accent- and case-insensitively) in the title, description, skills, languages, location
    or the exhibitor's name and sectors. Portable: the same on SQLite and PostgreSQL."""
    filters = filters or JobFilters()
    stmt = (
        sa.select(JobOffer)
        .join(Exhibitor, Exhibitor.id == JobOffer.exhibitor_id)
        .where(JobOffer.event_id == event.id, JobOffer.published.is_(True))
        .options(selectinload(JobOffer.exhibitor))
        .order_by(JobOffer.title, Exhibitor.name, JobOffer.id)
    )
    if filters.contract:
        stmt = stmt.where(JobOffer.contract == ContractType(filters.contract))
    if filters.remote:
        stmt = stmt.where(JobOffer.remote == RemoteOption(filters.remote))
    if filters.level:
        stmt = stmt.where(JobOffer.level == JobLevel(filters.level))
    if filters.exhibitor:
        stmt = stmt.where(JobOffer.exhibitor_id == filters.exhibitor)
    offers = list(db.session.scalars(stmt))
    if filters.sector:
        offers = [o for o in offers if _tag_match(o.exhibitor.sectors, filters.sector)]
    if filters.language:
        offers = [o for o in offers if _tag_match(o.languages, filters.language)]
    if filters.skill:
        offers = [o for o in offers if _tag_match(o.skills, filters.skill)]
    words = fold(filters.q).split()
    if words:

        def haystack(o: JobOffer) -> str:
            parts = [o.title, o.description, o.location, o.exhibitor.name, *o.skills, *o.languages]
            parts += list(o.exhibitor.sectors or [])
            return fold(" ".join(p or "" for p in parts))

        offers = [o for o in offers if all(w in haystack(o) for w in words)]
    return offers


@dataclass
class FilterChoices:
    sectors: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    contracts: list[ContractType] = field(default_factory=list)
    remotes: list[RemoteOption] = field(default_factory=list)
    levels: list[JobLevel] = field(default_factory=list)


def filter_choices(event: Event) -> FilterChoices:
    """The values present among the event's published offers, for the filter drop-downs."""
    offers = search_offers(event)

    def uniq(values) -> list[str]:
        seen: dict[str, str] = {}
        for v in values:
            seen.setdefault(fold(v), v)
        return sorted(seen.values(), key=fold)

    return FilterChoices(
        sectors=uniq(s for o in {o.exhibitor for o in offers} for s in (o.sectors or [])),
        languages=uniq(lang for o in offers for lang in o.languages or []),
        skills=uniq(s for o in offers for s in o.skills or []),
        contracts=[c for c in ContractType if any(o.contract == c for o in offers)],
        remotes=[r for r in RemoteOption if any(o.remote == r for o in offers)],
        levels=[lv for lv in JobLevel if any(o.level == lv for o in offers)],
    )


def get_public_offer(event: Event, offer_id: int) -> JobOffer:
    offer = db.session.get(JobOffer, offer_id)
    if offer is None or offer.event_id != event.id or not offer.published:
        raise NotFound(_("This job offer does not exist."))
    return offer


# --------------------------------------------------------------------------- slots


def _check_block(
    exhibitor: Exhibitor, start: dt.datetime, end: dt.datetime, minutes: int, recruiters: int
) -> None:
    event = exhibitor.event
    if not (SLOT_MINUTES_RANGE[0] <= minutes <= SLOT_MINUTES_RANGE[1]):
        raise DomainError(
            ngettext(
                "A slot lasts between %(a)s and %(num)d minute.",
                "A slot lasts between %(a)s and %(num)d minutes.",
                SLOT_MINUTES_RANGE[1],
                a=SLOT_MINUTES_RANGE[0],
            ),
            field="slot_minutes",
        )
    if not (1 <= recruiters <= MAX_RECRUITERS):
        raise DomainError(
            ngettext("Give %(num)d recruiter.", "Give between 1 and %(num)d recruiters.", MAX_RECRUITERS),
            field="recruiters",
        )
    if end <= start:
        raise DomainError(_("The end must be after the start."), field="end")
    if end - start > dt.timedelta(hours=MAX_BLOCK_HOURS):
        raise DomainError(
            ngettext(
                "A block can last at most %(num)d hour.",
                "A block can last at most %(num)d hours.",
                MAX_BLOCK_HOURS,
            ),
            field="end",
        )
    if end - start < dt.timedelta(minutes=minutes):
        raise DomainError(_("The time range is shorter than one slot."), field="end")
    if not (event.start_date <= start.date() <= event.end_date) or end.date() != start.date():
        raise DomainError(_("Interview slots must be on a day of the event."), field="start")
    for block in exhibitor.blocks:
        if block.start < end and start < block.end:
            raise DomainError(
                _(
                    "This overlaps your slots from %(a)s to %(b)s.",
                    a=block.start.strftime("%H:%M"),
                    b=block.end.strftime("%H:%M"),
                ),
                field="start",
            )


def add_slot_block(
    exhibitor: Exhibitor,
    start: dt.datetime,
    end: dt.datetime,
    *,
    slot_minutes: int = DEFAULT_SLOT_MINUTES,
    recruiters: int = 1,
    actor: Actor,
) -> InterviewSlotBlock:
    """Offer interviews from ``start`` to ``end`` (local times), cut into slots of ``slot_minutes``
    with ``recruiters`` parallel interviews each. A last partial slot is dropped."""
    start = start.replace(second=0, microsecond=0, tzinfo=None)
    end = end.replace(second=0, microsecond=0, tzinfo=None)
    _check_block(exhibitor, start, end, slot_minutes, recruiters)
    block = InterviewSlotBlock(
        exhibitor=exhibitor, start=start, end=end, slot_minutes=slot_minutes, recruiters=recruiters
    )
    step = dt.timedelta(minutes=slot_minutes)
    t = start
    while t + step <= end:
        block.slots.append(
            InterviewSlot(exhibitor_id=exhibitor.id, start=t, end=t + step, capacity=recruiters)
        )
        t += step
    db.session.add(block)
    db.session.flush()
    audit.record(
        "interview_slots.create",
        actor=actor,
        event_id=exhibitor.event_id,
        obj=exhibitor,
        changes={"slots": [None, f"{start:%Y-%m-%d %H:%M}–{end:%H:%M} × {slot_minutes} min × {recruiters}"]},
    )
    return block


def own_block(exhibitor: Exhibitor, block_id: int) -> InterviewSlotBlock:
    block = db.session.get(InterviewSlotBlock, block_id)
    if block is None:
        raise NotFound(_("These interview slots do not exist."))
    if block.exhibitor_id != exhibitor.id:
        raise PermissionDenied(_("These interview slots belong to another exhibitor."))
    return block


def delete_slot_block(block: InterviewSlotBlock, *, actor: Actor) -> None:
    """Remove a block of slots; refused while any of its slots is booked."""
    booked = db.session.scalar(
        sa.select(sa.func.count(InterviewBooking.id))
        .join(InterviewSlot, InterviewSlot.id == InterviewBooking.slot_id)
        .where(InterviewSlot.block_id == block.id, InterviewBooking.status == BookingStatus.BOOKED)
    )
    if booked:
        raise Conflict(
            ngettext(
                "%(num)d interview is booked in these slots. Ask the organisers to move it first.",
                "%(num)d interviews are booked in these slots. Ask the organisers to move them first.",
                booked,
            ),
            code="slots_booked",
        )
    audit.record(
        "interview_slots.delete",
        actor=actor,
        event_id=block.exhibitor.event_id,
        obj=block.exhibitor,
        changes={"slots": [f"{block.start:%Y-%m-%d %H:%M}–{block.end:%H:%M}", None]},
    )
    db.session.delete(block)


def _active_bookings_stmt():
    return (
        sa.select(InterviewBooking)
        .join(Registration, Registration.id == InterviewBooking.registration_id)
        .where(
            InterviewBooking.status == BookingStatus.BOOKED,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )


def _count_slot(slot_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(
            _active_bookings_stmt().where(InterviewBooking.slot_id == slot_id).subquery()
        )
    )


def slot_counts(slot_ids: list[int]) -> dict[int, int]:
    if not slot_ids:
        return {}
    rows = db.session.execute(
        sa.select(InterviewBooking.slot_id, sa.func.count(InterviewBooking.id))
        .join(Registration, Registration.id == InterviewBooking.registration_id)
        .where(
            InterviewBooking.slot_id.in_(slot_ids),
            InterviewBooking.status == BookingStatus.BOOKED,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .group_by(InterviewBooking.slot_id)
    )
    return {slot_id: n for slot_id, n in rows}


@dataclass
class SlotView:
    slot: InterviewSlot
    booked: int

    @property
    def left(self) -> int:
        return max(self.slot.capacity - self.booked, 0)


def exhibitor_slots(exhibitor: Exhibitor) -> list[SlotView]:
    slots = list(
        db.session.scalars(
            sa.select(InterviewSlot)
            .where(InterviewSlot.exhibitor_id == exhibitor.id)
            .order_by(InterviewSlot.start, InterviewSlot.id)
        )
    )
    counts = slot_counts([s.id for s in slots])
    return [SlotView(slot=s, booked=counts.get(s.id, 0)) for s in slots]


def free_slot_count(exhibitor: Exhibitor) -> int:
    """Interview places still bookable (slots that have not started)."""
    now = _now_local(exhibitor.event)
    return sum(v.left for v in exhibitor_slots(exhibitor) if v.slot.start > now)


# --------------------------------------------------------------------------- bookings


def bookings_of(registration: Registration, *, active_only: bool = True) -> list[InterviewBooking]:
    stmt = (
        sa.select(InterviewBooking)
        .join(InterviewSlot, InterviewSlot.id == InterviewBooking.slot_id)
        .where(InterviewBooking.registration_id == registration.id)
        .options(selectinload(InterviewBooking.slot), selectinload(InterviewBooking.exhibitor))
        .order_by(InterviewSlot.start, InterviewBooking.id)
    )
    if active_only:
        stmt = stmt.where(InterviewBooking.status == BookingStatus.BOOKED)
    return list(db.session.scalars(stmt))


def personal_interviews(registration: Registration) -> list[InterviewBooking]:
    """Interviews for the attendee's page and calendar: active bookings of a confirmed registration."""
    if registration.status != RegistrationStatus.CONFIRMED:
        return []
    return bookings_of(registration)


def _now_local(event: Event) -> dt.datetime:
    return utcnow().astimezone(event.tz).replace(tzinfo=None)


def can_book(registration: Registration) -> str | None:
    """Why this attendee cannot book interviews now, or None."""
    if registration.status != RegistrationStatus.CONFIRMED:
        return _("Only attendees with a confirmed registration can book interviews.")
    return None


def book_interview(
    registration: Registration, slot_id: int, *, offer_id: int | None = None, actor: Actor = "attendee"
) -> InterviewBooking:
    """Book a slot for a confirmed attendee, within the capacity guarantee (module docstring).

    Refused: another event's slot, a past slot, the same slot twice, an overlapping or
    back-to-back interview, more than the per-attendee limit, a full slot. The caller commits.
    """
    reason = can_book(registration)
    if reason:
        raise PermissionDenied(reason, code="not_confirmed")
    with write_transaction():
        db.session.execute(
            lock_for_update(sa.select(Registration.id).where(Registration.id == registration.id))
        )
        slot = db.session.scalar(lock_for_update(sa.select(InterviewSlot).where(InterviewSlot.id == slot_id)))
        if slot is None or slot.exhibitor.event_id != registration.event_id:
            raise NotFound(_("This interview slot does not exist."), code="unknown_slot")
        db.session.refresh(registration)
        reason = can_book(registration)
        if reason:
            raise PermissionDenied(reason, code="not_confirmed")
        event = registration.event
        if slot.start <= _now_local(event):
            raise DomainError(_("This interview slot has already started."), code="slot_past", field="slot")
        offer = None
        if offer_id:
            offer = db.session.get(JobOffer, offer_id)
            if offer is None or offer.exhibitor_id != slot.exhibitor_id or not offer.published:
                raise DomainError(
                    _("Please choose one of this exhibitor's offers."), code="unknown_offer", field="offer"
                )
        mine = bookings_of(registration)
        for other in mine:
            if other.slot_id == slot.id:
                raise Conflict(_("You have already booked this interview."), code="already_booked")
        for other in mine:
            o = other.slot
            if o.start < slot.end and slot.start < o.end:
                raise Conflict(
                    _(
                        "This overlaps your interview with %(name)s at %(time)s.",
                        name=other.exhibitor.name,
                        time=o.start.strftime("%H:%M"),
                    ),
                    code="overlapping",
                )
            if o.end == slot.start or slot.end == o.start:
                raise Conflict(
                    _(
                        "This is right before or after your interview with %(name)s at %(time)s. "
                        "Please leave a break to move between booths.",
                        name=other.exhibitor.name,
                        time=o.start.strftime("%H:%M"),
                    ),
                    code="back_to_back",
                )
        limit = max_bookings(event)
        if len(mine) >= limit:
            raise Conflict(
                ngettext(
                    "You can book at most %(num)d interview. Cancel it to book another.",
                    "You can book at most %(num)d interviews. Cancel one to book another.",
                    limit,
                ),
                code="limit_reached",
            )
        if _count_slot(slot.id) >= slot.capacity:
            raise Conflict(
                _("This interview slot has just been fully booked. Please choose another."), code="slot_full"
            )
        booking = InterviewBooking(
            slot=slot,
            active_slot_id=slot.id,
            registration_id=registration.id,
            exhibitor_id=slot.exhibitor_id,
            offer=offer,
            status=BookingStatus.BOOKED,
        )
        db.session.add(booking)
        db.session.flush()
        audit.record(
            "interview.book",
            actor=actor,
            event_id=event.id,
            obj=booking,
            object_label=f"{slot.exhibitor.name} {slot.start:%Y-%m-%d %H:%M}",
        )
    return booking


def own_booking(registration: Registration, booking_id: int) -> InterviewBooking:
    booking = db.session.get(InterviewBooking, booking_id)
    if booking is None or booking.registration_id != registration.id:
        raise NotFound(_("This interview booking does not exist."))
    return booking


def cancel_booking(booking: InterviewBooking, *, actor: Actor = "attendee") -> None:
    """Cancel a booking (frees the seat) and delete its CV."""
    if booking.status == BookingStatus.CANCELLED:
        return
    booking.status = BookingStatus.CANCELLED
    booking.active_slot_id = None
    booking.cancelled_at = utcnow()
    _drop_cv(booking)
    audit.record(
        "interview.cancel",
        actor=actor,
        event_id=booking.exhibitor.event_id,
        obj=booking,
        object_label=f"{booking.exhibitor.name} {booking.slot.start:%Y-%m-%d %H:%M}",
    )


def release_registration(registration: Registration, *, actor: Actor = None) -> int:
    """Cancel every active interview of ``registration`` and delete its CVs (for a cancelled
    or erased registration). Returns how many were cancelled. The caller commits."""
    n = 0
    for booking in bookings_of(registration, active_only=False):
        if booking.status == BookingStatus.BOOKED:
            cancel_booking(booking, actor=actor)
            n += 1
        elif booking.cv_key:
            _drop_cv(booking)
    return n


def _release_on_cancel(registration: Registration) -> None:
    release_registration(registration, actor="system")


registration_services.RELEASE_HOOKS.append(_release_on_cancel)


def _drop_cv(booking: InterviewBooking) -> None:
    delete_quietly(booking.cv_key)
    booking.cv_key = None
    booking.cv_filename = None
    booking.cv_shared = False


def attach_cv(booking: InterviewBooking, file_storage, *, consent: bool, actor: Actor = "attendee") -> None:
    """Share a PDF CV (checked by content) with this booking's exhibitor only. Opt-in."""
    if booking.status != BookingStatus.BOOKED:
        raise DomainError(_("This interview was cancelled."), code="cancelled")
    if not consent:
        raise DomainError(
            _("Please confirm that you want to share your CV with %(name)s.", name=booking.exhibitor.name),
            field="consent",
        )
    upload = validate_upload(file_storage, {Kind.PDF}, CV_MAX_BYTES, field="cv")
    try:
        key = get_storage().save(upload.stream, prefix="cvs", suffix="pdf")
    finally:
        upload.stream.close()
    delete_quietly(booking.cv_key)
    booking.cv_key = key
    booking.cv_filename = upload.filename
    booking.cv_shared = True
    booking.cv_uploaded_at = utcnow()
    audit.record(
        "interview.cv",
        actor=actor,
        event_id=booking.exhibitor.event_id,
        obj=booking,
        changes={"cv": [None, True]},
    )


def withdraw_cv(booking: InterviewBooking, *, actor: Actor = "attendee") -> None:
    if booking.cv_key:
        _drop_cv(booking)
        audit.record(
            "interview.cv",
            actor=actor,
            event_id=booking.exhibitor.event_id,
            obj=booking,
            changes={"cv": [True, None]},
        )


def cv_for_exhibitor(exhibitor: Exhibitor, booking_id: int) -> InterviewBooking:
    """The booking whose CV this exhibitor may read; any other exhibitor gets PermissionDenied."""
    booking = db.session.get(InterviewBooking, booking_id)
    if booking is None or booking.exhibitor_id != exhibitor.id:
        raise PermissionDenied(_("This CV was not shared with you."), code="cv_forbidden")
    if not booking.cv_shared or not booking.cv_key or booking.status != BookingStatus.BOOKED:
        raise NotFound(_("No CV is shared for this interview."), code="no_cv")
    return booking


def exhibitor_bookings(exhibitor: Exhibitor, day: dt.date | None = None) -> list[InterviewBooking]:
    """The exhibitor's active interviews (of confirmed attendees), by time."""
    stmt = (
        _active_bookings_stmt()
        .join(InterviewSlot, InterviewSlot.id == InterviewBooking.slot_id)
        .where(InterviewBooking.exhibitor_id == exhibitor.id)
        .options(
            selectinload(InterviewBooking.slot),
            selectinload(InterviewBooking.registration),
            selectinload(InterviewBooking.offer),
        )
        .order_by(InterviewSlot.start, InterviewBooking.id)
    )
    bookings = list(db.session.scalars(stmt))
    if day is not None:
        bookings = [b for b in bookings if b.slot.start.date() == day]
    return bookings


# --------------------------------------------------------------------------- CV retention


def cv_retention_days() -> int:
    return int(current_app.config.get("CV_RETENTION_DAYS", 30))


def purge_cvs(
    *, today: dt.date | None = None, dry_run: bool = False, actor: Actor = "cli"
) -> list[InterviewBooking]:
    """Delete the CVs of events that ended more than ``CV_RETENTION_DAYS`` days ago.

    Returns the bookings concerned (also with ``dry_run``, which changes nothing).
    """
    today = today or utcnow().date()
    cutoff = today - dt.timedelta(days=cv_retention_days())
    bookings = list(
        db.session.scalars(
            sa.select(InterviewBooking)
            .join(Exhibitor, Exhibitor.id == InterviewBooking.exhibitor_id)
            .join(Event, Event.id == Exhibitor.event_id)
            .where(InterviewBooking.cv_key.is_not(None), Event.end_date < cutoff)
            .order_by(InterviewBooking.id)
        )
    )
    if dry_run:
        return bookings
    now = utcnow()
    per_event: dict[int, int] = {}
    for booking in bookings:
        _drop_cv(booking)
        booking.cv_purged_at = now
        per_event[booking.exhibitor.event_id] = per_event.get(booking.exhibitor.event_id, 0) + 1
    for event_id, n in per_event.items():
        audit.record(
            "interview.cv_purge",
            actor=actor,
            event_id=event_id,
            object_type="event",
            object_id=event_id,
            changes={"cvs": [n, 0]},
        )
    return bookings


# --------------------------------------------------------------------------- floor plan


def set_floor_plan(event: Event, file_storage, *, alt: str, actor: Actor) -> str:
    key = store_image(
        file_storage,
        prefix="floorplans",
        max_bytes=FLOOR_PLAN_MAX_BYTES,
        max_px=FLOOR_PLAN_MAX_PX,
        field="image",
    )
    settings = settings_for(event, create=True)
    old = settings.floor_plan_key
    settings.floor_plan_key = key
    settings.floor_plan_alt = (alt or "").strip()
    delete_quietly(old)
    audit.record(
        "floor_plan.upload",
        actor=actor,
        event_id=event.id,
        obj=event,
        changes={"floor_plan": [bool(old), True]},
    )
    return key


def update_settings(event: Event, *, max_bookings_value: int | None, alt: str | None, actor: Actor) -> dict:
    settings = settings_for(event, create=True)
    new = {"max_bookings": max_bookings_value}
    if alt is not None:
        new["floor_plan_alt"] = alt.strip()
    if max_bookings_value is not None and not (1 <= max_bookings_value <= 50):
        raise DomainError(_("Give a limit between 1 and 50."), field="max_bookings")
    changes = audit.diff(settings, new)
    for k, v in new.items():
        setattr(settings, k, v)
    if changes:
        audit.record("jobday.settings", actor=actor, event_id=event.id, obj=event, changes=changes)
    return changes


def remove_floor_plan(event: Event, *, actor: Actor) -> None:
    settings = settings_for(event)
    if settings is not None and settings.floor_plan_key:
        delete_quietly(settings.floor_plan_key)
        settings.floor_plan_key = None
        audit.record(
            "floor_plan.remove",
            actor=actor,
            event_id=event.id,
            obj=event,
            changes={"floor_plan": [True, False]},
        )


# --------------------------------------------------------------------------- public API


def _logo_url(exhibitor: Exhibitor) -> str | None:
    if not exhibitor.logo_key:
        return None
    return url_for("jobday.logo", name=exhibitor.logo_key.split("/", 1)[1], _external=True)


def public_exhibitor(exhibitor: Exhibitor) -> dict:
    """Public facts only: never the contact person or email."""
    event = exhibitor.event
    return {
        "id": exhibitor.id,
        "name": exhibitor.name,
        "kind": str(exhibitor.kind),
        "description": exhibitor.description,
        "website": exhibitor.website,
        "booth": exhibitor.booth or None,
        "sectors": list(exhibitor.sectors or []),
        "inclusive_statement": exhibitor.inclusive_statement,
        "commitments": [c.removeprefix("commit_") for c in COMMITMENTS if getattr(exhibitor, c)],
        "logo_url": _logo_url(exhibitor),
        "offers": [o.id for o in exhibitor.offers if o.published],
        "url": url_for("jobday.exhibitor", slug=event.slug, exhibitor_id=exhibitor.id, _external=True),
    }


def public_offer(offer: JobOffer) -> dict:
    event_slug = offer.exhibitor.event.slug
    return {
        "id": offer.id,
        "title": offer.title,
        "exhibitor": {
            "id": offer.exhibitor_id,
            "name": offer.exhibitor.name,
            "booth": offer.exhibitor.booth or None,
        },
        "contract": str(offer.contract),
        "location": offer.location,
        "remote": str(offer.remote),
        "level": str(offer.level),
        "languages": list(offer.languages or []),
        "skills": list(offer.skills or []),
        "description": offer.description,
        "apply_url": offer.apply_url,
        "meet_at_booth": offer.apply_url is None,
        "url": url_for("jobday.offer", slug=event_slug, offer_id=offer.id, _external=True),
    }


def public_exhibitors(event: Event) -> list[dict]:
    return [public_exhibitor(e) for e in exhibitors(event)]


def public_jobs(event: Event, filters: JobFilters | None = None) -> list[dict]:
    return [public_offer(o) for o in search_offers(event, filters)]


# --------------------------------------------------------------------------- badges


def exhibitor_badges(event) -> list:
    """Badges (role ``exhibitor``) for every exhibitor's contact person, printing the company."""
    from wid_events.enums import BadgeRole
    from wid_events.exports.badges import Badge, first_name_of

    badges = []
    for exhibitor in exhibitors(event):
        name = (exhibitor.contact_name or "").strip()
        if not name:
            continue
        badges.append(
            Badge(
                first_name=first_name_of(name),
                full_name=name,
                organisation=exhibitor.name,
                role=BadgeRole.EXHIBITOR,
            )
        )
    return badges


def _register_badge_provider() -> None:
    """Add exhibitor badges to ``badges render`` (through the exports area's provider hook)."""
    from wid_events.exports import badges

    if exhibitor_badges not in badges.BADGE_PROVIDERS:
        badges.BADGE_PROVIDERS.append(exhibitor_badges)


_register_badge_provider()


# --------------------------------------------------------------------------- demo


def load_demo_exhibitors(event: Event, items: list[dict], *, actor: Actor = "demo") -> list[Exhibitor]:
    """Add the demo exhibitors (see ``demo.data.JOBDAY_EXHIBITORS``) with offers and slots.

    Idempotent: an event that already has exhibitors is left alone.
    """
    if has_exhibitors(event):
        return []
    created = []
    day = event.start_date
    for item in items:
        contact_name, contact_email = item.get("contact") or ("", None)
        exhibitor = create_exhibitor(
            event,
            {
                "name": item["name"],
                "kind": item.get("kind", "employer"),
                "booth": item.get("booth", ""),
                "sectors": item.get("sectors", []),
                "website": item.get("website"),
                "description": item.get("description", ""),
                "inclusive_statement": item.get("inclusive_statement", ""),
                "contact_name": contact_name,
                "contact_email": contact_email,
                **{c: True for c in item.get("commitments", [])},
            },
            actor=actor,
        )
        for title, contract, remote, level, languages, skills, description, apply_url in item.get(
            "offers", []
        ):
            create_offer(
                exhibitor,
                {
                    "title": title,
                    "contract": contract,
                    "remote": remote,
                    "level": level,
                    "languages": languages,
                    "skills": skills,
                    "description": description,
                    "apply_url": apply_url,
                    "location": "Brussels",
                    "published": True,
                },
                actor=actor,
            )
        for start, end, minutes, recruiters in item.get("slots", []):
            add_slot_block(
                exhibitor,
                dt.datetime.combine(day, dt.time.fromisoformat(start)),
                dt.datetime.combine(day, dt.time.fromisoformat(end)),
                slot_minutes=minutes,
                recruiters=recruiters,
                actor=actor,
            )
        created.append(exhibitor)
    return created
