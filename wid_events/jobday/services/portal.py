"""The exhibitor portal: invitations, withdrawing links, opening a link, the signed-in exhibitor.

An invitation mints its link when the mail is built, in the job that runs after the commit
(:func:`wid_events.jobday.mails.invitation_mail`): the job carries the exhibitor's id, never a
token, and a rolled-back invitation neither mails nor replaces anybody's link.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from wid_events.audit import services as audit
from wid_events.core.uow import queue_mail
from wid_events.core.web import hash_token
from wid_events.errors import DomainError, NotFound, PermissionDenied
from wid_events.extensions import db
from wid_events.jobday import mails
from wid_events.jobday.models import Exhibitor, ExhibitorToken
from wid_events.jobday.services.common import Actor
from wid_events.jobday.services.tokens import issue_token, portal_url
from wid_events.models_base import utcnow


def _require_contact_email(exhibitor: Exhibitor) -> None:
    if not exhibitor.contact_email:
        raise DomainError(
            _("%(name)s has no contact email address, so no link can be sent.", name=exhibitor.name),
            code="no_email",
        )


def _mail_locale() -> str:
    """The language of the invitation: the organiser's current one (exhibitors have none stored)."""
    return str(get_locale() or current_app.config.get("BABEL_DEFAULT_LOCALE", "en"))


def invite(exhibitor: Exhibitor, *, actor: Actor) -> None:
    """Email the contact person a new portal link (older links are revoked), after the commit.

    The link is minted by the mail job, so only the exhibitor's id travels with it.
    """
    _require_contact_email(exhibitor)
    audit.record("exhibitor.invite", actor=actor, event_id=exhibitor.event_id, obj=exhibitor)
    queue_mail(mails.invitation_mail, exhibitor.id, audit.actor_label(actor), _mail_locale())


def invite_and_show(exhibitor: Exhibitor, *, actor: Actor) -> str:
    """Like :func:`invite`, but mint the link now and return it, for the operator to see (CLI).

    The exception to "no token in a job": the raw token travels in the mail job's arguments,
    because whoever asked for it is shown it anyway. Web views use :func:`invite`.
    """
    _require_contact_email(exhibitor)
    token, raw = issue_token(exhibitor, actor=actor)
    audit.record(
        "exhibitor.invite",
        actor=actor,
        event_id=exhibitor.event_id,
        obj=exhibitor,
        changes={"token_id": [None, token.id]},
    )
    queue_mail(mails.issued_invitation_mail, token.id, raw, _mail_locale())
    return portal_url(raw)


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
