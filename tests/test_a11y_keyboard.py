"""Registration with the keyboard only, in Chromium: every control is reached with Tab and shows
a visible focus, errors are announced and linked to their fields, and the form can be completed
and sent without a mouse."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.factories import make_event, make_room, make_session
from wid_events.enums import SessionType

KEY_JS = """el => {
  if (!el || el === document.body) return 'BODY';
  if (el.type === 'radio') return 'radio:' + el.name;
  return el.id || el.name || (el.tagName + ':' + (el.getAttribute('href') || el.textContent.trim().slice(0, 40)));
}"""

# Everything a keyboard user can reach on the page, in document order (a radio group is one stop).
REACHABLE_JS = (
    """() => {
  const key = """
    + KEY_JS
    + """;
  const els = Array.from(document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]'))
    .filter(el => el.tabIndex >= 0 && !el.disabled && !el.closest('[aria-hidden=true]'))
    .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
  return [...new Set(els.map(key))];
}"""
)

FOCUS_STYLE_JS = """el => {
  const s = getComputedStyle(el);
  return {outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
          shadow: s.boxShadow, border: s.borderColor + ' ' + s.borderWidth, background: s.backgroundColor};
}"""


@pytest.fixture
def event(app):
    ev = make_event(
        "keyboard-day",
        title="Keyboard Day",
        start_date=dt.date(2030, 5, 6),
        end_date=dt.date(2030, 5, 6),
        access_needs_deadline=dt.date(2030, 4, 20),
    )
    a = make_room(ev, "Room A", capacity=30)
    b = make_room(ev, "Room B", capacity=30)
    start = dt.datetime(2030, 5, 6, 14)
    for title, room in (("Data for good", a), ("Cloud basics", b)):
        make_session(
            ev, title, type=SessionType.WORKSHOP, start=start, room=room, requires_signup=True, capacity=12
        )
    return ev


def active_key(page) -> str:
    return page.evaluate(f"() => ({KEY_JS})(document.activeElement)")


def tab_to(page, key: str, limit: int = 80, prefix: bool = False) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        got = active_key(page)
        if got == key or (prefix and got.startswith(key)):
            return
    raise AssertionError(f"{key} cannot be reached with Tab")


def test_every_control_is_reached_by_tab_and_shows_focus(page, event):
    page.goto(f"/events/{event.slug}/register")
    expected = page.evaluate(REACHABLE_JS)
    assert {"name", "email", "radio:attendance", "consent"} <= set(expected)
    assert "website" not in expected, "the spam trap must not be a keyboard stop"

    # Styles with nothing focused, to compare against.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    resting = page.evaluate(
        f"""() => {{ const key = {KEY_JS}, style = {FOCUS_STYLE_JS}, out = {{}};
        document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')
          .forEach(el => {{ const k = key(el); if (!(k in out)) out[k] = style(el); }});
        return out; }}"""
    )

    seen: list[str] = []
    no_focus_style: list[str] = []
    for _ in range(len(expected) + 15):
        page.keyboard.press("Tab")
        key = active_key(page)
        if key == "BODY" or (seen and key == seen[0]):
            break
        if key in seen:
            continue
        seen.append(key)
        focused = page.evaluate(f"() => ({FOCUS_STYLE_JS})(document.activeElement)")
        visible_outline = not focused["outline"].startswith("none") and " 0px " not in focused["outline"]
        if not visible_outline and focused == resting.get(key):
            no_focus_style.append(key)
        # The focused control is on screen (scrolled into view), not hidden off-canvas.
        box = page.evaluate(
            "() => { const r = document.activeElement.getBoundingClientRect(); return [r.width, r.height]; }"
        )
        assert box[0] > 1 and box[1] > 1, f"{key} has focus but is not visible"

    missing = [k for k in expected if k not in seen]
    assert not missing, f"not reachable with Tab: {missing}"
    assert not no_focus_style, f"no visible focus indicator on: {no_focus_style}"
    assert seen[0] == "A:#main", "the first stop is the skip link"
    # Tab order follows the form: name before email before the attendance choice before consent.
    order = [seen.index(k) for k in ("name", "email", "radio:attendance", "consent")]
    assert order == sorted(order)


def test_skip_link_moves_focus_to_the_main_content(page, event):
    page.goto(f"/events/{event.slug}/register")
    page.keyboard.press("Tab")
    box = page.evaluate("() => document.activeElement.getBoundingClientRect().toJSON()")
    assert box["width"] > 20 and box["height"] > 10 and box["top"] >= 0, "the skip link shows when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_errors_are_announced_and_linked_then_the_form_is_sent_by_keyboard(page, event):
    page.goto(f"/events/{event.slug}/register")
    # Send the empty form: Tab to the button, press Enter.
    tab_to(page, "BUTTON:Register")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/events/{event.slug}/register")

    summary = page.locator(".error-summary[role=alert]")
    assert summary.count() == 1 and summary.is_visible()
    # Every link of the summary leads to an existing field.
    for href in summary.locator("a").evaluate_all("els => els.map(a => a.getAttribute('href'))"):
        assert page.locator(href).count() == 1, href

    for field_id in ("name", "email", "consent"):
        control = page.locator(f"#{field_id}")
        assert control.get_attribute("aria-invalid") == "true", field_id
        described = (control.get_attribute("aria-describedby") or "").split()
        alerts = [i for i in described if page.locator(f"#{i}[role=alert]").count()]
        assert alerts, f"{field_id}: its error is not linked with aria-describedby"
        assert page.locator(f"#{alerts[0]}").inner_text().strip()
    # The attendance radios: the error sits in their fieldset, announced, and each radio points to it.
    assert page.locator("fieldset#attendance [role=alert]").count() == 1
    for radio in page.locator("input[name=attendance]").all():
        assert "attendance-error" in (radio.get_attribute("aria-describedby") or "").split()

    # Now complete it with the keyboard only (the error summary links or Tab get there).
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    tab_to(page, "name")
    page.keyboard.type("Kim Keyboard")
    tab_to(page, "email")
    page.keyboard.type("kim@example.org")
    tab_to(page, "radio:attendance")
    page.keyboard.press("Space")
    assert page.locator("input[name=attendance]:checked").count() == 1
    tab_to(page, "session", prefix=True)
    page.keyboard.press("Space")
    tab_to(page, "consent")
    page.keyboard.press("Space")
    assert page.locator("#consent").is_checked()
    tab_to(page, "BUTTON:Register")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/registrations/[^/]+$"))
    assert page.get_by_text("Kim Keyboard").count() >= 1
