"""Issue 16, F9: every URL field takes only an absolute http(s) URL, on forms and on import.

``https://ok.example/"onmouseover=…`` used to be accepted and returned by the API."""

from __future__ import annotations

import pytest

from tests.factories import make_event, make_exhibitor, make_person, make_session
from tests.test_pkg_roundtrip import base_package
from tests.test_speaker_portal import profile_data, setup_speaker, sign_in
from wid_events.core.text import is_http_url
from wid_events.errors import DomainError
from wid_events.events import services as event_services
from wid_events.extensions import db
from wid_events.jobday import services as jobday_services
from wid_events.packages.package import validate_package
from wid_events.speakers import services as speaker_services

BAD = [
    'https://ok.example/"onmouseover=alert(1)',
    "https://ok.example/<script>",
    "https://ok.example/a b",
    "https://ok.example/\\evil",
    "https://ok.example:port/",
    "https://user:pw@ok.example/",
    "https://ok..example/",
    "javascript:alert(1)",
    "ok.example/path",
    "https://",
]
GOOD = ["https://ok.example/talk?x=1&y=%22", "http://localhost:8000/", "https://bücher.example/über"]


@pytest.mark.parametrize("url", BAD)
def test_bad_urls_are_refused(url):
    assert not is_http_url(url)


@pytest.mark.parametrize("url", GOOD)
def test_good_urls_are_kept(url):
    assert is_http_url(url)


ATTACK = 'https://ok.example/"onmouseover=alert(1)'


def test_every_url_field_refuses_the_attack(app):
    event = make_event("urls")
    person = make_person(event, "Ada")
    session = make_session(event)
    with pytest.raises(DomainError):
        speaker_services.update_profile(
            person, {"name": "Ada", "links": [{"label": "x", "url": ATTACK}]}, actor="test"
        )
    db.session.rollback()
    with pytest.raises(DomainError):
        speaker_services.add_link_material(session, ATTACK, person=person, actor="test")
    db.session.rollback()
    exhibitor = make_exhibitor(event, "Acme")
    with pytest.raises(DomainError):
        jobday_services.update_profile(exhibitor, {"website": ATTACK}, actor="test")
    db.session.rollback()
    with pytest.raises(DomainError):
        jobday_services.create_offer(exhibitor, {"title": "Dev", "apply_url": ATTACK}, actor="test")
    db.session.rollback()
    with pytest.raises(DomainError):
        event_services.update_event(event, actor="test", livestream_url=ATTACK)
    db.session.rollback()


def test_event_package_import_refuses_the_attack():
    package = base_package()
    package["event"]["livestream_url"] = ATTACK
    problems = validate_package(package)
    assert any("livestream_url" in p for p in problems), problems


def test_speaker_portal_form_refuses_the_attack(app, client):
    event, ada, _session = setup_speaker()
    sign_in(client, ada)
    response = client.post("/speaker/profile", data=profile_data(**{"links-0-url": ATTACK}))
    assert response.status_code in (400, 422)
    db.session.refresh(ada)
    assert ATTACK not in str(ada.links)
    assert ATTACK not in client.get(f"/api/v1/events/{event.slug}/speakers").get_data(as_text=True)
