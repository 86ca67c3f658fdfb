"""Person search knows every script: the same answers on SQLite and PostgreSQL (issue 14)."""

from __future__ import annotations

import pytest

from tests.factories import login, make_event, make_organiser, make_person, make_session
from wid_events.accounts.services import issue_token
from wid_events.agenda.people import search_people
from wid_events.core.collation import sorted_by_name
from wid_events.extensions import db
from wid_events.people.models import Person


def _people(event):
    return {
        "emilie": make_person(event, "Émilie Dubois", organisation="Université Libre de Bruxelles"),
        "olena": make_person(event, "Олена Коваленко", organisation="Київська школа економіки"),
        "sara": make_person(event, "Sara El Amrani", organisation="BeCode"),
        "fatima": make_person(event, "فاطمة الزهراء", organisation="Digital Maroc"),
    }


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("emilie", "emilie"),
        ("ÉMILIE", "emilie"),
        ("Émilie", "emilie"),
        ("олена", "olena"),
        ("Коваленко", "olena"),
        ("КОВАЛЕНКО", "olena"),
        ("universite libre", "emilie"),
        ("школа", "olena"),
        ("فاطمة", "fatima"),
        ("becode", "sara"),
    ],
)
def test_search_people_ignores_case_accents_and_script_case(app, query, who):
    event = make_event()
    people = _people(event)
    assert [p.id for p in search_people(event, query)] == [people[who].id]


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "%%__!!", "—"])
def test_search_with_nothing_to_search_finds_nobody(app, query):
    event = make_event()
    _people(event)
    assert search_people(event, query) == []


def test_the_search_key_follows_every_write(app):
    event = make_event()
    person = make_person(event, "Emily Smith")
    person.name = "Émilie Dubois"
    person.organisation = "Sorbonne Université"
    db.session.commit()
    stored = db.session.get(Person, person.id)
    assert (stored.name_key, stored.organisation_key) == ("emilie dubois", "sorbonne universite")
    assert search_people(event, "SORBONNE") == [stored]


def test_names_sort_by_collation_not_code_point(app):
    names = ["Sara", "Émilie", "Zoe", "Anna", "Ölçer"]
    assert sorted_by_name(names, lambda n: n) == ["Anna", "Émilie", "Ölçer", "Sara", "Zoe"]


def test_organiser_pages_find_people_in_any_script(client):
    event = make_event()
    people = _people(event)
    session = make_session(event, "Opening")
    login(client, make_organiser(event))
    page = client.get(f"/manage/events/{event.slug}/people?q=emilie").get_data(as_text=True)
    assert "Émilie Dubois" in page and "Sara El Amrani" not in page
    page = client.get(f"/manage/events/{event.slug}/sessions/{session.id}?q=олена").get_data(as_text=True)
    assert "Олена Коваленко" in page and "Nobody else matches" not in page
    assert f'name="person_id" value="{people["olena"].id}"' in page
    # nothing to search for: a clear message, no 500
    response = client.get(f"/manage/events/{event.slug}/people?q=%25%25")
    assert response.status_code == 200
    assert "at least one letter or digit" in response.get_data(as_text=True)
    response = client.get(f"/manage/events/{event.slug}/sessions/{session.id}?q=++__")
    assert response.status_code == 200
    assert "at least one letter or digit" in response.get_data(as_text=True)


def test_api_people_search(client):
    event = make_event(published=False)
    people = _people(event)
    organiser = make_organiser(event)
    token = issue_token(organiser.email)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/events/{event.slug}/people"

    response = client.get(url, query_string={"q": "emilie"}, headers=headers)
    assert response.status_code == 200
    assert response.get_json() == [
        {"id": people["emilie"].id, "name": "Émilie Dubois", "organisation": "Université Libre de Bruxelles"}
    ]
    assert response.headers["Cache-Control"] == "private, no-store"
    found = client.get(url, query_string={"q": "олена"}, headers=headers).get_json()
    assert [p["id"] for p in found] == [people["olena"].id]
    everyone = client.get(url, headers=headers).get_json()
    assert [p["name"] for p in everyone] == [
        "Émilie Dubois",
        "Sara El Amrani",
        "Олена Коваленко",
        "فاطمة الزهراء",
    ]

    bad = client.get(url, query_string={"q": " %% "}, headers=headers)
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "invalid_query"

    assert client.get(url, query_string={"q": "emilie"}).status_code == 401
    other = make_organiser(make_event())
    other_token = issue_token(other.email)
    db.session.commit()
    forbidden = client.get(url, headers={"Authorization": f"Bearer {other_token}"})
    assert forbidden.status_code == 403


def test_public_speakers_sort_by_collation(client):
    from wid_events.enums import SpeakerRole

    event = make_event()
    people = [
        make_person(event, name) for name in ("Sara El Amrani", "Émilie Dubois", "Zoe Adams", "Anna Berg")
    ]
    make_session(event, "Talk", speakers=[(p, SpeakerRole.SPEAKER) for p in people])
    html = client.get(f"/events/{event.slug}/speakers").get_data(as_text=True)
    positions = [html.index(name) for name in ("Anna Berg", "Émilie Dubois", "Sara El Amrani", "Zoe Adams")]
    assert positions == sorted(positions)


def test_speaker_portal_asks_how_to_be_counted(client):
    from wid_events.enums import GenderSource
    from wid_events.speakers import services as speaker_services

    event = make_event()
    person = make_person(event, "Kim Nguyen", email="kim@example.org")
    _token, token = speaker_services.issue_token(person, actor="test")
    db.session.commit()
    client.get(f"/speaker/{token}")
    page = client.get("/speaker/profile").get_data(as_text=True)
    assert "For the “No Women No Panel” count, count me as a woman" in page
    response = client.post(
        "/speaker/profile",
        data={
            "name": "Kim Nguyen",
            "gender": "self_described",
            "gender_self_description": "genderqueer",
            "count_as_woman": "yes",
        },
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    db.session.expire_all()
    stored = db.session.get(Person, person.id)
    assert stored.count_as_woman is True and stored.gender_source == GenderSource.SELF_DECLARED
