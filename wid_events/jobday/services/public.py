"""What the public API (``/api/v1/events/<slug>/exhibitors`` and ``…/jobs``) shows: public
facts only, never a contact person or email address."""

from __future__ import annotations

from wid_events.core.urls import external_url
from wid_events.events.models import Event
from wid_events.jobday.models import COMMITMENTS, Exhibitor, JobOffer
from wid_events.jobday.services.exhibitors import exhibitors
from wid_events.jobday.services.offers import JobFilters, search_offers


def _logo_url(exhibitor: Exhibitor) -> str | None:
    if not exhibitor.logo_key:
        return None
    return external_url("jobday.logo", name=exhibitor.logo_key.split("/", 1)[1])


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
        "url": external_url("jobday.exhibitor", slug=event.slug, exhibitor_id=exhibitor.id),
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
        "url": external_url("jobday.offer", slug=event_slug, offer_id=offer.id),
    }


def public_exhibitors(event: Event) -> list[dict]:
    return [public_exhibitor(e) for e in exhibitors(event)]


def public_jobs(event: Event, filters: JobFilters | None = None) -> list[dict]:
    return [public_offer(o) for o in search_offers(event, filters)]
