"""Job Day mail leaves only after the commit: a rolled-back invitation mails nobody and
replaces nobody's link; a committed one sends exactly one mail, whose link works. The queued
job carries the exhibitor's id, never a token: the link is minted when the mail is built."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.factories import make_event
from tests.test_jobday_booking import make_exhibitor
from tests.test_speaker_samples import isolated_client
from wid_events.audit.models import AuditLogEntry
from wid_events.core.actions import run_action
from wid_events.core.uow import pending_jobs, unit_of_work
from wid_events.errors import Conflict
from wid_events.extensions import db
from wid_events.jobday import mails, services
from wid_events.jobday.models import ExhibitorToken

LINK_RE = re.compile(r"https?://\S+/exhibitor/([A-Za-z0-9_-]+)")


class LaterStepFailed(Exception):
    pass


@pytest.fixture
def exhibitor(app):
    event = make_event("jobday-mail")
    return make_exhibitor(event, "Mail Co", contact_email="hr@mail.example.org")


def tokens() -> int:
    return db.session.scalar(sa.select(sa.func.count(ExhibitorToken.id)))


def invite_audits() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(AuditLogEntry.id)).where(AuditLogEntry.action == "exhibitor.invite")
    )


def test_a_failed_transaction_after_the_invitation_sends_no_mail(app, exhibitor, outbox):
    _row, old_raw = services.issue_token(exhibitor, actor="test")
    db.session.commit()
    with pytest.raises(LaterStepFailed), unit_of_work():
        services.invite(exhibitor, actor="test")
        # Queued, not sent: the job holds plain ids and strings, and no token was minted yet.
        [(_send, args, kwargs)] = pending_jobs()
        assert all(isinstance(a, (int, str)) for a in args[1:]) and not kwargs
        assert exhibitor.id in args
        assert tokens() == 1
        raise LaterStepFailed
    assert outbox() == []
    assert pending_jobs() == []
    assert tokens() == 1 and invite_audits() == 0
    # The exhibitor's earlier link still works: nothing replaced it.
    assert isolated_client(app).get(f"/exhibitor/{old_raw}").status_code == 303


def test_a_refused_action_after_the_invitation_sends_no_mail(app, exhibitor, outbox):
    def invite_then_refuse(item):
        services.invite(item, actor="test")
        raise Conflict("A later check refused the action.")

    with app.test_request_context("/"):
        done = run_action(invite_then_refuse, exhibitor)
    assert not done and done.error.code == "conflict"
    assert outbox() == []
    assert tokens() == 0


def test_a_committed_invitation_sends_exactly_one_mail_with_a_working_link(app, exhibitor, outbox):
    with unit_of_work():
        services.invite(exhibitor, actor="test")
    mails = outbox()
    assert len(mails) == 1
    assert mails[0]["To"] == "hr@mail.example.org"
    assert "Mail Co" in mails[0].get_body().get_content()
    raw = LINK_RE.search(mails[0].get_body().get_content()).group(1)
    assert tokens() == 1 and invite_audits() == 1
    portal = isolated_client(app)
    assert portal.get(f"/exhibitor/{raw}").status_code == 303
    assert "Mail Co" in portal.get("/exhibitor/").get_data(as_text=True)


def test_the_invitation_is_built_in_the_organisers_language(app, exhibitor, outbox):
    """The job renders in the language of the organiser who sent it (exhibitors store none)."""
    with app.test_request_context("/?lang=fr"):
        assert run_action(services.invite, exhibitor, actor="test")
    [mail] = outbox()
    assert mail["Subject"].startswith("Votre page exposant pour")
    # A worker has no request: the builder uses the language it was handed.
    assert mails.invitation_mail(exhibitor.id, "test", "nl").subject.startswith("Uw exposantenpagina")


def test_a_new_invitation_replaces_the_earlier_link(app, exhibitor, outbox):
    for _ in range(2):
        with unit_of_work():
            services.invite(exhibitor, actor="test")
    first, second = (LINK_RE.search(m.get_body().get_content()).group(1) for m in outbox())
    assert first != second
    assert isolated_client(app).get(f"/exhibitor/{first}").status_code == 403
    assert isolated_client(app).get(f"/exhibitor/{second}").status_code == 303


def test_the_cli_prints_the_link_it_mails(app, exhibitor, runner, outbox):
    result = runner.invoke(args=["jobday", "invite", "jobday-mail", "hr@mail.example.org"])
    assert result.exit_code == 0, result.output
    [mail] = outbox()
    assert LINK_RE.search(result.output).group(1) == LINK_RE.search(mail.get_body().get_content()).group(1)
    assert tokens() == 1
