"""Organiser niceties (issue 14): slug from the title, time zone select, clear errors."""

from __future__ import annotations

import sqlalchemy as sa

from tests.factories import login, make_event, make_user
from wid_events.events.models import Event
from wid_events.events.slugs import free_slug, slugify
from wid_events.extensions import db


def test_slugify_transliterates():
    assert slugify("DT4E 2026: Émilie’s Conférence") == "dt4e-2026-emilie-s-conference"
    assert slugify("Олена Коваленко — Київ 2026") == "olena-kovalenko-kyiv-2026"
    assert slugify("Straße & Co") == "strasse-co"
    assert slugify("فاطمة") == ""


def _new_event(client, **fields):
    data = {
        "title": "Women in Digital Día",
        "slug": "",
        "start_date": "2030-10-01",
        "end_date": "2030-10-01",
        "timezone": "Europe/Brussels",
        "mode": "in_person",
        "series_id": "",
    } | fields
    return client.post("/manage/events/new", data=data)


def test_new_event_slug_is_proposed_from_the_title_and_kept_unique(client):
    login(client, make_user(admin=True))
    page = client.get("/manage/events/new").get_data(as_text=True)
    assert "<select" in page and 'value="Europe/Brussels"' in page and 'value="Asia/Kathmandu"' in page
    assert page.index('value="Europe/Brussels"') < page.index('value="Africa/Abidjan"')  # default first
    assert _new_event(client).status_code in (302, 303)
    assert _new_event(client).status_code in (302, 303)
    slugs = set(db.session.scalars(sa.select(Event.slug)))
    assert slugs == {"women-in-digital-dia", "women-in-digital-dia-2"}
    assert free_slug("women-in-digital-dia") == "women-in-digital-dia-3"


def test_existing_slug_and_unknown_zone_get_clear_messages(client):
    make_event("dt4e-2026")
    login(client, make_user(admin=True))
    taken = _new_event(client, slug="dt4e-2026")
    assert taken.status_code == 400
    html = taken.get_data(as_text=True)
    assert "Another event already uses the address “dt4e-2026”" in html and "dt4e-2026-2" in html
    unknown = _new_event(client, slug="fresh", timezone="Mars/Olympus_Mons")
    assert unknown.status_code == 400
    assert "Choose a valid time zone, e.g. Europe/Brussels." in unknown.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1


def test_organiser_menu_on_registrations_badges_checkin_and_event_menu_on_register(client):
    from tests.factories import make_organiser

    event = make_event()
    login(client, make_organiser(event))
    for path in ("registrations", "badges", "checkin"):
        html = client.get(f"/manage/events/{event.slug}/{path}").get_data(as_text=True)
        assert f'aria-label="Organising {event.title}"' in html, path
        assert 'aria-current="page"' in html, path
    client.get("/logout")
    html = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert 'aria-label="This event"' in html
    assert f'href="/events/{event.slug}/register" aria-current="page"' in html


def test_badge_form_defaults_to_in_person_attendees(client):
    from tests.factories import make_organiser

    event = make_event()
    login(client, make_organiser(event))
    html = client.get(f"/manage/events/{event.slug}/badges").get_data(as_text=True)
    assert (
        'value="in_person" checked' in html
        or 'checked id="attendance-0" name="attendance" type="radio" value="in_person"' in html
    )
    assert "Everyone confirmed" in html  # the option to include online attendees


def test_create_admin_takes_a_name(runner, app):
    from wid_events.accounts.models import User

    result = runner.invoke(
        args=[
            "users",
            "create-admin",
            "orga@example.org",
            "--password",
            "pw-12345678",
            "--name",
            "Émilie Dubois",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "orga@example.org"))
    assert user.name == "Émilie Dubois" and user.is_admin
    again = runner.invoke(args=["users", "create-admin", "orga@example.org", "--password", "pw-87654321"])
    assert again.exit_code == 0
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Émilie Dubois"  # a reset keeps the name
