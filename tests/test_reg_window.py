"""The registration window, with a frozen clock (``FROZEN_NOW``): closed with the date shown
before ``registration_opens``, open at that moment, closed again at ``registration_closes``;
organisers can still add registrations by hand."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.factories import login, make_event, make_organiser
from tests.test_reg_form import form_data, get_form_key, token_of
from wid_events.extensions import db
from wid_events.registration.models import Registration

BRUSSELS = dt.timezone(dt.timedelta(hours=1))  # CET in March


@pytest.fixture
def frozen(app, monkeypatch):
    def at(local: str):
        monkeypatch.setitem(
            app.config, "FROZEN_NOW", dt.datetime.fromisoformat(local).replace(tzinfo=BRUSSELS)
        )

    return at


@pytest.fixture
def event(app):
    return make_event(
        "window",
        start_date=dt.date(2030, 9, 11),
        end_date=dt.date(2030, 9, 12),
        registration_opens=dt.datetime(2030, 3, 3, 10, 0),
        registration_closes=dt.datetime(2030, 9, 1, 18, 0),
    )


def test_closed_before_opens_then_open_at_that_moment(client, frozen, event):
    frozen("2030-03-03T09:59")
    page = client.get("/events/window/register")
    text = page.get_data(as_text=True)
    assert "Registration opens on 3 March at 10:00 (Brussels time)." in text
    assert 'name="email"' not in text
    assert client.post("/events/window/register", data=form_data()).status_code == 409
    event_page = client.get("/events/window/").get_data(as_text=True)
    assert "Registration opens on 3 March at 10:00 (Brussels time)." in event_page
    assert "Registration opens in 1 minute." in event_page
    assert "<script" not in event_page.split('id="register-heading"')[1].split("</section>")[0]

    frozen("2030-03-03T10:00")
    assert 'name="email"' in client.get("/events/window/register").get_data(as_text=True)
    token_of(client.post("/events/window/register", data=form_data(form_key=get_form_key(client, "window"))))
    event_page = client.get("/events/window/").get_data(as_text=True)
    assert "Registration is open." in event_page
    assert "Registration closes in 182 days and 8 hours." in event_page


def test_countdown_in_days_and_other_languages(client, frozen, event):
    frozen("2030-03-01T08:30")
    assert "Registration opens in 2 days and 1 hour." in client.get("/events/window/").get_data(as_text=True)
    fr = client.get("/events/window/register?lang=fr").get_data(as_text=True)
    assert "3 mars" in fr and "10:00" in fr and "Bruxelles" in fr
    de = client.get("/events/window/register?lang=de").get_data(as_text=True)
    assert "3. März" in de and "Brüssel" in de


def test_closes_on_time_but_organisers_can_still_add(client, frozen, event):
    frozen("2030-09-01T18:00")
    closed = client.get("/events/window/register").get_data(as_text=True)
    assert "Registration closed on 1 September at 18:00 (Brussels time)." in closed
    user = make_organiser(event)
    login(client, user)
    added = client.post(
        "/manage/events/window/registrations/new",
        data={"name": "Đorđe Petrović", "email": "dp@example.org", "attendance": "online", "consent": "y"},
    )
    assert added.status_code == 303, added.get_data(as_text=True)[:2000]
    reg = db.session.scalar(sa.select(Registration))
    assert reg.name == "Đorđe Petrović" and reg.attendance.value == "online"


def test_closes_before_opens_is_refused_in_the_settings(client, event):
    from wid_events.core.uow import unit_of_work
    from wid_events.errors import DomainError
    from wid_events.events import services

    with pytest.raises(DomainError, match=r"Registration must close after it opens\."):
        with unit_of_work():
            services.update_event(event, actor="test", registration_closes=dt.datetime(2030, 3, 1, 9, 0))
    db.session.expire_all()
    assert event.registration_closes == dt.datetime(2030, 9, 1, 18, 0)
