"""Job offers: the exhibitor's CRUD and the public search with its filters."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from wid_events.audit import services as audit
from wid_events.core.content import checked_translations
from wid_events.errors import DomainError, NotFound, PermissionDenied
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.jobday.models import ContractType, Exhibitor, JobLevel, JobOffer, RemoteOption
from wid_events.jobday.services.common import Actor, clean_url, fold, parse_tags

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
    "translations",
)


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
            value = parse_tags(value, name)
        elif name == "apply_url":
            value = clean_url(value, "apply_url")
        elif name == "published":
            value = bool(value)
        elif name == "translations":
            value = checked_translations(value, ("title", "description"))
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
            exhibitor=int(exhibitor) if exhibitor.isdigit() and len(exhibitor) < 10 else None,
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
