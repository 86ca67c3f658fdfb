"""axe in Chromium on the pages of issue 17: the registration form with custom questions (and
their errors), an event page with a logo, header image and accent colour, and the organiser
pages for translations, questions and the look."""

from __future__ import annotations

import io

import sqlalchemy as sa
from PIL import Image

from tests.factories import make_organiser
from tests.test_a11y_axe import check, demo, login, report  # noqa: F401 (fixtures)
from wid_events.core.uow import unit_of_work
from wid_events.events import look
from wid_events.extensions import db
from wid_events.registration.models import Question


class _Upload:
    def __init__(self, data: bytes, filename: str) -> None:
        self.stream = io.BytesIO(data)
        self.filename = filename


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (29, 79, 145)).save(out, "PNG")
    return out.getvalue()


def _dress(event) -> None:
    with unit_of_work():
        look.update_look(
            event,
            actor="test",
            accent_colour="#1d4f91",
            logo=_Upload(_png(60, 30), "logo.png"),
            header_image=_Upload(_png(900, 200), "header.png"),
            header_image_alt="People at a previous edition",
        )
        db.session.add_all(
            [
                Question(event_id=event.id, key="residence", label="Where do you live?", type="country", required=True, position=0),
                Question(event_id=event.id, key="visa", label="Do you need a visa letter?", type="yes_no", required=True, attendance="in_person", position=1, help_text="We send it within a week."),
                Question(event_id=event.id, key="programme", label="Which programme are you part of?", type="choice", options=["Women in Tech", "Newcomers"], position=2),
                Question(event_id=event.id, key="topics", label="Topics", type="multiple_choice", options=["AI", "Data"], position=3),
                Question(event_id=event.id, key="arrival", label="Arrival date", type="date", position=4),
                Question(event_id=event.id, key="note", label="Anything else?", type="textarea", position=5),
            ]
        )  # fmt: skip


def test_issue_17_pages_have_no_serious_violations(page, demo):  # noqa: F811
    jobday = demo["women-in-digital-job-day"]
    _dress(jobday)
    found: dict = {}
    for label, url in {
        "event page with look": f"/events/{jobday.slug}/",
        "registration form with questions": f"/events/{jobday.slug}/register",
    }.items():
        response = page.goto(url)
        assert response.status == 200, (label, response.status)
        check(page, label, found)
    page.goto(f"/events/{jobday.slug}/register")
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[role=alert]").count() > 0
    check(page, "registration form with question errors", found)

    organiser = make_organiser(jobday)
    login(page, organiser)
    question = db.session.scalar(sa.select(Question).where(Question.key == "visa"))
    for label, url in {
        "settings with translations": f"/manage/events/{jobday.slug}/settings",
        "questions": f"/manage/events/{jobday.slug}/questions",
        "question form": f"/manage/events/{jobday.slug}/questions/{question.id}",
        "look": f"/manage/events/{jobday.slug}/look",
        "add a registration": f"/manage/events/{jobday.slug}/registrations/new",
    }.items():
        response = page.goto(url)
        assert response.status == 200, (label, response.status)
        check(page, label, found)
    assert not found, "axe found serious or critical violations:\n" + report(found)
