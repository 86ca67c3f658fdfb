"""Every organiser page in French, Dutch and German shows statuses, session types, roles and
modes translated: no raw enum value and no English label (issue 14)."""

from __future__ import annotations

import datetime as dt
import re

import lxml.html
import pytest
from flask import url_for
from flask_babel import force_locale

from tests.factories import (
    login,
    make_event,
    make_organiser,
    make_person,
    make_registration,
    make_room,
    make_session,
)
from wid_events.core.labels import LABELS
from wid_events.enums import Attendance, Gender, GenderSource, RegistrationStatus, SessionType, SpeakerRole

LANGUAGES = ("fr", "nl", "de")

#: Raw enum values that must never be shown as text (values that are also ordinary words in
#: the languages, like "online" or "panel", are covered by the labels below).
RAW_VALUES = {
    "in_person",
    "job_fair",
    "non_binary",
    "self_described",
    "undisclosed",
    "waitlisted",
    "self_declared",
    "organiser_with_consent",
    "panelist",
    "facilitator",
}


def _event():
    event = make_event(published=False, title="Événement 2030")
    room = make_room(event, "Salle A")
    start = dt.datetime.combine(event.start_date, dt.time(9))
    people = [make_person(event, f"P{i}", gender) for i, gender in enumerate(Gender)]
    people[0].gender_source = GenderSource.SELF_DECLARED  # shown (translated) in the people directory
    roles = list(SpeakerRole)
    sessions = []
    for i, kind in enumerate(SessionType):
        sessions.append(
            make_session(
                event,
                f"S{i}",
                type=kind,
                start=start + dt.timedelta(hours=i),
                room=room,
                requires_signup=kind == SessionType.WORKSHOP,
                capacity=5,
                speakers=[(people[i % len(people)], roles[i % len(roles)])],
            )
        )
    workshop = sessions[list(SessionType).index(SessionType.WORKSHOP)]
    for i, status in enumerate(RegistrationStatus):
        for attendance in Attendance:
            make_registration(
                event, f"R{i}{attendance.value[0]}", status=status, attendance=attendance, sessions=[workshop]
            )
    return event, people[0], sessions[0], workshop


def _organiser_pages(app, event, person, session, workshop) -> list[str]:
    with app.test_request_context():
        endpoints = [
            ("manage.event_home", {}),
            ("agenda_manage.editor", {}),
            ("agenda_manage.sessions", {}),
            ("agenda_manage.session_edit", {"session_id": session.id}),
            ("agenda_manage.people", {}),
            ("agenda_manage.person_edit", {"person_id": person.id}),
            ("agenda_manage.publish", {}),
            ("manage.settings", {}),
            ("speakers_manage.invitations", {}),
            ("registration_manage.index", {}),
            ("registration_manage.session_list", {"session_id": workshop.id}),
            ("exports_manage.badges_form", {}),
            ("exports_manage.checkin", {"q": "r"}),
            ("balance_manage.report", {}),
            ("directory.index", {"q": "P0"}),
            ("directory.detail", {"record_id": person.directory_id}),
        ]
        return [url_for(name, slug=event.slug, **args) for name, args in endpoints]


def _english_labels(app, lang: str) -> set[str]:
    """English labels whose translation differs in ``lang`` (some words are the same)."""
    out = set()
    with app.test_request_context():
        for _member, text in LABELS:
            with force_locale("en"):
                english = str(text)
            with force_locale(lang):
                translated = str(text)
            if english != translated:
                out.add(english)
    return out


def _visible_text(html: str) -> str:
    tree = lxml.html.fromstring(html)
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    return " ".join(tree.text_content().split())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_organiser_pages_show_no_untranslated_status_type_or_role(client, app, lang):
    event, person, session, workshop = _event()
    login(client, make_organiser(event))
    english = _english_labels(app, lang)
    assert {"Keynote", "Panelist", "Cancelled"} & english  # the check has teeth
    problems = []
    for path in _organiser_pages(app, event, person, session, workshop):
        sep = "&" if "?" in path else "?"
        response = client.get(f"{path}{sep}lang={lang}")
        assert response.status_code == 200, path
        text = _visible_text(response.get_data(as_text=True))
        for value in RAW_VALUES:
            if re.search(rf"\b{value}\b", text):
                problems.append(f"{path}: raw value {value!r}")
        for label in english:
            if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", text):
                problems.append(f"{path}: English label {label!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("lang", "share"), [("en", "18.2%"), ("fr", "18,2\u00a0%"), ("de", "18,2\u00a0%"), ("nl", "18,2%")]
)
def test_percentages_follow_the_locale(client, lang, share):
    event = make_event(published=False)
    login(client, make_organiser(event))
    html = client.get(f"/manage/events/{event.slug}/balance?lang={lang}").get_data(as_text=True)
    assert share in html
    assert "18.2%" not in html or lang == "en"
