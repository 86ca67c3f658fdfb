"""Issue 16, F6: API tokens expire, can be revoked (command line and account page), and
record their last use; a revoked or expired token gets 401 in the API's error shape.
Also ``users create-admin --name``."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from conftest import base_config

from tests.factories import login, make_event, make_organiser
from wid_events import create_app
from wid_events.accounts.models import ApiToken, User
from wid_events.core.uow import unit_of_work
from wid_events.events.organisers import grant_organiser
from wid_events.extensions import db
from wid_events.models_base import utcnow


def _token(runner, email, *args):
    result = runner.invoke(args=["users", "token", email, *args])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def _api(client, event, token):
    return client.get(
        f"/api/v1/events/{event.slug}/checkins/stats", headers={"Authorization": f"Bearer {token}"}
    )


def test_token_expires_after_the_given_days(client, runner):
    event = make_event("tok-exp")
    user = make_organiser(event, "exp@example.org")
    default = _token(runner, user.email)
    short = _token(runner, user.email, "--days", "2")
    rows = {t.expires_at.date() - t.created_at.date(): t for t in db.session.scalars(sa.select(ApiToken))}
    assert set(rows) == {dt.timedelta(days=90), dt.timedelta(days=2)}
    assert _api(client, event, default).status_code == 200
    assert _api(client, event, short).status_code == 200
    # Time passes (moved on the row, not with a clock): the 2-day token now refuses.
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.expires_at < utcnow() + dt.timedelta(days=3))
        .values(expires_at=utcnow() - dt.timedelta(seconds=1))
    )
    db.session.commit()
    response = _api(client, event, short)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert "expired" in response.get_json()["error"]["message"]
    assert _api(client, event, default).status_code == 200


def test_revoke_tokens_command(client, runner):
    event = make_event("tok-rev")
    user = make_organiser(event, "rev@example.org")
    token = _token(runner, user.email)
    assert _api(client, event, token).status_code == 200
    result = runner.invoke(args=["users", "revoke-tokens", user.email])
    assert result.exit_code == 0, result.output
    response = _api(client, event, token)
    assert response.status_code == 401
    assert set(response.get_json()["error"]) == {"code", "message"}
    unknown = runner.invoke(args=["users", "revoke-tokens", "nobody@example.org"])
    assert unknown.exit_code == 2
    assert runner.invoke(args=["users", "token", "nobody@example.org"]).exit_code == 2
    assert runner.invoke(args=["users", "token", user.email, "--days", "0"]).exit_code == 2


def test_last_used_is_recorded_at_most_once_a_minute(client, runner):
    event = make_event("tok-used")
    user = make_organiser(event, "used@example.org")
    token = _token(runner, user.email)
    row = db.session.scalar(sa.select(ApiToken))
    assert row.last_used_at is None
    assert _api(client, event, token).status_code == 200
    db.session.expire_all()
    first = db.session.scalar(sa.select(ApiToken.last_used_at))
    assert first is not None
    assert _api(client, event, token).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(sa.select(ApiToken.last_used_at)) == first  # within the minute: unchanged
    earlier = first - dt.timedelta(minutes=5)
    db.session.execute(sa.update(ApiToken).values(last_used_at=earlier))
    db.session.commit()
    assert _api(client, event, token).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(sa.select(ApiToken.last_used_at)) > earlier


def test_account_page_lists_and_revokes_tokens_with_csrf(app, runner):
    event = make_event("tok-page")
    user = make_organiser(event, "page@example.org")
    token = _token(runner, user.email, "--name", "Check-in phone")
    other = make_organiser(event, "other@example.org")
    _token(runner, other.email, "--name", "Someone else's token")

    csrf_app = create_app(base_config(WTF_CSRF_ENABLED=True))
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post("/login", data={"email": user.email, "password": "correct horse battery", "csrf_token": csrf})
    page = client.get("/manage/account/tokens")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]
    assert "Check-in phone" in html and "never" in html
    assert "Someone else" not in html
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    # Without the CSRF token: refused, and the token still works.
    assert client.post(f"/manage/account/tokens/{row.id}/revoke").status_code == 400
    assert _api(csrf_app.test_client(), event, token).status_code == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    done = client.post(f"/manage/account/tokens/{row.id}/revoke", data={"csrf_token": csrf})
    assert done.status_code == 302
    assert _api(csrf_app.test_client(), event, token).status_code == 401
    # Nobody revokes another person's token.
    theirs = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == other.id))
    assert (
        client.post(f"/manage/account/tokens/{theirs.id}/revoke", data={"csrf_token": csrf}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(ApiToken, theirs.id).revoked_at is None


def test_create_admin_takes_a_name(client, runner):
    result = runner.invoke(
        args=[
            "users",
            "create-admin",
            "boss@example.org",
            "--password",
            "long enough password",
            "--name",
            "Nadia Ωmega",
        ]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User.name).where(User.email == "boss@example.org")) == "Nadia Ωmega"
    runner.invoke(args=["users", "create-admin", "boss@example.org", "--password", "another long password"])
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.name).where(User.email == "boss@example.org")) == "Nadia Ωmega"
    event = make_event("named-admin")
    admin = db.session.scalar(sa.select(User))
    with unit_of_work():
        grant_organiser(event, "helper@example.org", actor=admin)
    login(client, admin, "another long password")
    audit = client.get(f"/manage/events/{event.slug}/audit").get_data(as_text=True)
    assert "Nadia Ωmega" in audit
