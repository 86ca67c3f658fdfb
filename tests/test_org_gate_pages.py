"""The balance gate is visible before anyone clicks publish (issue 14): the publish page on GET,
the session editor's live verdict, the agenda editor's marks. Plurals through ngettext."""

from __future__ import annotations

import datetime as dt

from tests.factories import login, make_event, make_organiser, make_person, make_room, make_session
from wid_events.enums import Gender, SessionType, SpeakerRole


def _event_with_blockers():
    event = make_event(published=False)
    room = make_room(event, "Main hall")
    men = [make_person(event, f"Man {i}", Gender.MAN) for i in range(4)]
    woman = make_person(event, "Émilie Dubois", Gender.WOMAN)
    start = dt.datetime(2030, 9, 11, 10, 0)
    failing = make_session(
        event,
        "All-men panel",
        type=SessionType.PANEL,
        start=start,
        room=room,
        speakers=[(m, SpeakerRole.PANELIST) for m in men[:3]],
    )
    # the same man twice at once: a conflict
    make_session(event, "Clash talk", start=start, speakers=[(men[0], SpeakerRole.SPEAKER)])
    undecided = make_person(event, "Kim Nguyen", Gender.UNDISCLOSED)
    incomplete = make_session(
        event,
        "Open panel",
        type=SessionType.PANEL,
        start=start + dt.timedelta(hours=3),
        room=room,
        speakers=[(men[3], SpeakerRole.PANELIST), (undecided, SpeakerRole.PANELIST)],
    )
    return event, failing, incomplete, woman


def test_publish_page_lists_failing_panels_then_conflicts_then_incomplete_on_get(client):
    event, failing, _incomplete, _ = _event_with_blockers()
    login(client, make_organiser(event))
    response = client.get(f"/manage/events/{event.slug}/publish")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "1 failing panel" in html
    assert "All-men panel" in html and "1 woman needed; 3 men panelists" in html
    assert f"/balance#panel-{failing.id}" in html
    assert "1 conflict" in html and "1 conflicts" not in html
    assert "Warning: 1 incomplete panel" in html and "Open panel" in html
    order = [
        html.index(marker)
        for marker in ('id="failing-panels"', 'class="conflicts-box"', 'id="incomplete-panels"')
    ]
    assert order == sorted(order)


def test_session_editor_shows_the_panels_verdict_as_speakers_change(client):
    event, failing, _incomplete, woman = _event_with_blockers()
    login(client, make_organiser(event))
    url = f"/manage/events/{event.slug}/sessions/{failing.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="panel-verdict"' in page and "verdict-fail" in page
    assert "1 woman needed" in page
    response = client.post(f"{url}/speakers", data={"person_id": woman.id, "role": "panelist"})
    assert response.status_code in (302, 303)
    page = client.get(url).get_data(as_text=True)
    assert "verdict-pass" in page and "meets the minimum of 1 woman" in page


def test_agenda_editor_marks_failing_panels_and_translates_types(client):
    event, _failing, _incomplete, _woman = _event_with_blockers()
    login(client, make_organiser(event))
    html = client.get(f"/manage/events/{event.slug}/agenda").get_data(as_text=True)
    assert "1 panel fails No Women No Panel" in html
    assert "fails-balance" in html
    assert "· Panel" in html and "· panel" not in html
    html = client.get(f"/manage/events/{event.slug}/agenda", headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )
    assert "· panel ·" not in html
