"""Job Day's mail builders for :func:`wid_events.core.uow.queue_mail`.

They run in a job, after the commit of the action that asked for the mail, take plain
arguments (ids, strings) and render the message then, in the language they are given.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from wid_events.core.uow import unit_of_work
from wid_events.core.web import hash_token
from wid_events.extensions import db
from wid_events.jobday.models import Exhibitor, ExhibitorToken
from wid_events.jobday.services.tokens import issue_token, portal_url
from wid_events.mail import Mail


def invitation_mail(exhibitor_id: int, issued_by: str, locale: str) -> Mail | None:
    """Mint a new portal link for the exhibitor (earlier links stop working), store its hash and
    commit, then build the invitation carrying it. ``None`` when there is nobody to mail any more."""
    exhibitor = db.session.get(Exhibitor, exhibitor_id)
    if exhibitor is None or not exhibitor.contact_email:
        return None
    with unit_of_work():
        token, raw = issue_token(exhibitor, actor=issued_by)
    return _invitation(exhibitor, token, raw, locale)


def issued_invitation_mail(token_id: int, raw_token: str, locale: str) -> Mail | None:
    """The invitation for a link minted already (``flask jobday invite``), while it stays valid."""
    token = db.session.get(ExhibitorToken, token_id)
    if token is None or not token.is_valid() or token.token_hash != hash_token(raw_token):
        return None
    if not token.exhibitor.contact_email:
        return None
    return _invitation(token.exhibitor, token, raw_token, locale)


def _invitation(exhibitor: Exhibitor, token: ExhibitorToken, raw_token: str, locale: str) -> Mail:
    event = exhibitor.event
    with force_locale(locale):
        body = render_template(
            "jobday/email/invitation.txt",
            exhibitor=exhibitor,
            event=event,
            link=portal_url(raw_token),
            token=token,
        )
        subject = _("Your exhibitor page for %(event)s", event=event.title)
    return Mail(to=exhibitor.contact_email, subject=subject, body=body)
