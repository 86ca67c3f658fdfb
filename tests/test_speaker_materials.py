"""Slide uploads: content checks, limits, names, permissions, versions, visibility, review."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.factories import login, make_event, make_organiser, make_person, make_session
from tests.test_speaker_portal import sign_in
from tests.test_speaker_samples import (
    HTML,
    SVG,
    isolated_client,
    make_docx,
    make_odp,
    make_odt,
    make_pdf,
    make_pptx,
)
from wid_events.enums import MaterialVisibility, SessionType, SpeakerRole
from wid_events.extensions import db
from wid_events.speakers import services
from wid_events.speakers.models import Material, MaterialVersion


@pytest.fixture
def client(app):
    return isolated_client(app)


@pytest.fixture
def speaker(app, client):
    event = make_event()
    person = make_person(event, "Ada Lovelace", email="ada@example.org")
    session = make_session(event, "Opening keynote", speakers=[(person, SpeakerRole.SPEAKER)])
    sign_in(client, person)
    return event, person, session


def upload(client, session_id, data: bytes, name: str, visibility="public", title=""):
    return client.post(
        f"/speaker/sessions/{session_id}/materials/file",
        data={"f-file": (io.BytesIO(data), name), "f-title": title, "f-visibility": visibility},
        content_type="multipart/form-data",
    )


def only_material() -> Material:
    return db.session.scalars(sa.select(Material)).one()


@pytest.mark.parametrize(
    ("builder", "name", "kind", "mimetype"),
    [
        (make_pdf, "slides.pdf", "pdf", "application/pdf"),
        (
            make_pptx,
            "deck.pptx",
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (make_odp, "deck.odp", "odp", "application/vnd.oasis.opendocument.presentation"),
        (
            make_docx,
            "notes.docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (make_odt, "notes.odt", "odt", "application/vnd.oasis.opendocument.text"),
    ],
)
def test_upload_real_documents_and_download_them_safely(app, client, speaker, builder, name, kind, mimetype):
    event, _person, session = speaker
    data = builder()
    response = upload(client, session.id, data, name)
    assert response.status_code == 302, response.get_data(as_text=True)
    material = only_material()
    version = material.current
    assert (version.kind, version.content_type, version.filename, version.size) == (
        kind,
        mimetype,
        name,
        len(data),
    )
    # Stored under a random name, outside static/.
    stored = Path(app.config["UPLOAD_FOLDER"]) / version.storage_key
    assert stored.read_bytes() == data
    assert name not in version.storage_key
    static = Path(app.static_folder).resolve()
    assert static not in stored.resolve().parents
    # The portal lists it, with type and size.
    listing = client.get(f"/speaker/sessions/{session.id}/materials").get_data(as_text=True)
    assert name in listing
    # Anyone can download it (public now), as an attachment with nosniff and the detected type.
    anon = isolated_client(app)
    got = anon.get(f"/events/{event.slug}/materials/{material.id}")
    assert got.status_code == 200
    assert got.data == data
    assert got.mimetype == mimetype
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert f"filename*=UTF-8''{name}" in got.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (HTML, "slides.pdf", "not accepted"),
        (SVG, "diagram.svg", "not accepted"),
        (SVG, "diagram.pdf", "not accepted"),
        (b"", "empty.pdf", "empty"),
        (b"%PDX-1.4 nearly", "almost.pdf", "not accepted"),
    ],
)
def test_refused_files_leave_nothing_behind(app, client, speaker, data, name, message):
    _event, _person, session = speaker
    root = Path(app.config["UPLOAD_FOLDER"])
    before = set(root.rglob("*"))
    response = upload(client, session.id, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Material)) == 0
    assert set(root.rglob("*")) == before


def test_form_shows_the_limit_and_the_accepted_types(app, client, speaker):
    _event, _person, session = speaker
    text = client.get(f"/speaker/sessions/{session.id}/materials").get_data(as_text=True)
    assert "Maximum 50 MB; PDF, PPTX, ODP, DOCX or ODT." in text


def test_oversized_upload_gets_the_friendly_413_page(app, client, speaker, monkeypatch):
    _event, _person, session = speaker
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", int(1.5 * 1024 * 1024))
    big = make_pdf() + os.urandom(2 * 1024 * 1024)
    response = upload(client, session.id, big, "big.pdf")
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "larger than the 1 MB limit" in text
    assert "<h1>File too large</h1>" in text
    # Between the file limit and the request limit: refused by the upload check, same status.
    medium = make_pdf() + os.urandom(1024 * 1024 + 100_000)
    response = upload(client, session.id, medium, "medium.pdf")
    assert response.status_code == 413
    assert "larger than the 1 MB limit" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Material)) == 0


@pytest.mark.parametrize(
    ("raw", "display"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\boot.ini.pdf", "boot.ini.pdf"),
        ("/var/www/static/x.pdf", "x.pdf"),
        ("....//....//evil.pdf", "evil.pdf"),
    ],
)
def test_path_traversal_in_filenames(app, client, speaker, raw, display):
    event, _person, session = speaker
    assert upload(client, session.id, make_pdf(), raw).status_code == 302
    version = only_material().current
    assert version.filename == display
    root = Path(app.config["UPLOAD_FOLDER"]).resolve()
    assert root in (root / version.storage_key).resolve().parents
    assert not Path("/etc/passwd.pdf").exists()
    got = isolated_client(app).get(f"/events/{event.slug}/materials/{only_material().id}")
    assert f"filename*=UTF-8''{display}" in got.headers["Content-Disposition"]
    assert ".." not in got.headers["Content-Disposition"]


def test_another_speakers_session_is_403(app, client, speaker):
    event, _person, _session = speaker
    grace = make_person(event, "Grace Hopper", email="grace@example.org")
    theirs = make_session(event, "Grace's talk", speakers=[(grace, SpeakerRole.SPEAKER)])
    assert client.get(f"/speaker/sessions/{theirs.id}/materials").status_code == 403
    assert upload(client, theirs.id, make_pdf(), "x.pdf").status_code == 403
    link = client.post(
        f"/speaker/sessions/{theirs.id}/materials/link",
        data={"l-url": "https://video.example.org/v", "l-visibility": "public"},
    )
    assert link.status_code == 403
    # Nor their materials.
    material = services.add_link_material(
        theirs, "https://example.org/x", person=grace, actor="test", visibility="organisers"
    )
    db.session.commit()
    assert (
        client.post(
            f"/speaker/materials/{material.id}/visibility", data={f"vis{material.id}-visibility": "public"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/speaker/materials/{material.id}/version",
            data={f"v{material.id}-file": (io.BytesIO(make_pdf()), "x.pdf")},
            content_type="multipart/form-data",
        ).status_code
        == 403
    )
    assert client.get(f"/events/{event.slug}/materials/{material.id}").status_code == 404
    assert db.session.get(Material, material.id).visibility == MaterialVisibility.ORGANISERS
    # An event's other sessions do not exist for a portal of another event.
    other_event = make_event()
    foreign = make_session(other_event, "Elsewhere")
    assert client.get(f"/speaker/sessions/{foreign.id}/materials").status_code == 404


def test_reupload_adds_a_version_and_serves_the_newest(app, client, speaker):
    event, _person, session = speaker
    assert upload(client, session.id, make_pdf("one"), "v1.pdf").status_code == 302
    material = only_material()
    response = client.post(
        f"/speaker/materials/{material.id}/version",
        data={f"v{material.id}-file": (io.BytesIO(make_odp()), "v2.odp")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    material = only_material()
    assert [v.number for v in material.versions] == [1, 2]
    first, _second = material.versions
    assert Path(app.config["UPLOAD_FOLDER"], first.storage_key).exists()  # not overwritten
    anon = isolated_client(app)
    current = anon.get(f"/events/{event.slug}/materials/{material.id}")
    assert current.data == make_odp() and current.mimetype.endswith("presentation")
    # Older versions: the speaker and organisers only.
    assert client.get(f"/events/{event.slug}/materials/{material.id}/v1").data == make_pdf("one")
    assert anon.get(f"/events/{event.slug}/materials/{material.id}/v1").status_code == 404
    organiser = make_organiser(event)
    org_client = isolated_client(app)
    login(org_client, organiser)
    assert org_client.get(f"/events/{event.slug}/materials/{material.id}/v1").status_code == 200
    # A bad re-upload keeps what was there.
    bad = client.post(
        f"/speaker/materials/{material.id}/version",
        data={f"v{material.id}-file": (io.BytesIO(HTML), "v3.pdf")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MaterialVersion)) == 2


def test_visibility_before_and_after_session_start(app, client, speaker):
    event, _person, session = speaker
    pdf = make_pdf()
    upload(client, session.id, pdf, "later.pdf", visibility="after_start", title="Later slides")
    upload(client, session.id, pdf, "org.pdf", visibility="organisers", title="Organisers only")
    upload(client, session.id, pdf, "now.pdf", visibility="public", title="Public slides")
    later, org, now_m = db.session.scalars(sa.select(Material).order_by(Material.id)).all()
    start = session.start_utc
    before, after = start - dt.timedelta(minutes=1), start + dt.timedelta(minutes=1)
    assert [m.title for m in services.public_materials(session, now=before)] == ["Public slides"]
    assert [m.title for m in services.public_materials(session, now=after)] == [
        "Later slides",
        "Public slides",
    ]
    assert services.is_public(later, now=start)  # from the very start

    anon = isolated_client(app)
    # The session is in 2030: "after start" is not yet public, through every route.
    assert anon.get(f"/events/{event.slug}/materials/{later.id}").status_code == 404
    assert anon.get(f"/events/{event.slug}/materials/{org.id}").status_code == 404
    assert anon.get(f"/events/{event.slug}/materials/{now_m.id}").status_code == 200
    page = anon.get(f"/events/{event.slug}/sessions/{session.id}/materials").get_data(as_text=True)
    assert "Public slides" in page and "Later slides" not in page and "Organisers only" not in page
    assert ("PDF" in page and " KB" in page) or " B)" in page
    # The speaker may still download their own non-public materials.
    assert client.get(f"/events/{event.slug}/materials/{later.id}").status_code == 200

    # Move the session into the past: now "after start" is public too.
    session.start = dt.datetime.now() - dt.timedelta(days=2)
    session.end = session.start + dt.timedelta(hours=1)
    db.session.commit()
    page = anon.get(f"/events/{event.slug}/sessions/{session.id}/materials").get_data(as_text=True)
    assert "Later slides" in page and "Organisers only" not in page
    assert anon.get(f"/events/{event.slug}/materials/{later.id}").status_code == 200

    # Unpublished event: nothing is public.
    event.published = False
    db.session.commit()
    assert anon.get(f"/events/{event.slug}/materials/{now_m.id}").status_code == 404


def test_links_as_materials(app, client, speaker):
    event, _person, session = speaker
    bad = client.post(
        f"/speaker/sessions/{session.id}/materials/link",
        data={"l-url": "javascript:alert(1)", "l-visibility": "public"},
    )
    assert bad.status_code == 422
    ok = client.post(
        f"/speaker/sessions/{session.id}/materials/link",
        data={
            "l-url": "https://video.example.org/watch?v=1",
            "l-title": "Recording",
            "l-visibility": "public",
        },
    )
    assert ok.status_code == 302
    material = only_material()
    assert material.is_link
    page = (
        isolated_client(app)
        .get(f"/events/{event.slug}/sessions/{session.id}/materials")
        .get_data(as_text=True)
    )
    assert 'href="https://video.example.org/watch?v=1"' in page


def test_organisers_hide_any_material_and_remind_speakers_missing_slides(app, client, speaker, outbox):
    event, _person, session = speaker
    grace = make_person(event, "Grace Hopper", email="grace@example.org")
    noemail = make_person(event, "Anon Speaker")
    panel = make_session(
        event,
        "Panel without slides",
        type=SessionType.PANEL,
        speakers=[(grace, SpeakerRole.PANELIST), (noemail, SpeakerRole.PANELIST)],
    )
    make_session(event, "Coffee", type=SessionType.BREAK)
    upload(client, session.id, make_pdf(), "slides.pdf", title="Keynote slides")
    material = only_material()

    organiser = make_organiser(event)
    org = isolated_client(app)
    login(org, organiser)
    page = org.get(f"/manage/events/{event.slug}/materials").get_data(as_text=True)
    assert "Keynote slides" in page
    missing_section = page.split("Sessions still missing slides")[1].split("Add a file for a session")[0]
    assert "Panel without slides" in missing_section
    assert "Opening keynote" not in missing_section and "Coffee" not in missing_section

    anon = isolated_client(app)
    assert anon.get(f"/events/{event.slug}/materials/{material.id}").status_code == 200
    assert (
        org.post(
            f"/manage/events/{event.slug}/materials/{material.id}/hidden", data={"hidden": "1"}
        ).status_code
        == 302
    )
    assert anon.get(f"/events/{event.slug}/materials/{material.id}").status_code == 404
    listing = anon.get(f"/events/{event.slug}/sessions/{session.id}/materials").get_data(as_text=True)
    assert "Keynote slides" not in listing
    # The speaker sees that it was hidden and cannot make it public again themselves.
    assert "Hidden by the organisers" in client.get(f"/speaker/sessions/{session.id}/materials").get_data(
        as_text=True
    )
    client.post(
        f"/speaker/materials/{material.id}/visibility", data={f"vis{material.id}-visibility": "public"}
    )
    assert anon.get(f"/events/{event.slug}/materials/{material.id}").status_code == 404
    # Hidden material does not count as slides.
    assert [m.session.title for m in services.sessions_missing_slides(event)] == [
        "Opening keynote",
        "Panel without slides",
    ]
    assert (
        org.post(
            f"/manage/events/{event.slug}/materials/{material.id}/hidden", data={"hidden": "0"}
        ).status_code
        == 302
    )
    assert anon.get(f"/events/{event.slug}/materials/{material.id}").status_code == 200

    response = org.post(f"/manage/events/{event.slug}/materials/remind")
    assert response.status_code == 302
    mails = outbox()
    assert [m["To"] for m in mails] == ["grace@example.org"]
    body = mails[0].get_body(("plain",)).get_content()
    assert "Panel without slides" in body and "/speaker/" in body
    flashes = org.get(f"/manage/events/{event.slug}/materials").get_data(as_text=True)
    assert "Anon Speaker" in flashes  # told who could not be reminded
    # The reminder's link works.
    link = body.split("/speaker/")[1].split()[0]
    grace_client = isolated_client(app)
    assert grace_client.get(f"/speaker/{link}").status_code == 302
    assert panel.title in grace_client.get("/speaker/").get_data(as_text=True)
    # Organisers of another event cannot hide it.
    stranger = make_organiser(make_event())
    other = isolated_client(app)
    login(other, stranger)
    assert (
        other.post(
            f"/manage/events/{event.slug}/materials/{material.id}/hidden", data={"hidden": "1"}
        ).status_code
        == 403
    )


def test_material_of_another_event_is_not_reachable_through_this_slug(app, client, speaker):
    _event, _person, session = speaker
    upload(client, session.id, make_pdf(), "slides.pdf")
    material = only_material()
    other = make_event()
    assert isolated_client(app).get(f"/events/{other.slug}/materials/{material.id}").status_code == 404


def test_oversized_upload_to_a_real_server_gets_the_413_page_not_a_reset(
    app, live_server, _live_app, monkeypatch
):
    event = make_event()
    person = make_person(event, "Ada", email="ada@example.org")
    session = make_session(event, "Talk", speakers=[(person, SpeakerRole.SPEAKER)])
    _token, raw = services.issue_token(person, actor="test")
    db.session.commit()
    monkeypatch.setitem(_live_app.config, "MAX_UPLOAD_MB", 1)
    monkeypatch.setitem(_live_app.config, "MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    conn = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=30)
    conn.request("GET", f"/speaker/{raw}")
    opened = conn.getresponse()
    opened.read()
    assert opened.status == 302
    cookie = opened.getheader("Set-Cookie").split(";", 1)[0]
    boundary = "wid-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="f-file"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + make_pdf()
        + os.urandom(6 * 1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    conn.request(
        "POST",
        f"/speaker/sessions/{session.id}/materials/file",
        body=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": cookie},
    )
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    assert response.status == 413
    assert "larger than the 1 MB limit" in text and "Nothing was saved" in text
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Material)) == 0


def test_organiser_adds_a_file_for_any_session(app, client):
    event = make_event()
    session = make_session(event, "Panel")
    other_event_session = make_session(make_event(), "Elsewhere")
    org = isolated_client(app)
    login(org, make_organiser(event))
    page = org.get(f"/manage/events/{event.slug}/materials").get_data(as_text=True)
    assert "Add a file for a session" in page and "Maximum 50 MB; PDF, PPTX, ODP, DOCX or ODT." in page
    bad = org.post(
        f"/manage/events/{event.slug}/materials/upload",
        data={
            "o-session_id": str(session.id),
            "o-file": (io.BytesIO(HTML), "x.pdf"),
            "o-visibility": "public",
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "not accepted" in bad.get_data(as_text=True)
    foreign = org.post(
        f"/manage/events/{event.slug}/materials/upload",
        data={
            "o-session_id": str(other_event_session.id),
            "o-file": (io.BytesIO(make_pdf()), "x.pdf"),
            "o-visibility": "public",
        },
        content_type="multipart/form-data",
    )
    assert foreign.status_code == 422  # not a choice of this event
    ok = org.post(
        f"/manage/events/{event.slug}/materials/upload",
        data={
            "o-session_id": str(session.id),
            "o-file": (io.BytesIO(make_pptx()), "panel.pptx"),
            "o-title": "Panel deck",
            "o-visibility": "public",
        },
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    material = only_material()
    assert (material.session_id, material.title, material.person_id) == (session.id, "Panel deck", None)
    assert material.current.uploaded_by.endswith("@example.org")
    assert isolated_client(app).get(f"/events/{event.slug}/materials/{material.id}").status_code == 200
