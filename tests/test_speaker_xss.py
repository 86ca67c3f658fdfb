"""Untrusted text (bio, links, titles, descriptions, file names) never becomes script."""

from __future__ import annotations

import io

import lxml.html
import pytest

from tests.factories import login, make_event, make_organiser, make_person, make_session
from tests.test_speaker_portal import sign_in
from tests.test_speaker_samples import isolated_client, make_pdf
from wid_events.enums import MaterialVisibility, SpeakerRole
from wid_events.extensions import db
from wid_events.people.models import Unavailability
from wid_events.speakers import services
from wid_events.speakers.models import Material

SCRIPT = "<script>alert('xss')</script>"
IMG = '<img src=x onerror="alert(1)">'


@pytest.fixture
def client(app):
    return isolated_client(app)


def assert_no_executable_script(html: str, where: str) -> None:
    doc = lxml.html.fromstring(html)
    for script in doc.iter("script"):
        assert "alert" not in (script.text or ""), f"{where}: injected <script>"
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), f"{where}: event handler {name}={value!r} on <{el.tag}>"
            if name.lower() in {"href", "src", "action", "formaction", "xlink:href"}:
                cleaned = "".join(value.split()).lower()
                assert not cleaned.startswith(("javascript:", "data:text", "vbscript:")), (
                    f"{where}: {name}={value!r}"
                )
    # The hostile text is still shown, as text.
    assert "alert(" in doc.text_content(), f"{where}: the hostile text should be visible, escaped"


def test_hostile_text_is_inert_on_every_page(app, client):
    event = make_event(title=f"Event {SCRIPT}")
    person = make_person(
        event,
        f"Eve {SCRIPT}",
        email="eve@example.org",
        organisation=f"Org {IMG}",
        job_title=SCRIPT,
        pronouns=SCRIPT,
        bio=f"Hi {SCRIPT} [click](javascript:alert(2)) {IMG} <a href='javascript:alert(3)'>x</a>",
        links=[
            {"label": f"Site {SCRIPT}", "url": "javascript:alert(4)"},
            {"label": "ok", "url": " JaVaScRiPt:alert(5)"},
        ],
    )
    session = make_session(
        event,
        f"Talk {SCRIPT}",
        description=f"Desc {SCRIPT} [c](javascript:alert(6)) {IMG}",
        speakers=[(person, SpeakerRole.SPEAKER)],
    )
    db.session.add(Unavailability(person=person, start=session.start, end=session.end, note=SCRIPT))
    db.session.commit()
    sign_in(client, person)
    # A file with a hostile title and name, through the real upload path.
    response = client.post(
        f"/speaker/sessions/{session.id}/materials/file",
        data={
            "f-file": (io.BytesIO(make_pdf()), f"{SCRIPT}.pdf"),
            "f-title": f"Slides {SCRIPT}",
            "f-visibility": "public",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    # A link material with a javascript: URL stored behind the service's back.
    db.session.add(
        Material(
            session_id=session.id,
            person_id=person.id,
            title=f"Video {IMG}",
            url="javascript:alert(7)",
            visibility=MaterialVisibility.PUBLIC,
        )
    )
    db.session.commit()

    pages = {
        "portal home": "/speaker/",
        "portal profile": "/speaker/profile",
        "portal availability": "/speaker/availability",
        "portal materials": f"/speaker/sessions/{session.id}/materials",
        "public materials": f"/events/{event.slug}/sessions/{session.id}/materials",
        "public session": f"/events/{event.slug}/sessions/{session.id}",
        "public speakers": f"/events/{event.slug}/speakers",
        "public speaker": f"/events/{event.slug}/speakers/{person.id}",
    }
    for where, url in pages.items():
        page = client.get(url)
        assert page.status_code == 200, f"{where}: {page.status_code}"
        assert_no_executable_script(page.get_data(as_text=True), where)

    organiser = make_organiser(event)
    org = isolated_client(app)
    login(org, organiser)
    for where, url in {
        "manage links": f"/manage/events/{event.slug}/speaker-links",
        "manage materials": f"/manage/events/{event.slug}/materials",
    }.items():
        page = org.get(url)
        assert page.status_code == 200, where
        assert_no_executable_script(page.get_data(as_text=True), where)

    # The download's Content-Disposition carries no markup or quotes that could break out.
    material = db.session.query(Material).filter(Material.url.is_(None)).one()
    got = client.get(f"/events/{event.slug}/materials/{material.id}")
    disposition = got.headers["Content-Disposition"]
    assert "<" not in disposition and "\n" not in disposition
    # The javascript: link material is never followed by the download route either.
    js = db.session.query(Material).filter(Material.url.isnot(None)).one()
    assert client.get(f"/events/{event.slug}/materials/{js.id}").status_code == 404
    # A revoked link's page shows the (hostile) event title as text only.
    _token, raw = services.issue_token(person, actor="test")
    db.session.commit()
    services.revoke_links(person, actor="test")
    db.session.commit()
    gone = isolated_client(app).get(f"/speaker/{raw}")
    assert gone.status_code == 403
    assert_no_executable_script(gone.get_data(as_text=True), "link invalid")
