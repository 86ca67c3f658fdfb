"""A speaker, in a real browser: open the personal link, edit the bio, upload a PDF, see it listed,
and find it on the public session page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.factories import make_event, make_person, make_session
from tests.test_speaker_samples import make_pdf
from wid_events.enums import SpeakerRole
from wid_events.extensions import db
from wid_events.speakers import services
from wid_events.speakers.models import Material

pytestmark = pytest.mark.browser


def test_speaker_edits_bio_uploads_pdf_and_public_page_shows_it(app, page, tmp_path):
    from playwright.sync_api import expect

    event = make_event(slug="dt4e-browser")
    person = make_person(event, "Ada Lovelace", email="ada@example.org")
    session = make_session(event, "Opening keynote", speakers=[(person, SpeakerRole.SPEAKER)])
    _token, raw = services.issue_token(person, actor="test")
    db.session.commit()
    pdf = tmp_path / "my slides.pdf"
    pdf.write_bytes(make_pdf("DT4E"))

    page.goto(f"/speaker/{raw}")
    expect(page).to_have_url(re.compile(r"/speaker/$"))  # the token left the address bar
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Lovelace")
    page.get_by_role("button", name="Accept “Opening keynote”").click()
    expect(page.get_by_text("you accepted")).to_be_visible()

    page.get_by_role("link", name="Profile", exact=True).click()
    page.get_by_label("Short bio").fill("Pioneer of **computing**.")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()
    db.session.rollback()  # end the read snapshot: the live server wrote since
    assert db.session.get(type(person), person.id).bio == "Pioneer of **computing**."

    page.get_by_role("link", name="Your sessions", exact=True).click()
    page.get_by_role("link", name="Slides and materials for “Opening keynote”").click()
    expect(page.get_by_text("Maximum 50 MB; PDF, PPTX, ODP, DOCX or ODT.").first).to_be_visible()
    page.get_by_label("File", exact=True).set_input_files(str(pdf))
    page.get_by_label("Title (optional)").first.fill("Keynote slides")
    page.get_by_label("Public now").first.check()
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_text("Your file has been uploaded.")).to_be_visible()
    expect(page.get_by_role("heading", name="Keynote slides")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"Version 1: my slides\.pdf"))).to_be_visible()

    # The public session page lists it with its type and size, and the link downloads the file.
    page.goto(f"/events/{event.slug}/sessions/{session.id}")
    link = page.get_by_role("link", name="Keynote slides")
    expect(link).to_be_visible()
    expect(page.locator(".session-materials")).to_contain_text("PDF")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "my slides.pdf"
    assert open(download.path(), "rb").read() == make_pdf("DT4E")

    # The public speaker page shows the new bio right away (rendered Markdown).
    page.goto(f"/events/{event.slug}/speakers/{person.id}")
    expect(page.locator("strong", has_text="computing")).to_be_visible()

    # Organisers only: no longer on the public page.
    db.session.rollback()
    material = db.session.scalars(sa.select(Material)).one()
    page.goto(f"/speaker/sessions/{session.id}/materials")
    page.get_by_role("group", name="Who can see “Keynote slides”").get_by_label("Organisers only").check()
    page.get_by_role("button", name="Save visibility").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.goto(f"/events/{event.slug}/sessions/{session.id}")
    expect(page.get_by_role("link", name="Keynote slides")).to_have_count(0)
    db.session.rollback()  # end the read snapshot: the live server wrote since
    assert db.session.get(Material, material.id).visibility.value == "organisers"


def test_browser_warns_about_an_oversized_file_before_uploading(app, page, tmp_path, _live_app, monkeypatch):
    from playwright.sync_api import expect

    monkeypatch.setitem(_live_app.config, "MAX_UPLOAD_MB", 1)
    event = make_event()
    person = make_person(event, "Ada Lovelace", email="ada@example.org")
    session = make_session(event, "Opening keynote", speakers=[(person, SpeakerRole.SPEAKER)])
    _token, raw = services.issue_token(person, actor="test")
    db.session.commit()
    big = tmp_path / "big.pdf"
    big.write_bytes(make_pdf() + b"0" * (1024 * 1024 + 10))

    page.goto(f"/speaker/{raw}")
    page.goto(f"/speaker/sessions/{session.id}/materials")
    page.get_by_label("File", exact=True).set_input_files(str(big))
    expect(page.get_by_role("alert")).to_contain_text("larger than the 1 MB limit")
    page.get_by_role("button", name="Upload file").click()
    expect(page).to_have_url(re.compile(rf"/speaker/sessions/{session.id}/materials$"))  # not sent
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Material)) == 0
