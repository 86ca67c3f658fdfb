"""Portal links: minting one. Only a hash of the token is stored; the raw token exists only
in the link that is mailed (see :mod:`wid_events.jobday.mails`)."""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from flask import current_app

from wid_events.audit import services as audit
from wid_events.core.urls import external_url
from wid_events.core.web import hash_token
from wid_events.extensions import db
from wid_events.jobday.models import Exhibitor, ExhibitorToken
from wid_events.jobday.services.common import Actor
from wid_events.models_base import utcnow


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
    return external_url("jobday_portal.open_link", token=raw_token)
