"""The application factory, health check, auth and error shapes."""

from __future__ import annotations

from tests.factories import login, make_event, make_organiser, make_user


def test_healthz_reports_migrations_not_current_on_create_all_db(client):
    # The test database is built with create_all, not migrations, so no alembic version row.
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_login_success_and_generic_failure(client):
    user = make_user("ada@example.org")
    bad = client.post("/login", data={"email": "ada@example.org", "password": "wrong-password"})
    assert bad.status_code == 401
    assert b"Email or password is incorrect." in bad.data
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "wrong-password"})
    assert unknown.status_code == 401
    assert b"Email or password is incorrect." in unknown.data
    ok = login(client, user)
    assert ok.status_code == 302
    assert client.get("/manage/").status_code == 200


def test_manage_requires_login(client):
    response = client.get("/manage/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_json_error_shape_for_api_paths(client):
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    body = response.get_json()
    assert body["error"]["code"] == "not_found"
    assert isinstance(body["error"]["message"], str)


def test_html_404_page_is_friendly(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert b'<main id="main"' in response.data


def test_cli_users(runner, app):
    result = runner.invoke(args=["users", "create-admin", "root@example.org", "--password", "long-enough-pw"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "token", "root@example.org"])
    assert result.exit_code == 0
    token = result.output.strip()
    assert len(token) >= 40
    result = runner.invoke(args=["users", "token", "ghost@example.org"])
    assert result.exit_code == 2


def test_organiser_fixture_scoped_to_event(app):
    from wid_events.accounts.permissions import is_organiser

    a, b = make_event(), make_event()
    user = make_organiser(a)
    assert is_organiser(user, a)
    assert not is_organiser(user, b)
