"""Custom registration questions: organiser list, the form's q_<key> fields, errors naming the
question, answers in the organiser view, CSV, API and data export; erasure; archive vs delete."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from tests.factories import login, make_event, make_organiser
from tests.test_reg_form import form_data, get_form_key, token_of
from wid_events.accounts.services import issue_token
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.packages.package import export_event, import_package, validate_package
from wid_events.registration.models import Answer, Question, Registration


def add_question(client, event, **fields):
    data = {"type": "text", "label": "Question", **fields}
    return client.post(f"/manage/events/{event.slug}/questions", data=data)


def setup_questions(client):
    event = make_event("qs", default_language="en")
    user = make_organiser(event)
    login(client, user)
    assert (
        add_question(
            client,
            event,
            key="country",
            label="Which country do you live in?",
            type="country",
            required="y",
            tr_fr_label="Dans quel pays habitez-vous ?",
        ).status_code
        == 303
    )
    assert (
        add_question(
            client,
            event,
            key="visa_letter",
            label="Do you need a visa letter?",
            type="yes_no",
            attendance="in_person",
            required="y",
        ).status_code
        == 303
    )
    assert (
        add_question(
            client,
            event,
            key="programme",
            label="Which DT4E programme are you part of?",
            type="choice",
            options="Women in Tech\nNewcomers\nNone",
            tr_fr_options="Femmes dans la tech\nNouveaux arrivants\nAucun",
            required="y",
        ).status_code
        == 303
    )
    assert (
        add_question(
            client, event, key="topics", label="Topics", type="multiple_choice", options="AI\nCloud\nData"
        ).status_code
        == 303
    )
    assert add_question(client, event, key="arrival", label="Arrival date", type="date").status_code == 303
    client.get("/logout")
    return event, user


def test_key_collision_and_bad_options_are_refused(client):
    event = make_event("qk")
    login(client, make_organiser(event))
    clash = add_question(client, event, key="email", label="Your email again")
    assert clash.status_code == 400
    assert "“email” is a built-in registration field" in clash.get_data(as_text=True)
    one = add_question(client, event, key="pick", label="Pick", type="choice", options="Only one")
    assert "at least two options" in one.get_data(as_text=True)
    bad_tr = add_question(
        client, event, key="pick", label="Pick", type="choice", options="A\nB", tr_fr_options="Seulement A"
    )
    assert "Translate every option" in bad_tr.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_required_answer_missing_names_the_question(client):
    event, _user = setup_questions(client)
    key = get_form_key(client, event.slug)
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert 'name="q_country"' in page and 'name="q_programme"' in page and 'value="Newcomers"' in page
    r = client.post(
        f"/events/{event.slug}/register",
        data=form_data(form_key=key, q_country="BE", q_visa_letter="no"),
    )
    assert r.status_code == 400
    assert "Please answer “Which DT4E programme are you part of?”." in r.get_data(as_text=True)
    bad = client.post(
        f"/events/{event.slug}/register",
        data=form_data(form_key=key, q_country="BE", q_visa_letter="no", q_programme="Astronauts"),
    )
    assert bad.status_code == 400
    assert "“Astronauts” is not one of the options of" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def test_online_attendees_are_not_asked_in_person_questions(client):
    event, _user = setup_questions(client)
    r = client.post(
        f"/events/{event.slug}/register",
        data=form_data(
            form_key=get_form_key(client, event.slug), attendance="online", q_country="DE", q_programme="None"
        ),
    )
    token_of(r)


def test_answers_in_view_csv_api_export_and_gone_after_erasure(client):
    event, user = setup_questions(client)
    r = client.post(
        f"/events/{event.slug}/register",
        data={
            **form_data(form_key=get_form_key(client, event.slug)),
            "q_country": "BE",
            "q_visa_letter": "yes",
            "q_programme": "Newcomers",
            "q_topics": ["AI", "Data"],
            "q_arrival": "2030-09-10",
        },
    )
    token = token_of(r)
    reg = db.session.scalar(sa.select(Registration))
    answers = {a.question.key: a.value for a in reg.answers}
    assert answers == {
        "country": "BE",
        "visa_letter": True,
        "programme": "Newcomers",
        "topics": ["AI", "Data"],
        "arrival": "2030-09-10",
    }
    mine = client.get(f"/registrations/{token}").get_data(as_text=True)
    assert "Your answers" in mine and "Belgium" in mine and "AI; Data" in mine
    own = client.get(f"/registrations/{token}/data.json").get_json()
    assert {a["key"]: a["answer"] for a in own["answers"]}["topics"] == ["AI", "Data"]

    api_token = issue_token(user.email)
    db.session.commit()
    listed = client.get(
        f"/api/v1/events/{event.slug}/registrations", headers={"Authorization": f"Bearer {api_token}"}
    ).get_json()
    assert listed[0]["answers"]["visa_letter"] is True
    assert listed[0]["answers"]["programme"] == "Newcomers"

    login(client, user)
    body = client.get(f"/manage/events/{event.slug}/registrations.csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["country"] == "Belgium" and rows[0]["visa_letter"] == "Yes"
    assert rows[0]["topics"] == "AI; Data"
    listing = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert "Which DT4E programme are you part of?" in listing and "Newcomers" in listing

    # A question with answers can be archived, not deleted.
    programme = db.session.scalar(sa.select(Question).where(Question.key == "programme"))
    refused = client.post(
        f"/manage/events/{event.slug}/questions/{programme.id}/delete", follow_redirects=True
    )
    assert "has answers, so it cannot be deleted" in refused.get_data(as_text=True)
    assert db.session.get(Question, programme.id) is not None
    client.post(f"/manage/events/{event.slug}/questions/{programme.id}/archive")
    db.session.expire_all()
    assert db.session.get(Question, programme.id).archived_at is not None
    assert 'name="q_programme"' not in client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    keys = [q["key"] for q in export_event(db.session.get(Event, event.id))["event"]["questions"]]
    assert "programme" not in keys and "country" in keys

    client.post(f"/registrations/{token}/erase")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0
    listed = client.get(
        f"/api/v1/events/{event.slug}/registrations", headers={"Authorization": f"Bearer {api_token}"}
    ).get_json()
    assert listed[0]["answers"] == {}
    # Now the archived question has no answers left, so it can be deleted.
    client.post(f"/manage/events/{event.slug}/questions/{programme.id}/delete")
    assert db.session.get(Question, programme.id) is None


def test_questions_in_the_visitors_language(client):
    event, _user = setup_questions(client)
    page = client.get(f"/events/{event.slug}/register", headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )
    assert "Dans quel pays habitez-vous ?" in page
    assert "Nouveaux arrivants" in page and 'value="Newcomers"' in page  # shown in French, stored as is
    assert "Belgique" in page  # country names from Babel
    missing = client.post(
        f"/events/{event.slug}/register",
        data=form_data(form_key=get_form_key(client, event.slug), q_programme="None", q_visa_letter="no"),
        headers={"Accept-Language": "fr"},
    )
    assert "Dans quel pays habitez-vous ?" in missing.get_data(as_text=True)


def test_questions_in_the_package(app):
    from tests.test_pkg_roundtrip import base_package

    pkg = base_package()
    pkg["event"]["questions"] = [
        {
            "key": "visa_letter",
            "label": "Do you need a visa letter?",
            "type": "yes_no",
            "required": True,
            "options": None,
            "attendance": "in_person",
            "translations": {"fr": {"label": "Avez-vous besoin d’une lettre de visa ?"}},
        },
        {
            "key": "programme",
            "label": "Programme",
            "type": "choice",
            "required": False,
            "options": ["A", "B"],
            "attendance": None,
            "translations": {"nl": {"label": "Programma", "options": ["A-nl", "B-nl"]}},
        },
    ]
    assert validate_package(pkg) == []
    import_package(pkg, actor="test")
    db.session.commit()
    exported = export_event(db.session.scalar(sa.select(Event)))["event"]["questions"]
    assert [q["key"] for q in exported] == ["visa_letter", "programme"]
    assert exported[1]["translations"]["nl"]["options"] == ["A-nl", "B-nl"]
    bad = base_package()
    bad["event"]["questions"] = [
        {"key": "name", "label": "Name?", "type": "text"},
        {"key": "pick", "label": "Pick", "type": "choice", "options": ["A"], "translations": {"xx": {}}},
        {"key": "t", "label": "T", "type": "text", "options": ["A", "B"]},
    ]
    problems = "\n".join(validate_package(bad))
    assert '"key" "name" is a built-in registration field' in problems
    assert 'translation for unknown language "xx"' in problems
    assert 'only choice questions have "options"' in problems
