"""Speaker links: valid until the event's end plus a per-event number of days, and an expired
link asks for a fresh one, mailed to the stored address only."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from tests.test_speaker_portal import LINK_RE, setup_speaker
from tests.test_speaker_samples import isolated_client
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.speakers import services
from wid_events.speakers.models import SpeakerToken
from wid_events.speakers.tokens import MIN_LINK_DAYS, link_expiry


def end_of(event) -> dt.datetime:
    return dt.datetime.combine(event.end_date + dt.timedelta(days=1), dt.time(0), tzinfo=event.tz).astimezone(
        dt.UTC
    )


def test_links_last_until_the_event_end_plus_the_event_setting(app):
    event, person, _ = setup_speaker(speaker_link_days=10)
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    assert link_expiry(event, now) == end_of(event) + dt.timedelta(days=10)
    # A link sent on 1 December for a September event does not stop in January.
    september = dt.datetime(2029, 12, 1, tzinfo=dt.UTC)
    event.speaker_link_days = 30
    assert link_expiry(event, september) > dt.datetime(2030, 9, 13, tzinfo=dt.UTC)
    # For an event that is over, a fresh link still works for a few days.
    late = end_of(event) + dt.timedelta(days=100)
    assert link_expiry(event, late) == late + dt.timedelta(days=MIN_LINK_DAYS)
    token, _raw = services.issue_token(person, actor="test")
    assert token.expires_at == link_expiry(event, token.created_at)


def expire(raw: str) -> None:
    token = db.session.scalar(sa.select(SpeakerToken))
    token.expires_at = utcnow() - dt.timedelta(days=1)
    db.session.commit()


def test_an_expired_link_asks_for_a_fresh_one_sent_to_the_stored_address(app, outbox):
    _event, _person, _ = setup_speaker(email="ada@example.org")
    _token, raw = services.issue_token(_person, actor="test")
    db.session.commit()
    expire(raw)
    client = isolated_client(app)
    page = client.get(f"/speaker/{raw}")
    assert page.status_code == 403
    html = page.get_data(as_text=True)
    assert "This link has expired." in html and "Email me a fresh link" in html
    assert f'action="/speaker/{raw}/renew"' in html
    before = len(outbox())
    answer = client.post(f"/speaker/{raw}/renew", data={"email": "attacker@example.org"})
    assert answer.status_code == 200
    assert "a fresh one is on its way" in answer.get_data(as_text=True)
    mails = outbox()[before:]
    assert [m["To"].addresses[0].addr_spec for m in mails] == ["ada@example.org"]
    fresh = LINK_RE.search(mails[0].get_body(("plain",)).get_content()).group(1)
    assert fresh != raw
    assert client.get(f"/speaker/{fresh}").status_code == 302
    # The old link stays dead, and asking again with it mails the stored address only.
    assert client.get(f"/speaker/{raw}").status_code == 403


def test_renewal_reveals_nothing_for_unknown_or_valid_links(app, outbox):
    _event, person, _ = setup_speaker()
    _token, raw = services.issue_token(person, actor="test")
    db.session.commit()
    client = isolated_client(app)
    before = len(outbox())
    unknown = client.post("/speaker/not-a-real-token-0000000000000/renew")
    valid = client.post(f"/speaker/{raw}/renew")
    assert unknown.status_code == valid.status_code == 200
    assert unknown.get_data(as_text=True).count("fresh one") == 1
    assert len(outbox()) == before
    # An unknown link's page offers no renewal form.
    page = client.get("/speaker/not-a-real-token-0000000000000").get_data(as_text=True)
    assert not re.search(r"/renew", page)
