"""The exhibitor portal: links, scoping to one company, offers, slots, CVs; the CV purge."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from tests.factories import (
    login,
    make_event,
    make_exhibitor,
    make_organiser,
    make_registration_with_token,
    make_slots,
)
from tests.test_jobday_booking import at
from tests.test_speaker_samples import HTML, isolated_client, make_pdf, make_png
from wid_events.extensions import db
from wid_events.jobday import services
from wid_events.jobday.models import ExhibitorToken, InterviewBooking, JobOffer
from wid_events.storage import get_storage

LINK_RE = re.compile(r"https?://\S+/exhibitor/([A-Za-z0-9_-]+)")


@pytest.fixture
def client(app):
    return isolated_client(app)


@pytest.fixture
def event(app):
    return make_event("jobday-portal")


def portal_client(app, exhibitor):
    """A browser of that exhibitor's contact, signed in through a fresh portal link."""
    _row, raw = services.issue_token(exhibitor, actor="test")
    db.session.commit()
    c = isolated_client(app)
    resp = c.get(f"/exhibitor/{raw}")
    assert resp.status_code == 303
    return c


def booked_with_cv(app, event, exhibitor, *, hour=10):
    """A confirmed attendee who booked ``exhibitor`` and shared a CV through the page."""
    slot = make_slots(exhibitor, at(hour), at(hour, 20))[0] if not exhibitor.blocks else None
    slot = slot or services.exhibitor_slots(exhibitor)[0].slot
    reg, token = make_registration_with_token(event, "Amal Haddad")
    booking = services.book_interview(reg, slot.id)
    db.session.commit()
    c = isolated_client(app)
    resp = c.post(
        f"/registrations/{token}/interviews/{booking.id}/cv",
        data={"cv": (__import__("io").BytesIO(make_pdf("Amal CV")), "Amal CV.pdf"), "consent": "y"},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 303, resp.get_data(as_text=True)[:500]
    db.session.expire_all()
    return db.session.get(InterviewBooking, booking.id), token


def test_token_is_random_hashed_and_expires(app, event):
    exhibitor = make_exhibitor(event)
    row, raw = services.issue_token(exhibitor, actor="test")
    db.session.commit()
    assert len(raw) >= 43  # 256 bits, url-safe base64
    assert row.token_hash != raw and raw not in row.token_hash
    assert row.expires_at > row.created_at + dt.timedelta(days=30)
    # A second link revokes the first.
    _row2, raw2 = services.issue_token(exhibitor, actor="test")
    db.session.commit()
    c = isolated_client(app)
    assert c.get(f"/exhibitor/{raw}").status_code == 403
    assert c.get(f"/exhibitor/{raw2}").status_code == 303
    assert c.get("/exhibitor/").status_code == 200
    # Revoking takes effect at once, even for an open browser session.
    services.revoke_links(exhibitor, actor="test")
    db.session.commit()
    assert c.get("/exhibitor/").status_code == 403


def test_expired_and_unknown_links(app, event):
    exhibitor = make_exhibitor(event)
    row, raw = services.issue_token(exhibitor, actor="test")
    row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    db.session.commit()
    c = isolated_client(app)
    assert c.get(f"/exhibitor/{raw}").status_code == 403
    assert c.get("/exhibitor/not-a-real-token").status_code == 404
    assert c.get("/exhibitor/").status_code == 403


def test_portal_is_scoped_to_its_own_company(app, event):
    mine = make_exhibitor(event, "Mine", booth="A1")
    theirs = make_exhibitor(event, "Theirs", booth="A2")
    their_offer = services.create_offer(theirs, {"title": "Their job"}, actor="test")
    db.session.commit()
    their_booking, _ = booked_with_cv(app, event, theirs)
    their_block_id = theirs.blocks[0].id
    c = portal_client(app, mine)

    assert c.get(f"/exhibitor/offers/{their_offer.id}").status_code == 403
    assert c.post(f"/exhibitor/offers/{their_offer.id}", data={"title": "Hijacked"}).status_code == 403
    assert c.post(f"/exhibitor/offers/{their_offer.id}/delete").status_code == 403
    assert c.post(f"/exhibitor/slots/{their_block_id}/delete").status_code == 403
    assert c.get(f"/exhibitor/cvs/{their_booking.id}").status_code == 403
    listing = c.get("/exhibitor/interviews").get_data(as_text=True)
    assert "Amal Haddad" not in listing
    db.session.expire_all()
    assert db.session.get(JobOffer, their_offer.id).title == "Their job"

    # The other company sees its own booking and CV.
    other = portal_client(app, theirs)
    listing = other.get("/exhibitor/interviews").get_data(as_text=True)
    assert "Amal Haddad" in listing
    assert other.get(f"/exhibitor/cvs/{their_booking.id}").status_code == 200


def test_cv_visible_to_the_booked_exhibitor_only(app, event):
    booked = make_exhibitor(event, "Booked Ltd", booth="C3")
    other = make_exhibitor(event, "Other Ltd", booth="C4")
    booking, token = booked_with_cv(app, event, booked)
    assert booking.cv_shared and booking.cv_key.startswith("cvs/")

    resp = portal_client(app, booked).get(f"/exhibitor/cvs/{booking.id}")
    assert resp.status_code == 200
    assert resp.data.startswith(b"%PDF-")
    assert resp.headers["Content-Type"] == "application/pdf"
    assert "attachment" in resp.headers["Content-Disposition"]
    assert "no-store" in resp.headers["Cache-Control"]

    assert portal_client(app, other).get(f"/exhibitor/cvs/{booking.id}").status_code == 403
    # Nobody without a portal session, and not the public.
    assert isolated_client(app).get(f"/exhibitor/cvs/{booking.id}").status_code == 403

    # The attendee withdraws it: gone for the exhibitor too.
    c = isolated_client(app)
    assert c.post(f"/registrations/{token}/interviews/{booking.id}/cv/delete").status_code == 303
    assert portal_client(app, booked).get(f"/exhibitor/cvs/{booking.id}").status_code == 404


def test_cv_needs_consent_and_a_real_pdf(app, event, client):
    exhibitor = make_exhibitor(event)
    slot = make_slots(exhibitor)[0]
    reg, token = make_registration_with_token(event)
    booking = services.book_interview(reg, slot.id)
    db.session.commit()
    url = f"/registrations/{token}/interviews/{booking.id}/cv"
    import io

    resp = client.post(
        url, data={"cv": (io.BytesIO(make_pdf()), "cv.pdf")}, content_type="multipart/form-data"
    )
    assert resp.status_code == 400
    assert "confirm that you want to share" in resp.get_data(as_text=True)
    resp = client.post(
        url, data={"cv": (io.BytesIO(HTML), "cv.pdf"), "consent": "y"}, content_type="multipart/form-data"
    )
    assert resp.status_code == 422
    assert "not accepted" in resp.get_data(as_text=True)
    resp = client.post(
        url,
        data={"cv": (io.BytesIO(make_png()), "cv.pdf"), "consent": "y"},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 422
    db.session.expire_all()
    assert db.session.get(InterviewBooking, booking.id).cv_key is None


def test_cv_purge_after_the_retention_period(app, event, runner):
    exhibitor = make_exhibitor(event)
    booking, _ = booked_with_cv(app, event, exhibitor)
    key = booking.cv_key
    storage = get_storage()
    assert storage.size(key) > 0

    # Shortly after the event: kept.
    event.start_date = event.end_date = dt.date.today() - dt.timedelta(days=10)
    db.session.commit()
    result = runner.invoke(args=["jobday", "purge-cvs"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(InterviewBooking, booking.id).cv_key == key

    # 31 days after the event (retention 30 days): a dry run lists it and keeps it…
    event = db.session.merge(event)
    event.start_date = event.end_date = dt.date.today() - dt.timedelta(days=31)
    db.session.commit()
    result = runner.invoke(args=["jobday", "purge-cvs", "--dry-run"])
    assert result.exit_code == 0
    assert "1 CV(s)" in result.output and "would be deleted" in result.output
    db.session.expire_all()
    assert db.session.get(InterviewBooking, booking.id).cv_key == key
    assert storage.size(key) > 0

    # …and the real run deletes the file and the reference.
    result = runner.invoke(args=["jobday", "purge-cvs"])
    assert result.exit_code == 0
    assert "1 CV(s) deleted" in result.output
    db.session.expire_all()
    purged = db.session.get(InterviewBooking, booking.id)
    assert purged.cv_key is None and not purged.cv_shared and purged.cv_purged_at is not None
    with pytest.raises(Exception):  # noqa: B017 - StorageError: the file is gone
        storage.size(key)
    assert purged.status == "booked"  # the booking itself stays


def test_cv_purge_respects_configured_days(app, event, runner):
    exhibitor = make_exhibitor(event)
    booking, _ = booked_with_cv(app, event, exhibitor)
    event.start_date = event.end_date = dt.date.today() - dt.timedelta(days=10)
    db.session.commit()
    app.config["CV_RETENTION_DAYS"] = 7
    try:
        assert runner.invoke(args=["jobday", "purge-cvs"]).exit_code == 0
    finally:
        app.config["CV_RETENTION_DAYS"] = 30
    db.session.expire_all()
    assert db.session.get(InterviewBooking, booking.id).cv_key is None


def test_portal_offer_crud_and_validation(app, event):
    exhibitor = make_exhibitor(event, "Codeworks")
    c = portal_client(app, exhibitor)
    resp = c.post("/exhibitor/offers/new", data={"title": "", "contract": "permanent"})
    assert resp.status_code == 400
    resp = c.post(
        "/exhibitor/offers/new",
        data={
            "title": "Junior developer",
            "contract": "permanent",
            "remote": "hybrid",
            "level": "junior",
            "languages": "English, French",
            "skills": "Python, SQL, python",
            "location": "Brussels",
            "apply_url": "javascript:alert(1)",
            "published": "y",
        },
    )
    assert resp.status_code == 400
    assert "https://" in resp.get_data(as_text=True)
    resp = c.post(
        "/exhibitor/offers/new",
        data={
            "title": "Junior developer",
            "contract": "permanent",
            "remote": "hybrid",
            "level": "junior",
            "languages": "English, French",
            "skills": "Python, SQL, python",
            "location": "Brussels",
            "published": "y",
        },
    )
    assert resp.status_code == 303
    offer = db.session.scalar(sa.select(JobOffer).where(JobOffer.exhibitor_id == exhibitor.id))
    assert offer.skills == ["Python", "SQL"] and offer.languages == ["English", "French"]
    assert offer.apply_url is None  # meet us at the booth
    resp = c.post(f"/exhibitor/offers/{offer.id}", data={"title": "Developer", "contract": "internship"})
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(JobOffer, offer.id).title == "Developer"
    assert c.post(f"/exhibitor/offers/{offer.id}/delete").status_code == 303
    assert db.session.get(JobOffer, offer.id) is None


def test_portal_profile_logo_and_slots(app, event):
    import io

    exhibitor = make_exhibitor(event, "Logo Co", booth="D1")
    c = portal_client(app, exhibitor)
    resp = c.post(
        "/exhibitor/profile",
        data={"description": "We build apps.", "sectors": "Fintech, AI", "commit_wid_charter": "y"},
    )
    assert resp.status_code == 303
    db.session.expire_all()
    assert exhibitor.sectors == ["Fintech", "AI"] and exhibitor.commit_wid_charter
    resp = c.post(
        "/exhibitor/logo", data={"logo": (io.BytesIO(HTML), "x.png")}, content_type="multipart/form-data"
    )
    assert resp.status_code == 422
    resp = c.post(
        "/exhibitor/logo",
        data={"logo": (io.BytesIO(make_png()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 303
    db.session.expire_all()
    assert exhibitor.logo_key.startswith("logos/")
    page = isolated_client(app).get(f"/events/{event.slug}/exhibitors/{exhibitor.id}").get_data(as_text=True)
    logo_url = f"/jobday/logos/{exhibitor.logo_key.split('/', 1)[1]}"
    assert logo_url in page
    logo = isolated_client(app).get(logo_url)
    assert logo.status_code == 200 and logo.mimetype == "image/png"

    resp = c.post(
        "/exhibitor/slots",
        data={"day": "2030-09-11", "start": "10:00", "end": "11:00", "slot_minutes": "20", "recruiters": "2"},
    )
    assert resp.status_code == 303
    assert [v.slot.capacity for v in services.exhibitor_slots(exhibitor)] == [2, 2, 2]
    resp = c.post(
        "/exhibitor/slots",
        data={"day": "2031-01-01", "start": "10:00", "end": "11:00", "slot_minutes": "20", "recruiters": "1"},
    )
    assert resp.status_code == 400
    assert "day of the event" in resp.get_data(as_text=True)


def test_organiser_creates_and_invites_an_exhibitor(app, event, outbox):
    organiser = make_organiser(event)
    c = isolated_client(app)
    login(c, organiser)
    resp = c.post(
        f"/manage/events/{event.slug}/exhibitors/new",
        data={
            "name": "Brussels Tech Hub",
            "kind": "support",
            "booth": "B7",
            "contact_name": "Lina Peeters",
            "contact_email": "lina@example.org",
        },
    )
    assert resp.status_code == 303
    exhibitor = services.exhibitors(event)[0]
    # The booth number must be unique within the event.
    resp = c.post(
        f"/manage/events/{event.slug}/exhibitors/new", data={"name": "Dup", "kind": "employer", "booth": "b7"}
    )
    assert resp.status_code == 400
    assert "already given" in resp.get_data(as_text=True)
    resp = c.post(f"/manage/events/{event.slug}/exhibitors/{exhibitor.id}/invite")
    assert resp.status_code == 303
    mails = outbox()
    assert len(mails) == 1 and mails[0]["To"] == "lina@example.org"
    token = LINK_RE.search(mails[0].get_body().get_content()).group(1)
    portal = isolated_client(app)
    assert portal.get(f"/exhibitor/{token}").status_code == 303
    assert "Brussels Tech Hub" in portal.get("/exhibitor/").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ExhibitorToken.id))) == 1
    # Another organiser's event is closed to this organiser.
    foreign = make_event("foreign-jobday")
    assert c.get(f"/manage/events/{foreign.slug}/exhibitors").status_code == 403
    listing = c.get(f"/manage/events/{event.slug}/exhibitors").get_data(as_text=True)
    assert "Brussels Tech Hub" in listing


def test_floor_plan_upload_and_public_booth_list(app, event):
    import io

    organiser = make_organiser(event)
    make_exhibitor(event, "Booth Owner", booth="A12")
    c = isolated_client(app)
    login(c, organiser)
    resp = c.post(
        f"/manage/events/{event.slug}/jobday",
        data={
            "action": "floor_plan",
            "image": (io.BytesIO(make_png((400, 300))), "plan.png"),
            "alt": "Hall A",
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 303
    page = isolated_client(app).get(f"/events/{event.slug}/floor-plan").get_data(as_text=True)
    assert "A12" in page and "Booth Owner" in page
    src = re.search(r'src="(/events/[^"]+/floor-plan/[^"]+)"', page).group(1)
    assert isolated_client(app).get(src).status_code == 200
    resp = c.post(f"/manage/events/{event.slug}/jobday", data={"action": "settings", "max_bookings": "3"})
    assert resp.status_code == 303
    assert services.max_bookings(event) == 3


def test_every_page_renders(app, event):
    """GET every organiser, portal and public page with data in it (no template errors)."""
    organiser = make_organiser(event)
    exhibitor = make_exhibitor(event, "Render Co", booth="R9", contact_email="r@example.org")
    offer = services.create_offer(exhibitor, {"title": "Tester", "skills": "QA"}, actor="test")
    db.session.commit()
    booked_with_cv(app, event, exhibitor)
    org = isolated_client(app)
    login(org, organiser)
    for url in (
        f"/manage/events/{event.slug}/exhibitors",
        f"/manage/events/{event.slug}/exhibitors/new",
        f"/manage/events/{event.slug}/exhibitors/{exhibitor.id}",
        f"/manage/events/{event.slug}/jobday",
    ):
        resp = org.get(url)
        assert resp.status_code == 200, url
    assert "Organisers: manage exhibitors" in org.get(f"/events/{event.slug}/").get_data(as_text=True)
    portal = portal_client(app, exhibitor)
    for url in (
        "/exhibitor/",
        "/exhibitor/offers/new",
        f"/exhibitor/offers/{offer.id}",
        "/exhibitor/interviews",
    ):
        assert portal.get(url).status_code == 200, url
    assert portal.get("/exhibitor/interviews?day=2030-09-11").status_code == 200
    assert portal.get("/exhibitor/interviews?day=nonsense").status_code == 400
    public = isolated_client(app)
    for url in (
        f"/events/{event.slug}/jobs",
        f"/events/{event.slug}/jobs/{offer.id}",
        f"/events/{event.slug}/exhibitors",
        f"/events/{event.slug}/exhibitors/{exhibitor.id}",
        f"/events/{event.slug}/floor-plan",
    ):
        assert public.get(url).status_code == 200, url


def test_cli_invite_prints_the_link(app, event, runner, outbox):
    make_exhibitor(event, "Cli Co", contact_email="cli@example.org")
    result = runner.invoke(args=["jobday", "invite", event.slug, "cli@example.org"])
    assert result.exit_code == 0, result.output
    assert LINK_RE.search(result.output)
    assert outbox()[0]["To"] == "cli@example.org"
    assert runner.invoke(args=["jobday", "invite", event.slug, "nobody@example.org"]).exit_code == 2
    assert runner.invoke(args=["jobday", "invite", "no-such-event", "cli@example.org"]).exit_code == 2
