"""Badges: rendered PDF → pdftoppm → zbarimg gives back exactly the check-in codes, which check in
through the API once; names in Arabic and accented Latin survive (pdftotext)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import time

import pytest
from flask import g

from tests.factories import (
    login,
    make_event,
    make_organiser,
    make_person,
    make_registration,
    make_session,
    make_user,
)
from wid_events.accounts.services import issue_token
from wid_events.enums import Attendance, BadgeRole, Gender, InvitationStatus, RegistrationStatus, SpeakerRole
from wid_events.exports import badges, services
from wid_events.extensions import db
from wid_events.registration.models import Registration

POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext") and shutil.which("pdfinfo")
ZBAR = shutil.which("zbarimg")
needs_tools = pytest.mark.skipif(
    not (POPPLER and ZBAR), reason="needs pdftoppm/pdftotext/pdfinfo (poppler-utils) and zbarimg (zbar-tools)"
)
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def fresh_client(client):
    """A new cookie jar. The test app context is shared by requests, and Flask-Login caches the
    user in ``g``: drop it so the new client really starts logged out."""
    g.pop("_login_user", None)
    return client.application.test_client()


@pytest.fixture
def badge_event(app):
    event = make_event(
        "badges-2024", title="DT4E 2024", start_date=dt.date(2024, 9, 11), end_date=dt.date(2024, 9, 12)
    )
    regs = [
        make_registration(event, "أمل الحداد", organisation="منظمة الهجرة", pronouns="هي"),
        make_registration(event, "Zoë Lefèvre-Ñúñez", organisation="IOM Belgium", pronouns="she/her"),
        make_registration(event, "Ольга Петрова", attendance=Attendance.ONLINE),
        make_registration(
            event, "Nadia Speaker", email="Nadia@Example.org", email_normalised="nadia@example.org"
        ),
    ]
    make_registration(event, "Wanda Waitlist", status=RegistrationStatus.WAITLISTED)
    make_registration(event, "Carl Cancelled", status=RegistrationStatus.CANCELLED)
    nadia = make_person(event, "Nadia Speaker", gender=Gender.WOMAN, email="nadia@example.org")
    solo = make_person(event, "Sami Solo", gender=Gender.MAN, email="sami@example.org", organisation="ULB")
    declined = make_person(event, "Dora Declined")
    s = make_session(
        event,
        "Panel",
        speakers=[
            (nadia, SpeakerRole.PANELIST),
            (solo, SpeakerRole.MODERATOR),
            (declined, SpeakerRole.PANELIST),
        ],
    )
    s.speakers[2].invitation_status = InvitationStatus.DECLINED
    db.session.commit()
    organiser = make_organiser(event)
    organiser.name = "Olivia Organiser"
    db.session.commit()
    return event, regs, organiser


def test_collect_badges_roles_and_filters(badge_event):
    event, regs, _org = badge_event
    items = badges.collect_badges(event)
    by_name = {b.full_name: b for b in items}
    assert set(by_name) == {
        "أمل الحداد",
        "Zoë Lefèvre-Ñúñez",
        "Ольга Петрова",
        "Nadia Speaker",
        "Sami Solo",
        "Olivia Organiser",
    }
    # A registered speaker gets one speaker badge with her check-in code.
    assert by_name["Nadia Speaker"].role == BadgeRole.SPEAKER
    assert by_name["Nadia Speaker"].code == regs[3].checkin_code
    # A speaker without registration: a badge without QR code.
    assert by_name["Sami Solo"].role == BadgeRole.SPEAKER and by_name["Sami Solo"].code is None
    assert (
        by_name["Olivia Organiser"].role == BadgeRole.ORGANISER and by_name["Olivia Organiser"].code is None
    )
    assert by_name["أمل الحداد"].first_name == "أمل"
    assert [b.full_name for b in badges.collect_badges(event, roles={"speaker"})] == [
        "Nadia Speaker",
        "Sami Solo",
    ]
    one = badges.collect_badges(event, registration_ids=[regs[1].id])
    assert [b.full_name for b in one] == ["Zoë Lefèvre-Ñúñez"]
    in_person = badges.collect_badges(event, roles={"attendee"}, attendance="in_person")
    assert "Ольга Петрова" not in {b.full_name for b in in_person}


def _decode(pdf: bytes, tmp_path, dpi: int = 150) -> list[str]:
    path = tmp_path / "badges.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), str(tmp_path / "page")], check=True)
    codes = []
    for png in sorted(tmp_path.glob("page*.png")):
        out = subprocess.run(  # zbarimg exits 4 when a page has no code
            ["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
            check=False,
            capture_output=True,
            text=True,
        )
        codes += [line for line in out.stdout.splitlines() if line]
    return codes


def _pages(pdf: bytes, tmp_path) -> tuple[int, str]:
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    size = re.search(r"Page size:\s+(.*)", info).group(1)
    return pages, size


@needs_tools
def test_badge_pdf_qr_codes_check_in_exactly_once(client, badge_event, tmp_path):
    _event, regs, organiser = badge_event
    login(client, organiser)
    resp = client.get("/manage/events/badges-2024/badges.pdf?layout=a4-8up")
    assert resp.status_code == 200
    assert resp.mimetype == "application/pdf"
    pdf = resp.data
    pages, size = _pages(pdf, tmp_path)
    assert pages == 1 and "595" in size  # six badges on one A4 sheet

    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    text = BIDI_MARKS.sub("", text)
    assert "أمل الحداد" in text
    assert "Zoë Lefèvre-Ñúñez" in text
    assert "Ольга Петрова" in text
    assert "SPEAKER" in text and "ORGANISER" in text and "ATTENDEE" in text
    assert "DT4E 2024" in text
    assert "nadia@example.org" not in text.lower()

    codes = _decode(pdf, tmp_path)
    expected = sorted(r.checkin_code for r in regs)
    assert sorted(codes) == expected  # only the opaque codes, one per registration

    token = issue_token(organiser.email)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for code in codes:
        first = client.post("/api/v1/events/badges-2024/checkins", json={"code": code}, headers=headers)
        assert first.status_code == 200, first.get_json()
        body = first.get_json()
        assert body["already_checked_in"] is False
        assert body["checked_in_at"]
        again = client.post("/api/v1/events/badges-2024/checkins", json={"code": code}, headers=headers)
        assert again.status_code == 200
        assert again.get_json()["already_checked_in"] is True
        assert again.get_json()["checked_in_at"] == body["checked_in_at"]
    names = {
        client.post("/api/v1/events/badges-2024/checkins", json={"code": c}, headers=headers).get_json()[
            "name"
        ]
        for c in codes
    }
    assert names == {r.name for r in regs}
    db.session.expire_all()
    assert all(db.session.get(Registration, r.id).checked_in_at is not None for r in regs)


@needs_tools
@pytest.mark.parametrize(("layout", "pages", "size"), [("a6", 6, "297.6"), ("a4-4up", 2, "595")])
def test_layouts(client, badge_event, tmp_path, layout, pages, size):
    _event, regs, organiser = badge_event
    login(client, organiser)
    resp = client.get(f"/manage/events/badges-2024/badges.pdf?layout={layout}")
    assert resp.status_code == 200
    got_pages, got_size = _pages(resp.data, tmp_path)
    assert got_pages == pages
    assert got_size.startswith(size)
    assert sorted(_decode(resp.data, tmp_path, dpi=100)) == sorted(r.checkin_code for r in regs)


@needs_tools
def test_one_attendee_badge(client, badge_event, tmp_path):
    _event, regs, organiser = badge_event
    login(client, organiser)
    resp = client.get(f"/manage/events/badges-2024/badges.pdf?registration={regs[1].id}&layout=a6")
    assert resp.status_code == 200
    assert f"badge-{regs[1].id}.pdf" in resp.headers["Content-Disposition"]
    assert _decode(resp.data, tmp_path) == [regs[1].checkin_code]


def test_bad_badge_requests_are_clear_4xx(client, badge_event):
    _event, _regs, organiser = badge_event
    login(client, organiser)
    resp = client.get("/manage/events/badges-2024/badges.pdf?layout=a3")
    assert resp.status_code == 400
    assert b"a6, a4-4up or a4-8up" in resp.data
    assert client.get("/manage/events/badges-2024/badges.pdf?registration=abc").status_code == 400
    waitlisted = db.session.scalar(db.select(Registration).where(Registration.name == "Wanda Waitlist"))
    resp = client.get(f"/manage/events/badges-2024/badges.pdf?registration={waitlisted.id}")
    assert resp.status_code == 400
    assert b"confirmed" in resp.data


def test_badge_form_small_batch_redirects_to_pdf(client, badge_event):
    _event, _regs, organiser = badge_event
    login(client, organiser)
    page = client.get("/manage/events/badges-2024/badges")
    assert page.status_code == 200
    assert b'name="layout"' in page.data
    resp = client.post("/manage/events/badges-2024/badges", data={"layout": "a4-4up", "roles": ["attendee"]})
    assert resp.status_code == 303
    assert "/manage/events/badges-2024/badges.pdf?layout=a4-4up&role=attendee" in resp.headers["Location"]
    resp = client.post("/manage/events/badges-2024/badges", data={"layout": "nope"})
    assert resp.status_code == 422


def test_large_batch_runs_in_background_with_progress_and_download(client, badge_event, monkeypatch):
    _event, _regs, organiser = badge_event
    monkeypatch.setattr(services, "BACKGROUND_THRESHOLD", 2)
    monkeypatch.setattr(badges, "CHUNK", 2)
    login(client, organiser)
    # "" = everyone confirmed, online attendees included (the form's default is in person only)
    resp = client.post("/manage/events/badges-2024/badges", data={"layout": "a6", "attendance": ""})
    assert resp.status_code == 303
    job_url = resp.headers["Location"]
    assert "/manage/events/badges-2024/badges/jobs/" in job_url
    page = client.get(job_url)
    assert page.status_code == 200
    assert b"<progress" in page.data
    deadline = time.monotonic() + 120
    state = None
    while time.monotonic() < deadline:
        # The test shares one database session with the app: end its snapshot, as a new
        # request would, so the worker thread's progress is visible.
        db.session.rollback()
        state = client.get(job_url + ".json").get_json()
        if state["state"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert state["state"] == "done", state
    assert state["done"] == state["total"] == 6 and state["percent"] == 100
    page = client.get(job_url)
    assert state["download_url"].encode() in page.data
    pdf = client.get(state["download_url"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # Another event's organiser cannot see or download it.
    other = make_event("other-badges")
    stranger = make_organiser(other)
    stranger_client = fresh_client(client)
    login(stranger_client, stranger)
    assert stranger_client.get(job_url).status_code == 403
    assert stranger_client.get(state["download_url"]).status_code == 403


def test_cli_render_with_progress(runner, badge_event, tmp_path):
    out = tmp_path / "cli.pdf"
    result = runner.invoke(args=["badges", "render", "badges-2024", "-o", str(out), "--layout", "a4-8up"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert "6 badges" in result.output
    result = runner.invoke(args=["badges", "render", "nope", "-o", str(out)])
    assert result.exit_code == 2


def test_other_events_organiser_gets_403(client, badge_event):
    _event, regs, _organiser = badge_event
    other = make_event("someone-else")
    stranger = make_organiser(other)
    login(client, stranger)
    for url in (
        "/manage/events/badges-2024/badges.pdf",
        "/manage/events/badges-2024/badges",
        "/manage/events/badges-2024/checkin",
        "/manage/events/badges-2024/checkin/stats.json",
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post("/manage/events/badges-2024/checkin", data={"code": regs[0].checkin_code}).status_code
        == 403
    )
    assert client.post(f"/manage/events/badges-2024/checkin/{regs[0].id}").status_code == 403
    token = issue_token(stranger.email)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    resp = client.post(
        "/api/v1/events/badges-2024/checkins", json={"code": regs[0].checkin_code}, headers=headers
    )
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/events/badges-2024/registrations", headers=headers).status_code == 403
    db.session.expire_all()
    assert db.session.get(Registration, regs[0].id).checked_in_at is None
    # Anonymous: login page / 401.
    anonymous = fresh_client(client)
    assert anonymous.get("/manage/events/badges-2024/badges.pdf").status_code in (302, 401)
    assert anonymous.post("/api/v1/events/badges-2024/checkins", json={"code": "x"}).status_code == 401
    plain = make_user()
    plain_client = fresh_client(client)
    login(plain_client, plain)
    assert plain_client.get("/manage/events/badges-2024/checkin").status_code == 403
