"""Issue 16: F8, the public badge must not give away small groups; F11, erasure leaves no
personal field in any organiser page, export or audit entry. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.factories import login, make_event, make_organiser, make_person, make_session
from tests.test_reg_form import form_data, token_of
from wid_events.accounts import services as account_services
from wid_events.audit.models import AuditLogEntry
from wid_events.core.uow import unit_of_work
from wid_events.enums import Gender, SessionType, SpeakerRole
from wid_events.extensions import db
from wid_events.registration.models import Registration

# ---------------------------------------------------------------------------------- F8


def _event_with_speakers(slug: str, women: int, others: int):
    event = make_event(slug)
    people = [make_person(event, f"Woman {i}", gender=Gender.WOMAN) for i in range(women)]
    people += [make_person(event, f"Other {i}", gender=Gender.MAN) for i in range(others)]
    make_session(event, "Panel", type=SessionType.PANEL, speakers=[(p, SpeakerRole.PANELIST) for p in people])
    return event


def _badge_text(client, event) -> str:
    html = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    match = re.search(r'<section class="balance-badge".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_badge_hides_the_share_of_a_small_group(client):
    """The finding: 5 women and 1 other speaker, "83 % of our 6 speakers are women"."""
    event = _event_with_speakers("small-group", 5, 1)
    badge = _badge_text(client, event)
    assert "Panels meeting “No Women No Panel”: 1 of 1" in badge
    assert "%" not in badge and "are women" not in badge
    api = client.get(f"/api/v1/events/{event.slug}").get_data(as_text=True)
    assert "share" not in api and "83" not in api


def test_badge_shows_the_share_with_five_women_and_five_others(client):
    event = _event_with_speakers("big-group", 5, 5)
    badge = _badge_text(client, event)
    assert "50% of our 10 speakers are women" in badge
    assert "Panels meeting “No Women No Panel”: 1 of 1" in badge


# ---------------------------------------------------------------------------------- F11

NAME = "فاطمة El Amrani"
EMAIL = "fatima.elamrani@example.org"
ORGANISATION = "Zephyrine Collective"
DIETARY = "halal-marker-qv7"
ACCESS = "wheelchair-marker-kx3"
PERSONAL = (NAME, "El Amrani", "فاطمة", EMAIL, ORGANISATION, DIETARY, ACCESS)


def _organiser_get_urls(app, values: dict) -> list[str]:
    """Every GET page and export of the organiser area and the organiser API whose URL
    arguments we can fill in."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()):
                continue
            if not (
                rule.rule.startswith("/manage/events/<slug>")
                or rule.rule.startswith("/api/v1/events/<slug>/")
            ):
                continue
            if not set(rule.arguments) <= set(values):
                continue
            urls.append(app.url_for(rule.endpoint, **{k: values[k] for k in rule.arguments}))
    return sorted(set(urls))


def test_erasure_leaves_no_personal_field_in_organiser_pages_exports_or_audit(app, client, runner, tmp_path):
    event = make_event("erase-all")
    workshop = make_session(event, "Workshop", type=SessionType.WORKSHOP, requires_signup=True, capacity=10)
    attendee = app.test_client()
    response = attendee.post(
        f"/events/{event.slug}/register",
        data=form_data(
            name=NAME,
            email=EMAIL,
            organisation=ORGANISATION,
            dietary=DIETARY,
            access_needs=ACCESS,
            sessions=[str(workshop.id)],
            form_key="erase-all-form-key-0001",
        ),
    )
    token = token_of(response)
    reg = db.session.scalar(sa.select(Registration))
    reg_id, code = reg.id, reg.checkin_code

    organiser = make_organiser(event, "organiser-erase@example.org")
    with unit_of_work():
        api_token = account_services.issue_token(organiser.email)
    checked = client.post(
        f"/api/v1/events/{event.slug}/checkins",
        json={"code": code},
        headers={"Authorization": f"Bearer {api_token}"},
    )
    assert checked.status_code == 200
    db.session.commit()  # a fresh snapshot: other clients wrote meanwhile
    labels = db.session.scalars(sa.select(AuditLogEntry.object_label)).all()
    assert NAME in labels  # the finding: "registration.checked_in: فاطمة El Amrani"

    erased = attendee.post(f"/registrations/{token}/erase", data={"confirm": "y"})
    assert erased.status_code == 200, erased.get_data(as_text=True)[:300]
    db.session.commit()  # a fresh snapshot: other clients wrote meanwhile

    # The audit trail keeps every action, with the name erased.
    entries = db.session.scalars(
        sa.select(AuditLogEntry).where(AuditLogEntry.object_type == "registration")
    ).all()
    actions = {e.action for e in entries}
    assert {"registration.checked_in", "registration.erase"} <= actions
    assert {e.object_label for e in entries if e.action == "registration.checked_in"} == {"(erased)"}

    login(client, organiser)
    values = {"slug": event.slug, "registration_id": reg_id, "session_id": workshop.id}
    urls = _organiser_get_urls(app, values)
    urls += [
        f"/manage/events/{event.slug}/registrations.csv?email=1",
        f"/manage/events/{event.slug}/registrations?q=Amrani",
        f"/manage/events/{event.slug}/checkin?last={reg_id}",
        f"/manage/events/{event.slug}/audit?page=1",
    ]
    assert any("/registrations" in u for u in urls) and any("/audit" in u for u in urls)
    checked_pages = 0
    for url in urls:
        response = client.get(url, headers={"Authorization": f"Bearer {api_token}"})
        if response.status_code != 200:
            continue
        checked_pages += 1
        body = response.get_data()
        for value in PERSONAL:
            assert value.encode() not in body, (url, value)
    assert checked_pages >= 10

    csv = client.get(f"/manage/events/{event.slug}/registrations.csv?email=1").get_data(as_text=True)
    row = next(line for line in csv.splitlines() if line.startswith(str(reg_id)) or f",{reg_id}," in line)
    assert "(erased)" in row and "yes" not in row.split(",")[-1]

    out = tmp_path / "registrations.csv"
    result = runner.invoke(args=["registrations", "export", event.slug, "-o", str(out), "--email"])
    assert result.exit_code == 0, result.output
    exported = out.read_text(encoding="utf-8-sig")
    for value in PERSONAL:
        assert value not in exported

    # The old badge no longer checks anyone in.
    again = client.post(
        f"/api/v1/events/{event.slug}/checkins",
        json={"code": code},
        headers={"Authorization": f"Bearer {api_token}"},
    )
    assert again.status_code == 404
