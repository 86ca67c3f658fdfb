"""The speaker invitation and slide-reminder mail, built after the commit.

A personal link is only as good as the token in it, and only the token's hash is stored. So the
token is minted where the mail is built: :func:`invitation_mail` is the
:func:`~wid_events.core.uow.queue_mail` builder. It runs as a job after the organiser's commit,
mints the token (revoking older ones), stores its hash and commits in its own unit of work, and
only then returns the mail to send. The job's payload is the builder and ids: no token, no body.

``flask speakers invite`` prints the link it mails, so it builds the mail in the foreground
with :func:`build_invitation` (see :mod:`wid_events.speakers.cli`).
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from wid_events.agenda.models import Session
from wid_events.core.uow import unit_of_work
from wid_events.extensions import db
from wid_events.mail import Mail
from wid_events.people.models import Person
from wid_events.speakers.tokens import issue_token, portal_url


def build_invitation(
    person: Person, *, issued_by: str, locale: str, reminder_sessions: Sequence[Session] | None = None
) -> tuple[Mail, str]:
    """Mint a new link for ``person`` (in the session, not committed) and render its mail.

    With ``reminder_sessions`` the mail is the "please upload your slides" reminder.
    Returns (mail, link).
    """
    token, raw = issue_token(person, actor=issued_by)
    db.session.flush()
    link = portal_url(raw)
    event = person.event
    context = {
        "person": person,
        "event": event,
        "link": link,
        "expires_at": token.expires_at,
        "sessions": [link_.session for link_ in person.session_links if not link_.session.is_cancelled],
        "reminder_sessions": list(reminder_sessions or []),
        "max_mb": current_app.config["MAX_UPLOAD_MB"],
    }
    with force_locale(locale):
        if reminder_sessions:
            subject = _("Reminder: please upload your slides for %(event)s", event=event.title)
            body = render_template("email/speaker_reminder.txt", **context)
        else:
            subject = _("Your speaker page for %(event)s", event=event.title)
            body = render_template("email/speaker_invitation.txt", **context)
    return Mail(to=person.email, subject=subject, body=body), link


def invitation_mail(
    person_id: int, issued_by: str, locale: str, reminder_session_ids: Sequence[int] = ()
) -> Mail | None:
    """Job (a ``queue_mail`` builder): mint and commit a new link, then return its mail.

    Nothing is sent when the person or their email address is gone by then.
    """
    with unit_of_work():
        person = db.session.get(Person, person_id)
        if person is None or not person.email:
            return None
        reminder_sessions = None
        if reminder_session_ids:
            found = (db.session.get(Session, session_id) for session_id in reminder_session_ids)
            reminder_sessions = [session for session in found if session is not None]
        mail, _link = build_invitation(
            person, issued_by=issued_by, locale=locale, reminder_sessions=reminder_sessions
        )
    return mail
