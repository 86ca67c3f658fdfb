"""Self-described people decide how they are counted (issue 14): the event package's
``count_as_woman``, ``balance check --json`` and its exit codes, the organiser's consent."""

from __future__ import annotations

import copy
import json

import pytest
import sqlalchemy as sa

from tests.factories import login, make_event, make_organiser, make_person
from tests.test_pkg_roundtrip import base_package, cli_import
from wid_events.enums import Gender, GenderSource
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.packages.package import export_event
from wid_events.people.models import Person


def _package(answer=..., gender="self_described"):
    """Two men and one self-described person on one panel."""
    data = base_package()
    data["event"]["balance_policy"]["count_non_binary"] = False
    data["event"]["published"] = False  # a failing panel could not be published
    data["people"] = [
        {
            "key": "joao",
            "name": "João Gonçalves",
            "email": None,
            "organisation": None,
            "pronouns": None,
            "gender": "man",
        },
        {
            "key": "pieter",
            "name": "Pieter Janssens",
            "email": None,
            "organisation": None,
            "pronouns": None,
            "gender": "man",
        },
        {
            "key": "kim",
            "name": "Kim Nguyen",
            "email": None,
            "organisation": None,
            "pronouns": None,
            "gender": gender,
            "gender_self_description": "genderfluid" if gender == "self_described" else None,
        },
    ]
    if answer is not ...:
        data["people"][2]["count_as_woman"] = answer
    panel = copy.deepcopy(next(s for s in data["sessions"] if s["key"] == "panel-1"))
    panel["speakers"] = [{"person": k, "role": "panelist"} for k in ("joao", "pieter", "kim")]
    data["sessions"] = [panel]
    return data


def _check(runner):
    result = runner.invoke(args=["balance", "check", "pkg-test", "--json"])
    return result.exit_code, json.loads(result.output)


@pytest.mark.parametrize(
    ("answer", "verdict", "exit_code"),
    [(..., "incomplete", 3), (None, "incomplete", 3), (True, "pass", 0), (False, "fail", 1)],
)
def test_balance_check_follows_the_persons_own_answer(runner, tmp_path, app, answer, verdict, exit_code):
    result = cli_import(runner, tmp_path, _package(answer))
    assert result.exit_code == 0, result.output
    code, document = _check(runner)
    assert code == exit_code
    (panel,) = document["panels"]
    assert panel["verdict"] == verdict
    assert panel["counted"] == {"woman": 0, "man": 2, "non_binary": 0, "self_described": 1, "undisclosed": 0}
    assert panel["reason"]


def test_count_as_woman_round_trips_and_is_written_only_for_self_described(runner, tmp_path, app):
    assert cli_import(runner, tmp_path, _package(True)).exit_code == 0
    event = db.session.scalar(sa.select(Event).where(Event.slug == "pkg-test"))
    people = {p["key"]: p for p in export_event(event)["people"]}
    assert people["kim"]["count_as_woman"] is True
    assert "count_as_woman" not in people["joao"]
    kim = db.session.scalar(sa.select(Person).where(Person.key == "kim"))
    assert kim.gender_source == GenderSource.IMPORTED


@pytest.mark.parametrize(
    ("person_fields", "message"),
    [
        (
            {"gender": "man", "count_as_woman": True},
            '"count_as_woman" is only allowed with "gender": "self_described"',
        ),
        ({"gender": "undisclosed", "count_as_woman": None}, '"count_as_woman" is only allowed'),
        ({"count_as_woman": False}, '"count_as_woman" is only allowed'),
        (
            {"gender": "self_described", "count_as_woman": "yes"},
            '"count_as_woman" must be true, false or null',
        ),
    ],
)
def test_count_as_woman_without_self_described_is_refused(runner, tmp_path, app, person_fields, message):
    data = _package()
    data["people"][2].pop("gender")
    data["people"][2].update(person_fields)
    result = cli_import(runner, tmp_path, data)
    assert result.exit_code == 2
    assert message in result.output
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_organiser_records_the_answer_only_with_consent(client):
    event = make_event(published=False)
    person = make_person(event, "Kim Nguyen")
    login(client, make_organiser(event))
    url = f"/manage/events/{event.slug}/people/{person.id}"
    form = {
        "name": "Kim Nguyen",
        "gender": "self_described",
        "gender_self_description": "genderfluid",
        "count_as_woman": "yes",
    }
    refused = client.post(url, data=form)
    assert refused.status_code == 400
    db.session.expire_all()
    assert db.session.get(Person, person.id).count_as_woman is None
    done = client.post(url, data={**form, "gender_consent": "y"})
    assert done.status_code in (302, 303), done.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Person, person.id)
    assert (stored.gender, stored.count_as_woman) == (Gender.SELF_DESCRIBED, True)
    assert stored.gender_source == GenderSource.ORGANISER_WITH_CONSENT
    page = client.get(url).get_data(as_text=True)
    assert "count me as a woman" in page
