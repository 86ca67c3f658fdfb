"""Personal links, the portal sign-in, invitation answers, profile, photo and availability."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.factories import login, make_event, make_organiser, make_person, make_session
from tests.test_speaker_samples import HTML, isolated_client, make_jpeg_with_gps, make_pdf, make_png
from wid_events.agenda.models import SessionSpeaker
from wid_events.audit.models import AuditLogEntry
from wid_events.core.uow import commit
from wid_events.core.web import hash_token
from wid_events.enums import Gender, GenderSource, InvitationStatus, SpeakerRole
from wid_events.extensions import db
from wid_events.speakers import services
from wid_events.speakers.models import SpeakerToken
from wid_events.storage import get_storage

LINK_RE = re.compile(r"https?://\S+/speaker/([A-Za-z0-9_-]+)")


@pytest.fixture
def client(app):
    return isolated_client(app)


def sign_in(client, person):
    """Issue a link and open it; returns the raw token."""
    _token, raw = services.issue_token(person, actor="test")
    db.session.commit()
    response = client.get(f"/speaker/{raw}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/speaker/")
    return raw


def setup_speaker(email="ada@example.org", **kw):
    event = make_event(**kw)
    person = make_person(event, "Ada Lovelace", email=email)
    session = make_session(event, "Opening keynote", speakers=[(person, SpeakerRole.SPEAKER)])
    return event, person, session


# --- invitations ----------------------------------------------------------------------------


def test_cli_invite_emails_and_prints_a_working_hashed_link(app, runner, client, outbox):
    event, _person, _session = setup_speaker(email="Ada@Example.org")
    result = runner.invoke(args=["speakers", "invite", event.slug, "ada@example.org"])
    assert result.exit_code == 0, result.output
    match = LINK_RE.search(result.output)
    assert match, result.output
    raw = match.group(1)
    assert len(raw) >= 22  # ≥ 128 bits in url-safe base64
    mails = outbox()
    assert len(mails) == 1
    assert mails[0]["To"] == "Ada@Example.org"
    assert raw in mails[0].get_body(("plain",)).get_content()
    assert match.group(0).startswith("http")
    # Only the hash is stored, and it expires 30 days after the event's end (a per-event setting).
    token = db.session.scalar(sa.select(SpeakerToken))
    assert token.token_hash == hash_token(raw) and raw not in token.token_hash
    event_end = dt.datetime.combine(event.end_date + dt.timedelta(days=1), dt.time(0), tzinfo=event.tz)
    assert token.expires_at == event_end.astimezone(dt.UTC) + dt.timedelta(days=30)
    # The link opens the portal.
    assert client.get(f"/speaker/{raw}").status_code == 302
    page = client.get("/speaker/")
    assert page.status_code == 200
    assert "Opening keynote" in page.get_data(as_text=True)


def test_cli_invite_unknown_slug_or_email_exits_2(app, runner):
    event, _person, _session = setup_speaker()
    other = make_event()
    make_person(other, "Grace", email="grace@example.org")
    assert runner.invoke(args=["speakers", "invite", "nope", "ada@example.org"]).exit_code == 2
    assert runner.invoke(args=["speakers", "invite", event.slug, "nobody@example.org"]).exit_code == 2
    # A person of another event is not a person of this one.
    assert runner.invoke(args=["speakers", "invite", event.slug, "grace@example.org"]).exit_code == 2


def test_resend_revokes_the_old_link_immediately_even_mid_session(app, client, outbox):
    _event, person, _session = setup_speaker()
    old = sign_in(client, person)
    assert client.get("/speaker/").status_code == 200
    services.invite(person, actor="test")
    commit()  # the new link is minted and mailed after the commit
    # The portal session opened with the old link stops working at once.
    assert client.get("/speaker/").status_code == 403
    gone = client.get(f"/speaker/{old}")
    assert gone.status_code == 403
    assert "new link" in gone.get_data(as_text=True)
    (mail,) = outbox()
    new = LINK_RE.search(mail.get_body(("plain",)).get_content()).group(1)
    assert client.get(f"/speaker/{new}").status_code == 302
    assert client.get("/speaker/").status_code == 200


def test_expired_and_revoked_and_unknown_links(app, client):
    _event, person, _session = setup_speaker()
    token, raw = services.issue_token(person, actor="test")
    token.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    db.session.commit()
    expired = client.get(f"/speaker/{raw}")
    assert expired.status_code == 403
    body = expired.get_data(as_text=True)
    assert "expired" in body and "new link" in body
    assert client.get("/speaker/").status_code == 403

    _token2, raw2 = services.issue_token(person, actor="test")
    db.session.commit()
    services.revoke_links(person, actor="test")
    db.session.commit()
    revoked = client.get(f"/speaker/{raw2}")
    assert revoked.status_code == 403
    assert "new link" in revoked.get_data(as_text=True)

    unknown = client.get("/speaker/" + "x" * 43)
    assert unknown.status_code == 404
    assert "new link" in unknown.get_data(as_text=True)


def test_organiser_buttons_invite_resend_revoke_and_see_answers(app, client, outbox):
    event, person, session = setup_speaker()
    organiser = make_organiser(event)
    login(client, organiser)
    page = client.get(f"/manage/events/{event.slug}/speaker-links")
    assert page.status_code == 200
    assert "never sent" in page.get_data(as_text=True)
    assert client.post(f"/manage/events/{event.slug}/speaker-links/{person.id}/send").status_code == 302
    assert client.post(f"/manage/events/{event.slug}/speaker-links/{person.id}/send").status_code == 302
    mails = outbox()
    assert len(mails) == 2
    first, second = (LINK_RE.search(m.get_body(("plain",)).get_content()).group(1) for m in mails)
    assert first != second
    tokens = db.session.scalars(sa.select(SpeakerToken).order_by(SpeakerToken.id)).all()
    assert [t.state for t in tokens] == ["revoked", "active"]

    # The speaker answers through their portal; the organiser sees it.
    speaker = isolated_client(app)
    assert speaker.get(f"/speaker/{second}").status_code == 302
    assert (
        speaker.post(f"/speaker/sessions/{session.id}/answer", data={"answer": "decline"}).status_code == 302
    )
    link = db.session.scalar(sa.select(SessionSpeaker).where(SessionSpeaker.person_id == person.id))
    db.session.refresh(link)
    assert link.invitation_status == InvitationStatus.DECLINED and link.answered_at is not None
    text = client.get(f"/manage/events/{event.slug}/speaker-links").get_data(as_text=True)
    assert "declined" in text

    assert client.post(f"/manage/events/{event.slug}/speaker-links/{person.id}/revoke").status_code == 302
    assert speaker.get("/speaker/").status_code == 403
    actions = set(db.session.scalars(sa.select(AuditLogEntry.action)))
    assert {"speaker.invite", "speaker.revoke", "speaker.answer"} <= actions


def test_organiser_pages_need_an_organiser_of_that_event(app, client):
    event, person, _session = setup_speaker()
    other_event = make_event()
    stranger = make_organiser(other_event)
    login(client, stranger)
    assert client.get(f"/manage/events/{event.slug}/speaker-links").status_code == 403
    assert client.post(f"/manage/events/{event.slug}/speaker-links/{person.id}/send").status_code == 403
    assert client.get(f"/manage/events/{event.slug}/materials").status_code == 403


def test_portal_sign_in_is_not_an_organiser_login(app, client):
    event, person, session = setup_speaker()
    sign_in(client, person)
    assert client.get("/speaker/").status_code == 200
    # No Flask-Login session: the organiser area asks for a login.
    manage = client.get("/manage/")
    assert manage.status_code == 302 and "/login" in manage.headers["Location"]
    assert client.get(f"/manage/events/{event.slug}/materials").status_code == 302
    # A speaker cannot answer for a session they are not on.
    other = make_session(event, "Not mine")
    assert client.post(f"/speaker/sessions/{other.id}/answer", data={"answer": "accept"}).status_code == 403
    assert client.post(f"/speaker/sessions/{session.id}/answer", data={"answer": "accept"}).status_code == 302
    assert person.session_links[0].invitation_status == InvitationStatus.ACCEPTED


# --- profile --------------------------------------------------------------------------------


def profile_data(**over):
    data = {
        "name": "Ada King",
        "organisation": "Analytical Engines",
        "job_title": "Programmer",
        "pronouns": "she/her",
        "bio": "I write **programs**.",
        "gender": "woman",
        "gender_self_description": "",
        "links-0-label": "Website",
        "links-0-url": "https://ada.example.org",
    }
    data.update(over)
    return data


def test_profile_edit_saves_public_fields_and_private_gender(app, client):
    _event, person, _session = setup_speaker()
    sign_in(client, person)
    page = client.get("/speaker/profile")
    text = page.get_data(as_text=True)
    assert "No Women No Panel" in text  # the purpose sentence is on the form
    response = client.post("/speaker/profile", data=profile_data())
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.name == "Ada King" and person.organisation == "Analytical Engines"
    assert person.links == [{"label": "Website", "url": "https://ada.example.org"}]
    assert person.gender == Gender.WOMAN and person.gender_source == GenderSource.SELF_DECLARED
    # The audit trail never holds the gender value.
    changes = [e.changes for e in db.session.scalars(sa.select(AuditLogEntry))]
    assert "woman" not in repr(changes)


def test_profile_refuses_javascript_links_and_keeps_data(app, client):
    _event, person, _session = setup_speaker()
    sign_in(client, person)
    response = client.post(
        "/speaker/profile", data=profile_data(**{"links-0-url": "javascript:alert(1)", "name": "Changed"})
    )
    assert response.status_code == 422
    assert "https://" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.name == "Ada Lovelace" and person.links == []


def test_photo_is_resized_and_exif_stripped(app, client):
    _event, person, _session = setup_speaker()
    sign_in(client, person)
    original = make_jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the sample has GPS data
    response = client.post(
        "/speaker/photo",
        data={"photo": (io.BytesIO(original), "me.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.photo_key and person.photo_key.startswith("photos/")
    with get_storage().open(person.photo_key) as fh:
        stored = fh.read()
    im = Image.open(io.BytesIO(stored))
    assert im.format == "JPEG"
    assert max(im.size) == 800
    assert not im.getexif()
    assert "exif" not in im.info
    assert b"TestCam" not in stored and b"Secret Serial" not in stored
    # Served publicly with the right type and nosniff.
    served = client.get(f"/speakers/photos/{person.photo_key.split('/', 1)[1]}")
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.data == stored
    # A PNG replaces it; the old file is deleted.
    old_key = person.photo_key
    client.post(
        "/speaker/photo",
        data={"photo": (io.BytesIO(make_png()), "x.png")},
        content_type="multipart/form-data",
    )
    db.session.refresh(person)
    assert person.photo_key.endswith(".png") and person.photo_key != old_key
    assert client.get(f"/speakers/photos/{old_key.split('/', 1)[1]}").status_code == 404


def test_photo_refuses_non_images_by_content(app, client):
    _event, person, _session = setup_speaker()
    sign_in(client, person)
    for data, name in [(HTML, "me.jpg"), (make_pdf(), "me.png"), (b"", "empty.jpg")]:
        response = client.post(
            "/speaker/photo", data={"photo": (io.BytesIO(data), name)}, content_type="multipart/form-data"
        )
        assert response.status_code == 422, name
    db.session.refresh(person)
    assert person.photo_key is None
    # Nothing else in storage is reachable through the photo route.
    assert client.get("/speakers/photos/..%2F..%2Fsecret_key").status_code == 404


def test_availability_inside_event_and_end_after_start(app, client):
    event, person, _session = setup_speaker()
    sign_in(client, person)
    day = event.start_date.isoformat()
    ok = client.post(
        "/speaker/availability", data={"start": f"{day}T13:00", "end": f"{day}T15:30", "note": "train"}
    )
    assert ok.status_code == 302
    db.session.refresh(person)
    assert [(u.start, u.end) for u in person.unavailability] == [
        (
            dt.datetime.combine(event.start_date, dt.time(13)),
            dt.datetime.combine(event.start_date, dt.time(15, 30)),
        )
    ]
    backwards = client.post("/speaker/availability", data={"start": f"{day}T15:00", "end": f"{day}T14:00"})
    assert backwards.status_code == 422
    assert "end must be after" in backwards.get_data(as_text=True)
    outside = client.post(
        "/speaker/availability", data={"start": "2020-01-01T10:00", "end": "2020-01-01T11:00"}
    )
    assert outside.status_code == 422
    assert "within the event" in outside.get_data(as_text=True)
    garbage = client.post("/speaker/availability", data={"start": "soon", "end": ""})
    assert garbage.status_code == 422
    db.session.refresh(person)
    assert len(person.unavailability) == 1
    item = person.unavailability[0]
    assert client.post(f"/speaker/availability/{item.id}/delete").status_code == 302
    db.session.expire_all()
    assert person.unavailability == []


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://ada.example.org/talk?x=1", True),
        ("http://localhost:8000/", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT://example.org/%0aalert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("https://", False),
        ("https:///path-only", False),
        ("//example.org/x", False),
        ("https://exa mple.org", False),
        ("https://example.org/\nx", False),
        ("ftp://example.org/file", False),
    ],
)
def test_only_http_urls_are_links(url, ok):
    assert services.is_http_url(url) is ok


def test_invite_all_speakers_not_invited_yet(app, client, outbox):
    event, _ada, session = setup_speaker()
    grace = make_person(event, "Grace Hopper", email="grace@example.org")
    nomail = make_person(event, "No Mail")
    make_person(event, "Not on a session", email="idle@example.org")
    session.speakers.append(SessionSpeaker(person=grace, role=SpeakerRole.SPEAKER, position=1))
    session.speakers.append(SessionSpeaker(person=nomail, role=SpeakerRole.SPEAKER, position=2))
    db.session.commit()
    services.issue_token(grace, actor="test")  # already invited: not invited again
    db.session.commit()
    login(client, make_organiser(event))
    page = client.get(f"/manage/events/{event.slug}/speaker-links").get_data(as_text=True)
    # issue 14: only people with an email are counted; the others are named
    assert "Invite the 1 speaker not invited yet" in page
    assert "1 speaker has no email address and cannot be invited: No Mail." in page
    response = client.post(f"/manage/events/{event.slug}/speaker-links/send-all", follow_redirects=True)
    assert response.status_code == 200
    assert [m["To"] for m in outbox()] == ["ada@example.org"]
    text = response.get_data(as_text=True)
    assert "1 invitation has been emailed." in text and "No Mail" in text
