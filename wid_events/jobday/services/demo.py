"""The demo's Job Day (``flask demo load``): exhibitors with offers and interview slots."""

from __future__ import annotations

import datetime as dt

from wid_events.events.models import Event
from wid_events.jobday.models import Exhibitor
from wid_events.jobday.services.common import Actor
from wid_events.jobday.services.exhibitors import create_exhibitor, has_exhibitors
from wid_events.jobday.services.offers import create_offer
from wid_events.jobday.services.slots import add_slot_block


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
