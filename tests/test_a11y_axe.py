"""Accessibility in a real browser: axe-core (vendored, tests/vendor/axe.min.js) in Chromium.

Every page listed in issue 9 must have zero serious or critical violations. The pages are
served as in production (strict Content-Security-Policy, CSRF on); axe is injected through
the DevTools protocol (``page.evaluate``), which the page's CSP does not govern.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.factories import PASSWORD, make_organiser, make_user
from wid_events.agenda.models import Session
from wid_events.demo import data
from wid_events.demo.services import load_demo
from wid_events.enums import SessionType
from wid_events.events.models import Event
from wid_events.extensions import db

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING = ("serious", "critical")

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: ' + n.failureSummary.replace(/\\s+/g, ' ').slice(0, 300)),
  }));
}"""


def axe_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(RUN_AXE)


def check(page, label: str, found: dict) -> None:
    """Run axe on the current page and remember the serious and critical violations under ``label``."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    if blocking:
        found[label] = blocking


def report(found: dict) -> str:
    lines = []
    for label, violations in found.items():
        for v in violations:
            lines.append(f"{label}: [{v['impact']}] {v['id']}: {v['help']}")
            lines += [f"    {n}" for n in v["nodes"]]
    return "\n".join(lines)


@pytest.fixture
def demo(app):
    """The demo as `demo load` makes it: the Job Day and the next DT4E edition are dated some
    weeks after today, so the registration pages below are open whatever the date."""
    load_demo(actor="test")
    db.session.commit()
    events = {e.slug: e for e in db.session.scalars(sa.select(Event))}
    return events


def login(page, user) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/login" not in page.url, "login failed"


def first_session(event: Event, type_: SessionType | None = None) -> Session:
    stmt = sa.select(Session).where(Session.event_id == event.id).order_by(Session.start, Session.id)
    if type_ is not None:
        stmt = stmt.where(Session.type == type_)
    return db.session.scalars(stmt).first()


def test_axe_finds_a_real_violation(page):
    """The harness works: axe runs under the CSP and reports an image without a text alternative."""
    page.goto("/")
    page.evaluate(
        "() => { const i = document.createElement('img'); i.src = '/static/none.png'; document.querySelector('main').append(i); }"
    )
    ids = {v["id"] for v in axe_violations(page)}
    assert "image-alt" in ids


def test_public_pages_have_no_serious_violations(page, demo):
    dt4e = demo["dt4e-2024"]
    jobday = demo["women-in-digital-job-day"]
    panel = first_session(dt4e, SessionType.PANEL)
    speaker = panel.speakers[0].person
    found: dict = {}

    for label, url in {
        "home": "/",
        "event page": f"/events/{dt4e.slug}/",
        "agenda": f"/events/{dt4e.slug}/agenda",
        "agenda (filtered, one day)": f"/events/{dt4e.slug}/agenda?day=2024-09-12",
        "session page": f"/events/{dt4e.slug}/sessions/{panel.id}",
        "speakers": f"/events/{dt4e.slug}/speakers",
        "speaker page": f"/events/{dt4e.slug}/speakers/{speaker.id}",
        "login": "/login",
        "accessibility statement": "/accessibility",
        "registration form": f"/events/{jobday.slug}/register",
        "jobs (Job Day)": f"/events/{jobday.slug}/jobs",
        "exhibitors (Job Day)": f"/events/{jobday.slug}/exhibitors",
        "floor plan (Job Day)": f"/events/{jobday.slug}/floor-plan",
    }.items():
        response = page.goto(url)
        assert response.status == 200, (label, response.status)
        check(page, label, found)

    # The registration form with errors: submitted empty (the server validates; novalidate form).
    page.goto(f"/events/{jobday.slug}/register")
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[role=alert]").count() > 0, "the errors are announced"
    check(page, "registration form with errors", found)

    # A real registration, then the attendee's own page.
    page.goto(f"/events/{jobday.slug}/register")
    page.get_by_label("Name").fill("Amina El Idrissi")
    page.get_by_label("Email").fill("amina@example.org")
    attendance = page.locator("input[name=attendance]")
    if attendance.count():
        attendance.first.check()
    page.locator("input[name=consent]").check()
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/registrations/[^/]+$"))
    check(page, "attendee page", found)

    assert not found, "axe found serious or critical violations:\n" + report(found)


def test_organiser_pages_have_no_serious_violations(page, demo):
    dt4e = demo["dt4e-2024"]
    organiser = make_organiser(dt4e)
    found: dict = {}
    login(page, organiser)
    for label, url in {
        "organiser dashboard": "/manage/",
        "event home (organiser)": f"/manage/events/{dt4e.slug}/",
        "agenda editor": f"/manage/events/{dt4e.slug}/agenda",
        "balance report": f"/manage/events/{dt4e.slug}/balance",
        "session form": f"/manage/events/{dt4e.slug}/sessions/{first_session(dt4e, SessionType.PANEL).id}",
    }.items():
        response = page.goto(url)
        assert response.status == 200, (label, response.status)
        check(page, label, found)
    assert not found, "axe found serious or critical violations:\n" + report(found)


def test_admin_dashboard_with_no_event_has_no_serious_violations(page):
    admin = make_user(admin=True)
    found: dict = {}
    login(page, admin)
    page.goto("/manage/")
    check(page, "empty organiser dashboard", found)
    page.goto("/manage/events/new")
    check(page, "new event form", found)
    assert not found, "axe found serious or critical violations:\n" + report(found)


def test_pages_in_other_languages_have_no_serious_violations(page, demo):
    """Longer French and German words must not break contrast or labels (e.g. wrapped buttons)."""
    dt4e = demo["dt4e-2024"]
    found: dict = {}
    for lang in ("fr", "de"):
        for label, url in {"agenda": f"/events/{dt4e.slug}/agenda", "event": f"/events/{dt4e.slug}/"}.items():
            page.goto(f"{url}?lang={lang}")
            assert page.evaluate("document.documentElement.lang") == lang
            check(page, f"{label} ({lang})", found)
    assert not found, "axe found serious or critical violations:\n" + report(found)


def test_the_demo_job_day_is_upcoming_in_these_tests():
    """The registration pages above need an upcoming demo event (the Job Day), whatever today is."""
    job_day = next(p for p in data.packages() if p["event"]["slug"] == data.JOBDAY_SLUG)
    assert dt.date.fromisoformat(job_day["event"]["start_date"]) > dt.date.today()
