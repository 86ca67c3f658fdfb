"""Registration mail leaves only after a successful commit, built from ids at send time."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import make_event
from wid_events.core import uow
from wid_events.core.actions import run_action
from wid_events.enums import RegistrationStatus
from wid_events.errors import Conflict
from wid_events.extensions import db
from wid_events.registration import services
from wid_events.registration.models import Registration


def data(name="Amina", email="amina@example.org", **kw) -> services.RegistrationData:
    return services.RegistrationData(name=name, email=email, attendance="in_person", consent=True, **kw)


def registrations() -> int:
    return db.session.scalar(sa.select(sa.func.count(Registration.id)))


def test_failed_transaction_after_queued_mail_sends_nothing(app, outbox):
    event = make_event()
    with pytest.raises(RuntimeError), uow.unit_of_work():
        services.register(event, data())
        assert len(uow.pending_jobs()) == 1
        raise RuntimeError("something later in the same unit of work fails")
    assert uow.pending_jobs() == []
    assert registrations() == 0
    assert outbox() == []


def test_refused_action_after_queued_mail_sends_nothing(app, outbox):
    """A service that queues the mail and is then refused: run_action rolls back, nothing leaves."""
    event = make_event()

    def register_then_refuse(event, data):
        services.register(event, data)
        raise Conflict("Refused after the mail was queued.")

    with app.test_request_context("/", method="POST"):
        done = run_action(register_then_refuse, event, data())
    assert not done and done.error.message == "Refused after the mail was queued."
    assert registrations() == 0
    assert outbox() == []


def test_cancel_with_promotion_rolled_back_sends_nothing(app, outbox):
    event = make_event(capacity_in_person=1)
    with uow.unit_of_work():
        first, _, _ = services.register(event, data("One", "one@example.org"))
        services.register(event, data("Two", "two@example.org"))
    sent = len(outbox())
    with pytest.raises(RuntimeError), uow.unit_of_work():
        services.cancel(db.session.get(Registration, first.id))
        assert len(uow.pending_jobs()) == 2  # "promoted" for Two, "cancelled" for One
        raise RuntimeError("boom")
    assert len(outbox()) == sent
    assert db.session.get(Registration, first.id).status == RegistrationStatus.CONFIRMED


def test_successful_transaction_sends_exactly_one_mail(app, outbox):
    event = make_event()
    with uow.unit_of_work():
        _reg, token, created = services.register(event, data(locale="fr"))
    assert created
    [mail] = outbox()
    assert mail["To"].addresses[0].addr_spec == "amina@example.org"
    assert mail["Subject"] == f"Votre inscription à {event.title} est confirmée"
    assert f"/registrations/{token}" in mail.get_body(("plain",)).get_content()
    assert [a.get_filename() for a in mail.iter_attachments()] == [f"{event.slug}.ics"]


def test_queued_job_carries_ids_not_body_or_token(app, outbox):
    event = make_event()
    reg, token, _ = services.register(event, data())
    [(func, args, kwargs)] = uow.pending_jobs()
    assert func is uow.send_built_mail
    builder, *plain = args
    assert builder is services.build_registration_mail
    assert plain == [reg.id, "confirmed"] and kwargs == {"session_id": None}
    payload = repr((plain, kwargs))
    assert token not in payload
    assert services.manage_token(reg.token_seed) not in payload
    assert "Hello" not in payload and event.title not in payload
    # The builder renders the message from the id alone, link included.
    mail = services.build_registration_mail(*plain, **kwargs)
    assert f"/registrations/{token}" in mail.body
    db.session.rollback()
    assert uow.pending_jobs() == [] and outbox() == []


def test_builder_renders_in_the_registrants_language_at_send_time(app, outbox):
    event = make_event()
    with uow.unit_of_work():
        reg, _, _ = services.register(event, data(locale="fr"))
        reg.locale = "de"  # whatever is stored when the mail is built counts
    [mail] = outbox()
    assert mail["Subject"] == f"Ihre Anmeldung für {event.title} ist bestätigt"


def test_builder_sends_nothing_for_an_erased_registration(app, outbox):
    event = make_event()
    with uow.unit_of_work():
        reg, _, _ = services.register(event, data())
    with uow.unit_of_work():
        services.erase(db.session.get(Registration, reg.id))
    assert services.build_registration_mail(reg.id, "confirmed") is None
    assert services.build_registration_mail(reg.id + 1000, "confirmed") is None
