"""Public pages and exports under load (issue 15): the event version, ETag/304 and the render cache.

Every public page and export must answer 304 with an empty body to its own ETag (quoted, ``W/``
or in a list, as clients send it), show a change on the very next request, never mix locales
and never serve a draft. No timings here: bench/ measures speed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.http import http_date

from tests.factories import (
    login,
    make_event,
    make_exhibitor,
    make_organiser,
    make_person,
    make_registration,
    make_room,
    make_session,
    make_track,
)
from tests.test_speaker_samples import isolated_client
from wid_events import signals
from wid_events.agenda.models import SessionSpeaker
from wid_events.enums import SessionType, SpeakerRole
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.jobday import services as jobday_services
from wid_events.speakers import services as speaker_services
from wid_events.speakers.models import Material


@pytest.fixture
def ev(app):
    event = make_event("cache-ev", title="Cache Conf")
    room = make_room(event, "Plenary")
    make_track(event, "Finance")
    ada = make_person(event, "Ada Lovelace", bio="Engines.")
    talk = make_session(event, "Analytical Engines", room=room, speakers=[(ada, SpeakerRole.SPEAKER)])
    workshop = make_session(
        event,
        "Soldering Workshop",
        type=SessionType.WORKSHOP,
        start=dt.datetime.combine(event.start_date, dt.time(11, 0)),
        room=room,
        requires_signup=True,
        capacity=1,
    )
    db.session.add(Material(session=talk, title="Slides on engines", url="https://example.org/slides"))
    db.session.commit()
    return {"event": event, "talk": talk, "workshop": workshop, "ada": ada}


def public_urls(data) -> list[str]:
    slug, talk, ada = data["event"].slug, data["talk"].id, data["ada"].id
    return [
        f"/events/{slug}/",
        f"/events/{slug}/agenda",
        f"/events/{slug}/agenda?day=2030-09-11",
        f"/events/{slug}/sessions/{talk}",
        f"/events/{slug}/sessions/{talk}.ics",
        f"/events/{slug}/speakers",
        f"/events/{slug}/speakers/{ada}",
        f"/events/{slug}/calendar.ics",
        f"/events/{slug}/schedule.xml",
        f"/events/{slug}/schedule.json",
        "/api/v1/events",
        f"/api/v1/events/{slug}",
        f"/api/v1/events/{slug}/sessions",
        f"/api/v1/events/{slug}/speakers",
        f"/api/v1/events/{slug}/exhibitors",
        f"/api/v1/events/{slug}/jobs",
    ]


#: Pages whose body names the talk's title (the others change their ETag all the same).
SHOWS_TALK = ("/agenda", "/sessions/", "/speakers/", ".ics", "schedule.", "/sessions")


def test_every_public_page_and_export_answers_304_to_its_own_etag(client, ev):
    for url in [*public_urls(ev), f"/events/{ev['event'].slug}/agenda.pdf"]:
        first = client.get(url)
        assert first.status_code == 200, url
        etag = first.headers["ETag"]
        assert etag.startswith('"') and not etag.startswith("W/"), url  # strong
        assert first.headers["Cache-Control"] == "public, max-age=60", url
        assert first.headers["Last-Modified"], url
        tag = etag.strip('"')
        for sent in (etag, f"W/{etag}", f'"something-else", {etag}', "*"):
            again = client.get(url, headers={"If-None-Match": sent})
            assert again.status_code == 304, (url, sent)
            assert again.get_data() == b"", url
            assert again.headers["ETag"] == etag, url
        other = client.get(url, headers={"If-None-Match": '"not-' + tag + '"'})
        assert other.status_code == 200 and other.get_data() == first.get_data(), url


def test_if_modified_since_gives_304_once_the_change_is_in_the_past(client, ev):
    event = ev["event"]
    past = dt.datetime(2020, 1, 1, 12, 0, tzinfo=dt.UTC)
    # A Core update, so that the version stays: only the time of the last change moves back.
    db.session.execute(sa.update(Event).where(Event.id == event.id).values(updated_at=past))
    db.session.commit()
    for url in public_urls(ev)[:10]:
        first = client.get(url)
        assert first.headers["Last-Modified"] == http_date(past), url
        same = client.get(url, headers={"If-Modified-Since": http_date(past)})
        assert same.status_code == 304 and same.get_data() == b"", url
        older = client.get(url, headers={"If-Modified-Since": http_date(past - dt.timedelta(days=1))})
        assert older.status_code == 200, url
        # If-None-Match wins over If-Modified-Since.
        stale = client.get(url, headers={"If-None-Match": '"old"', "If-Modified-Since": http_date(past)})
        assert stale.status_code == 200, url


def _warm(client, urls) -> dict[str, str]:
    etags = {}
    for url in urls:
        client.get(url)
        response = client.get(url)  # the second one comes from the render cache
        assert response.status_code == 200, url
        etags[url] = response.headers["ETag"]
    return etags


def test_a_session_change_shows_on_the_very_next_request_of_every_cached_page(client, ev):
    urls = public_urls(ev)
    before = _warm(client, urls)
    version = ev["event"].version
    ev["talk"].title = "Difference Engines"
    db.session.commit()
    assert ev["event"].version == version + 1
    for url in urls:
        response = client.get(url, headers={"If-None-Match": before[url]})
        assert response.status_code == 200, url
        assert response.headers["ETag"] != before[url], url
        body = response.get_data(as_text=True)
        if any(part in url for part in SHOWS_TALK) and "exhibitors" not in url and "jobs" not in url:
            assert "Difference Engines" in body, url
            assert "Analytical Engines" not in body, url


def test_speaker_and_material_changes_show_on_the_next_request(client, ev):
    slug, talk = ev["event"].slug, ev["talk"]
    urls = [f"/events/{slug}/sessions/{talk.id}", f"/events/{slug}/speakers", f"/events/{slug}/agenda"]
    _warm(client, urls)
    ev["ada"].name = "Augusta Ada King"
    db.session.commit()
    for url in urls:
        assert "Augusta Ada King" in client.get(url).get_data(as_text=True), url
    material = db.session.scalar(sa.select(Material).where(Material.session_id == talk.id))
    material.title = "Updated slides"
    db.session.commit()
    assert "Updated slides" in client.get(urls[0]).get_data(as_text=True)
    material.hidden = True
    db.session.commit()
    assert "Updated slides" not in client.get(urls[0]).get_data(as_text=True)


def test_every_kind_of_public_change_bumps_the_version_and_registrations_do_not(app, ev):
    event = ev["event"]

    def bumped(change) -> bool:
        db.session.refresh(event)
        before = event.version
        change()
        db.session.commit()
        db.session.refresh(event)
        return event.version > before

    assert bumped(lambda: setattr(event, "title", "Cache Conf 2030"))
    assert bumped(lambda: setattr(event, "balance_min_women_per_panel", 2))  # the balance policy
    assert bumped(lambda: setattr(event.rooms[0], "name", "Main hall"))
    assert bumped(lambda: make_track(event, "Careers"))
    assert bumped(lambda: setattr(ev["talk"], "description", "New abstract"))
    assert bumped(lambda: setattr(ev["ada"], "bio", "Poet of science."))
    grace = make_person(event, "Grace Hopper")
    assert bumped(
        lambda: db.session.add(SessionSpeaker(session=ev["talk"], person=grace, role=SpeakerRole.MODERATOR))
    )
    assert bumped(
        lambda: db.session.add(Material(session=ev["talk"], title="Video", url="https://example.org/v"))
    )
    assert bumped(lambda: db.session.delete(ev["workshop"]))
    assert bumped(lambda: signals.agenda_changed.send(event, what="test"))
    # Seats are not part of the page's version: registrations bump the seats' own version,
    # and leave the time of the last public change (Last-Modified) alone.
    seats, changed = event.seats_version, event.updated_at
    assert not bumped(lambda: make_registration(event, "Attendee", sessions=[ev["talk"]]))
    assert event.seats_version > seats and event.updated_at == changed


def test_seat_counts_are_fresh_and_a_full_workshop_never_says_places_left(client, ev):
    event, workshop = ev["event"], ev["workshop"]
    url = f"/events/{event.slug}/agenda"
    session_url = f"/events/{event.slug}/sessions/{workshop.id}"
    first = client.get(url)
    assert "1 of 1 places left" in first.get_data(as_text=True)
    assert "1 of 1 places left" in client.get(session_url).get_data(as_text=True)
    version = event.version
    make_registration(event, "First", sessions=[workshop])
    db.session.refresh(event)
    assert event.version == version  # the page's version did not move...
    after = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200  # ...but its ETag did, and the seats are current
    body = after.get_data(as_text=True)
    assert "places left" not in body
    assert "Full (1 place)" in body
    session_body = client.get(session_url).get_data(as_text=True)
    assert "places left" not in session_body and "Full (1 place)" in session_body


def test_cached_pages_never_mix_locales(client, ev):
    url = f"/events/{ev['event'].slug}/agenda"
    seen = {}
    for lang in ("en", "fr", "nl", "de", "fr", "en"):
        response = client.get(url, headers={"Accept-Language": lang})
        assert f'<html lang="{lang}">' in response.get_data(as_text=True)
        seen.setdefault(lang, response.headers["ETag"])
        assert seen[lang] == response.headers["ETag"]
        assert "Accept-Language" in response.headers["Vary"]
    assert len(set(seen.values())) == 4
    # ?lang= and the language cookie choose too, and share nothing with other locales.
    assert '<html lang="de">' in client.get(url + "?lang=de").get_data(as_text=True)
    client.set_cookie("lang", "nl")
    assert '<html lang="nl">' in client.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)


def test_drafts_are_never_served_from_the_cache(client, ev):
    event = ev["event"]
    urls = [*public_urls(ev), f"/events/{event.slug}/agenda.pdf"]
    _warm(client, [u for u in urls if "/api/v1/events" != u])
    event.published = False
    db.session.commit()
    for url in urls:
        if url == "/api/v1/events":
            assert client.get(url).get_json() == []
            continue
        assert client.get(url).status_code == 404, url
    # The organiser previews the draft: never cached, never shared.
    organiser = make_organiser(event)
    login(client, organiser)
    response = client.get(f"/events/{event.slug}/agenda")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers
    client.post("/logout")
    assert client.get(f"/events/{event.slug}/agenda").status_code == 404


def test_logged_in_visitors_get_private_pages_that_are_not_cached(client, ev):
    event = ev["event"]
    anonymous = client.get(f"/events/{event.slug}/")
    assert "Log in" in anonymous.get_data(as_text=True)
    login(client, make_organiser(event))
    response = client.get(f"/events/{event.slug}/")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Organiser area" in response.get_data(as_text=True)
    assert (
        client.get(f"/events/{event.slug}/", headers={"If-None-Match": anonymous.headers["ETag"]}).status_code
        == 200
    )


def test_speakers_and_exhibitors_signed_in_to_their_portal_get_fresh_private_pages(app, ev):
    """They change public content: a browser's shared copy (max-age) would hide their change."""
    event = ev["event"]
    _row, speaker_raw = speaker_services.issue_token(ev["ada"], actor="test")
    exhibitor = make_exhibitor(event, "Acme")
    _row, exhibitor_raw = jobday_services.issue_token(exhibitor, actor="test")
    db.session.commit()
    anonymous = isolated_client(app).get(f"/events/{event.slug}/sessions/{ev['talk'].id}")
    assert anonymous.headers["Cache-Control"] == "public, max-age=60"
    for portal_link in (f"/speaker/{speaker_raw}", f"/exhibitor/{exhibitor_raw}"):
        browser = isolated_client(app)
        assert browser.get(portal_link).status_code in (302, 303)
        response = browser.get(f"/events/{event.slug}/sessions/{ev['talk'].id}")
        assert response.headers["Cache-Control"] == "private, no-store", portal_link
        assert "ETag" not in response.headers
        again = browser.get(
            f"/events/{event.slug}/sessions/{ev['talk'].id}",
            headers={"If-None-Match": anonymous.headers["ETag"]},
        )
        assert again.status_code == 200, portal_link


def test_the_pdf_agenda_is_stored_per_version(client, ev, app):
    from pathlib import Path

    event = ev["event"]
    url = f"/events/{event.slug}/agenda.pdf"
    first = client.get(url)  # tests run jobs inline: the PDF is made and stored now
    assert first.status_code == 200 and first.get_data().startswith(b"%PDF")
    folder = Path(app.instance_path) / "agenda-pdf"
    stored = sorted(p.name for p in folder.glob(f"{event.id}-*.pdf"))  # one, whatever earlier tests left
    assert len(stored) == 1
    assert first.get_data() == (folder / stored[0]).read_bytes()  # streamed from the stored file
    assert first.headers["Content-Disposition"] == f"inline; filename={event.slug}-agenda.pdf"
    assert first.headers["Cache-Control"] == "public, max-age=60" and first.headers["ETag"]
    assert client.get(url).get_data() == first.get_data()
    ev["talk"].title = "Difference Engines"
    db.session.commit()
    second = client.get(url)
    assert second.headers["ETag"] != first.headers["ETag"]
    now = sorted(p.name for p in folder.glob(f"{event.id}-*.pdf"))
    assert len(now) == 1 and now != stored  # the old version's file is gone


def test_the_pdf_agenda_is_being_prepared_until_a_worker_made_it(client, ev, db_jobs):
    from wid_events.core import worker
    from wid_events.core.models import Job, JobState

    url = f"/events/{ev['event'].slug}/agenda.pdf"
    waiting = client.get(url)
    assert waiting.status_code == 202
    assert waiting.headers["Retry-After"].isdigit()
    assert waiting.headers["Cache-Control"] == "private, no-store"
    assert "being prepared" in waiting.get_data(as_text=True)
    assert client.get(url).status_code == 202
    db.session.rollback()  # the job was added on its own connection: end this session's snapshot
    jobs = db.session.scalars(sa.select(Job)).all()
    assert len(jobs) == 1 and jobs[0].state == JobState.QUEUED  # asked twice, queued once
    assert worker.work(burst=True) == 1
    ready = client.get(url)
    assert ready.status_code == 200 and ready.get_data().startswith(b"%PDF")


def test_a_redis_that_does_not_answer_only_means_a_miss(client, ev, app, monkeypatch):
    from wid_events.core import httpcache

    pytest.importorskip("redis")
    broken = httpcache.RenderCache(1 << 20, "redis://127.0.0.1:9/0")  # nothing listens on port 9
    assert broken.get("key") is None
    broken.set("key", b"value")  # no error
    assert broken.get("key") == b"value"  # the process-local layer still works
    monkeypatch.setitem(app.extensions, "wid_render_cache", broken)
    url = f"/events/{ev['event'].slug}/agenda"
    first = client.get(url)
    assert first.status_code == 200
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_cache_entries_are_plain_data_and_an_unreadable_one_is_a_miss(client, ev, app, monkeypatch):
    """A cache entry read back from a shared Redis must never be able to run code (no pickle),
    and an entry this version cannot read (garbage, or a pickle from an older release) is
    rendered afresh instead of failing with a 500."""
    from wid_events.core import httpcache

    cache = httpcache.RenderCache(1 << 20, None)
    monkeypatch.setitem(app.extensions, "wid_render_cache", cache)
    url = f"/events/{ev['event'].slug}/agenda"
    first = client.get(url)
    assert first.status_code == 200
    stored = dict(cache.local._data)
    assert stored, "the agenda was stored"
    for key, blob in stored.items():
        head, _, _ = blob.partition(b"\n")
        assert head.startswith(b"[200,"), head[:40]
        cache.local.set(key, b"\x80\x05garbage-from-an-older-release")
    again = client.get(url)
    assert again.status_code == 200
    assert again.get_data() == first.get_data()


def test_behind_nginx_the_stored_pdf_is_handed_over_with_x_accel_redirect(client, ev, app, monkeypatch):
    """With ``X_ACCEL_REDIRECT_PREFIX`` the web worker sends no file bytes: nginx serves the
    stored file from its internal location (docs/deploy.md), with the app's ETag and headers."""
    url = f"/events/{ev['event'].slug}/agenda.pdf"
    direct = client.get(url)  # stored now (tests run jobs inline)
    monkeypatch.setitem(app.config, "X_ACCEL_REDIRECT_PREFIX", "/_instance/")
    handed = client.get(url)
    assert handed.status_code == 200 and handed.get_data() == b""
    target = handed.headers["X-Accel-Redirect"]
    assert target.startswith("/_instance/agenda-pdf/") and target.endswith(".pdf")
    assert (Path(app.instance_path) / target.removeprefix("/_instance/")).read_bytes() == direct.get_data()
    assert handed.headers["Content-Type"] == "application/pdf"
    assert handed.headers["ETag"] == direct.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": handed.headers["ETag"]}).status_code == 304
