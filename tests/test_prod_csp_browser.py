"""In a real Chromium: the public and organiser pages run under the strict CSP without a single
violation (no inline style or script slipped in), and their JavaScript still works."""

from __future__ import annotations

import pytest
from factories import PASSWORD, make_user

PAGES = [
    "/",
    "/events/dt4e-2024/",
    "/events/dt4e-2024/agenda",
    "/events/dt4e-2024/speakers",
    "/events/dt4e-2024/register",
    "/events/women-in-digital-job-day/",
    "/login",
    "/accessibility",
]


@pytest.mark.browser
def test_pages_have_no_csp_violations(page, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: (
            violations.append(f"{page.url}: {msg.text}") if "Content Security Policy" in msg.text else None
        ),
    )
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    # The organiser area too, after a real login through the form (CSRF on).
    admin = make_user(admin=True)
    page.goto("/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url
    for path in ["/manage/", "/manage/events/dt4e-2024/", "/manage/events/dt4e-2024/agenda"]:
        response = page.goto(path)
        assert response.status == 200, path
    assert violations == []
