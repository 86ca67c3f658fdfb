"""Issue 16, F1: the registration form's idempotency key no longer works as a password.

Only a keyed hash of the form key is stored, so nothing read from the database (a backup)
can be re-posted to reach someone's manage page; the register page and the attendee's pages
are never cached.
"""

from __future__ import annotations

import sqlalchemy as sa

from tests.factories import make_event
from tests.test_reg_form import form_data, get_form_key, register, token_of
from wid_events.extensions import db
from wid_events.registration.models import Registration


def _stored_strings(reg_id: int) -> list[str]:
    """Every text value of the registration's row, as a backup would hold it."""
    row = db.session.execute(
        sa.select(Registration.__table__).where(Registration.__table__.c.id == reg_id)
    ).one()
    return [v for v in row if isinstance(v, str)]


def test_form_key_is_not_stored_and_nothing_stored_opens_the_manage_page(client):
    event = make_event("form-key")
    key = get_form_key(client, event.slug)
    token = token_of(register(client, event, form_key=key))
    reg = db.session.scalar(sa.select(Registration))
    stored = _stored_strings(reg.id)
    assert key not in stored
    assert all(key not in value for value in stored)
    assert all(token not in value for value in stored)

    # Whoever reads the row cannot use any of its values as a form key to get the link.
    attacker = client.application.test_client()
    for value in stored:
        response = attacker.post(
            f"/events/{event.slug}/register", data=form_data(email="attacker@example.org", form_key=value)
        )
        assert token not in response.headers.get("Location", ""), value

    # The person's own double submit still finds their registration.
    again = client.post(f"/events/{event.slug}/register", data=form_data(form_key=key))
    assert token_of(again) == token


def test_resend_emails_the_same_working_link(client, outbox):
    event = make_event("resend-same")
    token = token_of(register(client, event, email="resend@example.org"))
    response = client.post(f"/events/{event.slug}/register/resend", data={"email": "resend@example.org"})
    assert response.status_code in (200, 302, 303)
    assert any(token in m.get_body(("plain",)).get_content() for m in outbox())
    assert client.get(f"/registrations/{token}").status_code == 200


def test_register_page_and_attendee_pages_are_never_cached(client):
    event = make_event("no-store")
    get = client.get(f"/events/{event.slug}/register")
    assert "no-store" in get.headers["Cache-Control"]
    post = register(client, event)
    assert "no-store" in post.headers["Cache-Control"]
    token = token_of(post)
    invalid = client.post(f"/events/{event.slug}/register", data=form_data(email="not-an-email"))
    assert "no-store" in invalid.headers["Cache-Control"]
    for path in (
        f"/registrations/{token}",
        f"/registrations/{token}.json",
        f"/registrations/{token}/calendar.ics",
        f"/registrations/{token}/data.json",
        f"/registrations/{token}/erase",
        f"/registrations/{token}/cancel",
        f"/events/{event.slug}/register/resend",
    ):
        response = client.get(path)
        assert "no-store" in response.headers.get("Cache-Control", ""), path
