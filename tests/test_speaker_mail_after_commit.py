"""Speaker invitations leave only after the commit, and the queued job carries no token or body."""

from __future__ import annotations

import pickle
import re

import pytest
import sqlalchemy as sa
from rq import Queue

from tests.factories import login, make_event, make_organiser, make_person, make_session
from tests.test_prod_rq import queue_name, redis_app, redis_conn  # noqa: F401 - fixtures, used by name
from tests.test_speaker_samples import isolated_client
from wid_events.core.actions import run_action
from wid_events.core.uow import dispatch_ready, pending_jobs, send_built_mail, unit_of_work
from wid_events.core.web import hash_token
from wid_events.enums import SessionType, SpeakerRole
from wid_events.errors import DomainError
from wid_events.extensions import db
from wid_events.speakers import services
from wid_events.speakers.invitation_mail import invitation_mail
from wid_events.speakers.models import SpeakerToken

LINK_RE = re.compile(r"https?://\S+/speaker/([A-Za-z0-9_-]+)")


def setup_speaker():
    event = make_event()
    person = make_person(event, "Ada Lovelace", email="ada@example.org")
    make_session(event, "Opening keynote", type=SessionType.KEYNOTE, speakers=[(person, SpeakerRole.SPEAKER)])
    return event, person


def tokens() -> list[SpeakerToken]:
    return list(db.session.scalars(sa.select(SpeakerToken).order_by(SpeakerToken.id)))


def test_a_failed_transaction_after_the_invitation_was_queued_sends_nothing(app, outbox):
    _event, person = setup_speaker()
    old, _raw = services.issue_token(person, actor="test")
    db.session.commit()

    with pytest.raises(RuntimeError), unit_of_work():
        services.invite(person, actor="test")
        assert len(pending_jobs()) == 1
        raise RuntimeError("something later in the same transaction fails")

    assert outbox() == []
    assert pending_jobs() == []
    # Nothing was minted, and the earlier link was not revoked either.
    assert [t.id for t in tokens()] == [old.id]
    assert tokens()[0].state == "active"


def test_a_refused_action_after_the_invitation_was_queued_sends_nothing(app, outbox):
    _event, person = setup_speaker()

    def invite_then_refuse():
        services.invite(person, actor="test")
        raise DomainError("refused after the invitation was queued")

    with app.test_request_context():
        assert not run_action(invite_then_refuse)
    assert outbox() == []
    assert tokens() == []


def test_a_committed_invitation_sends_exactly_one_mail_with_a_working_link(app, outbox):
    event, person = setup_speaker()
    with unit_of_work():
        services.invite(person, actor="test")
        assert tokens() == []  # the link is minted when the mail is built, after the commit

    mails = outbox()
    assert len(mails) == 1
    assert mails[0]["To"] == "ada@example.org"
    assert event.title in mails[0]["Subject"]
    raw = LINK_RE.search(mails[0].get_body(("plain",)).get_content()).group(1)
    (token,) = tokens()
    assert token.token_hash == hash_token(raw) and token.state == "active"
    assert token.issued_by == "test"
    client = isolated_client(app)
    assert client.get(f"/speaker/{raw}").status_code == 302
    assert client.get("/speaker/").status_code == 200


def test_the_pending_job_carries_ids_not_a_token_or_a_body(app, outbox):
    _event, person = setup_speaker()
    services.invite(person, actor="test")
    (job,) = pending_jobs()
    func, args, kwargs = job
    assert func is send_built_mail
    assert args == (invitation_mail, person.id, "test", "en", ()) and kwargs == {}
    pickle.dumps(args)  # plain, importable arguments: fit for an RQ worker
    payload = repr(args)
    assert "Opening keynote" not in payload and "Hello" not in payload and "Ada" not in payload
    assert tokens() == []  # no token exists yet, so none can be in the payload

    db.session.commit()  # the job is now ready; handing it over sends the mail
    dispatch_ready()
    (mail,) = outbox()
    raw = LINK_RE.search(mail.get_body(("plain",)).get_content()).group(1)
    assert raw not in payload and hash_token(raw) not in payload


def test_organiser_button_and_slide_reminder_mail_once_after_the_commit(app, outbox):
    event, person = setup_speaker()
    client = isolated_client(app)
    login(client, make_organiser(event))
    assert client.post(f"/manage/events/{event.slug}/speaker-links/{person.id}/send").status_code == 302
    assert client.post(f"/manage/events/{event.slug}/materials/remind").status_code == 302
    mails = outbox()
    assert len(mails) == 2
    assert (
        "Reminder" in mails[1]["Subject"] and "Opening keynote" in mails[1].get_body(("plain",)).get_content()
    )
    assert [t.state for t in tokens()] == ["revoked", "active"]
    assert LINK_RE.search(mails[1].get_body(("plain",)).get_content()).group(1) != LINK_RE.search(
        mails[0].get_body(("plain",)).get_content()
    ).group(1)


def test_the_job_sends_nothing_when_the_person_lost_their_address(app, outbox):
    _event, person = setup_speaker()
    services.invite(person, actor="test")
    person.email = None
    with unit_of_work():
        pass
    assert outbox() == []
    assert tokens() == []


def test_with_redis_the_queued_job_holds_no_token_and_the_worker_mints_and_mails(request, runner, outbox):
    request.getfixturevalue("redis_app")  # REDIS_URL set: jobs go to a queue of this test's own
    name = request.getfixturevalue("queue_name")
    _event, person = setup_speaker()
    with unit_of_work():
        services.invite(person, actor="test")
    queue = Queue(name, connection=request.getfixturevalue("redis_conn"))
    assert queue.count == 1 and outbox() == [] and tokens() == []
    payload = queue.jobs[0].get_call_string() + repr(queue.jobs[0].args)

    result = runner.invoke(args=["rq", "worker", "--burst", "--queue", name])
    assert result.exit_code == 0, result.output
    assert queue.failed_job_registry.count == 0
    (mail,) = outbox()
    raw = LINK_RE.search(mail.get_body(("plain",)).get_content()).group(1)
    assert raw not in payload and "Opening keynote" not in payload
    db.session.rollback()  # see what the worker committed
    (token,) = tokens()
    assert token.token_hash == hash_token(raw)
