"""No Women No Panel on the database: gate, exemptions, suggestions, report, API, CLI, badge."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

from tests.factories import (
    login,
    make_event,
    make_organiser,
    make_person,
    make_room,
    make_session,
    make_user,
)
from wid_events.accounts.models import ApiToken, EventOrganiser
from wid_events.agenda.models import SessionSpeaker
from wid_events.audit.models import AuditLogEntry
from wid_events.balance import services
from wid_events.balance.models import BalanceExemption
from wid_events.core.web import hash_token
from wid_events.enums import Gender, SessionStatus, SessionType, SpeakerRole
from wid_events.errors import DomainError, NotFound
from wid_events.extensions import db
from wid_events.people.models import Unavailability

W, M, NB, SD, U = Gender.WOMAN, Gender.MAN, Gender.NON_BINARY, Gender.SELF_DESCRIBED, Gender.UNDISCLOSED
P, MOD = SpeakerRole.PANELIST, SpeakerRole.MODERATOR


def at(event, hour: int, day: int = 0) -> dt.datetime:
    return dt.datetime.combine(event.start_date + dt.timedelta(days=day), dt.time(hour, 0))


def panel(event, title, people, hour=10, **kw):
    return make_session(event, title, type=SessionType.PANEL, start=at(event, hour), speakers=people, **kw)


@pytest.fixture
def world(app):
    """A published event: one passing panel, one failing (woman moderator only), one incomplete,
    one cancelled failing panel, a keynote, and a pool of free and busy women."""
    event = make_event("nwnp", published=True)
    room = make_room(event, "Main hall")
    men = [make_person(event, f"Man {i}", M) for i in range(4)]
    ana = make_person(event, "Ana Free", W, topics="AI, finance")
    bea = make_person(event, "Bea Busy", W)
    cleo = make_person(event, "Cleo Away", W)
    mod = make_person(event, "Mona Moderator", W)
    undisclosed = make_person(event, "Uli Private", U)
    ok = panel(event, "Balanced panel", [(bea, P), (men[0], P), (men[1], P)], hour=9, room=room)
    bad = panel(
        event,
        "AI in finance",
        [(men[0], P), (men[1], P), (men[2], P), (mod, MOD)],
        hour=11,
        room=room,
        description="How AI changes finance",
    )
    maybe = panel(event, "Undecided panel", [(men[3], P), (undisclosed, P)], hour=14)
    cancelled = panel(event, "Dropped debate", [(men[3], P)], hour=16, status=SessionStatus.CANCELLED)
    keynote = make_session(
        event, "Keynote", type=SessionType.KEYNOTE, start=at(event, 8), speakers=[(ana, P)]
    )
    # Bea speaks at 11:00 too (busy); Cleo is unavailable then
    make_session(event, "Bea's talk", start=at(event, 11), speakers=[(bea, SpeakerRole.SPEAKER)])
    db.session.add(Unavailability(person=cleo, start=at(event, 10), end=at(event, 12)))
    db.session.commit()
    return dict(
        event=event,
        ok=ok,
        bad=bad,
        maybe=maybe,
        cancelled=cancelled,
        keynote=keynote,
        ana=ana,
        bea=bea,
        cleo=cleo,
        mod=mod,
        men=men,
    )


def test_check_document_follows_the_contract(world):
    doc = services.check(world["event"])
    assert set(doc) == {"event", "policy", "panels", "event_share_women", "speakers"}
    assert doc["event"] == "nwnp"
    assert doc["policy"] == {
        "min_women_per_panel": 1,
        "count_moderators": False,
        "count_non_binary": False,
        "target_share_women": 0.4,
    }
    titles = [p["title"] for p in doc["panels"]]
    assert titles == ["Balanced panel", "AI in finance", "Undecided panel"]  # cancelled ignored
    for p in doc["panels"]:
        assert set(p) == {"session", "key", "title", "verdict", "counted", "moderators", "reason"}
        assert (
            set(p["counted"])
            == set(p["moderators"])
            == {"woman", "man", "non_binary", "self_described", "undisclosed"}
        )
        assert isinstance(p["reason"], str) and p["reason"]
    by_title = {p["title"]: p for p in doc["panels"]}
    bad = by_title["AI in finance"]
    assert bad["verdict"] == "fail"
    assert bad["session"] == world["bad"].id and bad["key"] == world["bad"].key
    assert bad["counted"]["man"] == 3 and bad["moderators"]["woman"] == 1
    assert bad["reason"] == (
        "1 woman needed; 3 men panelists; the only woman is the moderator, and moderators are not counted"
    )
    assert by_title["Balanced panel"]["verdict"] == "pass"
    assert by_title["Undecided panel"]["verdict"] == "incomplete"
    # speakers: 4 men + Ana, Bea, Mona, Uli (Cleo speaks nowhere) = 8, 3 of them women
    assert doc["speakers"] == 8
    assert doc["event_share_women"] == pytest.approx(3 / 8, abs=1e-4)


def test_gate_blocks_publishing_a_failing_panel_and_explains(world):
    event = world["event"]
    event.published = False
    db.session.commit()
    services.enforce_gate(event)  # a draft being edited: no gate
    with pytest.raises(services.BalanceGateError) as caught:
        services.enforce_gate(event, publishing=True)
    assert "AI in finance" in caught.value.message
    assert "1 woman needed" in caught.value.message
    assert [v.verdict for v in caught.value.verdicts] == ["fail"]
    assert caught.value.status == 409


def test_gate_on_a_published_event_sees_unflushed_edits(world):
    event = world["event"]
    # published event with a failing panel: already blocked; exempt it, then break another one
    services.record_exemption(event, world["bad"].id, "The only woman we invited fell ill.", actor="cli")
    db.session.commit()
    services.enforce_gate(event)
    ok = world["ok"]
    link = next(s for s in ok.speakers if s.person_id == world["bea"].id)
    db.session.delete(link)  # not committed: the caller runs the gate before committing
    with pytest.raises(services.BalanceGateError) as caught:
        services.enforce_gate(event)
    assert "Balanced panel" in caught.value.message
    assert "AI in finance" not in caught.value.message  # exempted
    db.session.rollback()


def test_incomplete_panels_warn_but_do_not_block(app):
    event = make_event(published=False)
    panel(event, "Maybe", [(make_person(event, "A", M), P), (make_person(event, "B", U), P)])
    panel(event, "Empty", [])
    services.enforce_gate(event, publishing=True)
    warnings = services.publish_warnings(event)
    assert len(warnings) == 2
    assert any("Maybe" in w and "could decide" in w for w in warnings)
    assert any("Empty" in w and "no panelists yet" in w for w in warnings)


def test_exemption_is_audited_lets_the_panel_through_and_stays_a_fail(world):
    event, bad = world["event"], world["bad"]
    user = make_organiser(event)
    with pytest.raises(Exception, match="at least 10"):
        services.record_exemption(event, bad.id, "  ok  ", actor=user)
    services.record_exemption(event, bad.id, "Speaker cancelled the day before.", actor=user)
    db.session.commit()
    services.enforce_gate(event, publishing=True)
    doc = services.check(event)
    row = next(p for p in doc["panels"] if p["session"] == bad.id)
    assert row["verdict"] == "fail"
    assert "exempted by" in row["reason"] and "Speaker cancelled the day before." in row["reason"]
    entry = db.session.scalar(sa.select(AuditLogEntry).where(AuditLogEntry.action == "balance.exemption"))
    assert entry.actor_id == user.id and entry.event_id == event.id and entry.object_id == str(bad.id)
    assert entry.changes["reason"][1] == "Speaker cancelled the day before."
    with pytest.raises(DomainError):  # only one active exemption per panel
        services.record_exemption(event, bad.id, "A second reason for the same panel.", actor=user)


def test_revoking_an_exemption_on_a_published_agenda_is_refused_while_it_fails(world):
    event, bad = world["event"], world["bad"]
    services.record_exemption(event, bad.id, "Speaker cancelled the day before.", actor="cli")
    db.session.commit()
    with pytest.raises(services.BalanceGateError):
        services.revoke_exemption(event, bad.id, actor="cli")
    db.session.rollback()
    event.published = False
    db.session.commit()
    services.revoke_exemption(event, bad.id, actor="cli")
    db.session.commit()
    exemption = db.session.scalar(sa.select(BalanceExemption))
    assert exemption.revoked_at is not None and exemption.revoked_by_label == "cli"
    assert db.session.scalar(
        sa.select(AuditLogEntry).where(AuditLogEntry.action == "balance.exemption_revoked")
    )


def test_exemption_survives_a_lineup_change_and_the_report_says_so(world):
    event, bad = world["event"], world["bad"]
    services.record_exemption(event, bad.id, "Speaker cancelled the day before.", actor="cli")
    db.session.commit()
    bad.speakers.append(SessionSpeaker(person=world["men"][3], role=P, position=9))
    db.session.commit()
    result = next(r for r in services.panel_results(event) if r.session.id == bad.id)
    assert result.exemption is not None and result.exempted and result.lineup_changed
    assert not result.blocks


def test_suggestions_are_free_women_with_topic_matches_first(world):
    event, bad = world["event"], world["bad"]
    names = [s.person.name for s in services.suggestions(event, bad)]
    # Bea is busy at 11:00, Cleo unavailable, Mona already on the panel, men and Uli don't count
    assert names == ["Ana Free"]
    assert services.suggestions(event, bad)[0].matched_topics == ["AI", "finance"]


def test_suggestions_from_other_events_of_the_same_organiser_only(world):
    event, bad = world["event"], world["bad"]
    user = make_organiser(event)
    mine = make_event("other-mine")
    db.session.add(EventOrganiser(user_id=user.id, event_id=mine.id))
    make_person(mine, "Olga Other", W, topics="finance")
    make_person(mine, "Ana Free", W)  # already known in this event: not repeated
    theirs = make_event("not-mine")
    make_person(theirs, "Secret Person", W)
    db.session.commit()
    suggested = services.suggestions(event, bad, user=user)
    assert [(s.person.name, s.other_event.slug if s.other_event else None) for s in suggested] == [
        ("Ana Free", None),
        ("Olga Other", "other-mine"),
    ]


def test_add_panelist_checks_everything_again(world):
    event, bad = world["event"], world["bad"]
    with pytest.raises(DomainError, match="busy or unavailable"):
        services.add_panelist(event, bad.id, world["bea"].id, actor="cli")
    with pytest.raises(DomainError, match="already on this panel"):
        services.add_panelist(event, bad.id, world["mod"].id, actor="cli")
    with pytest.raises(DomainError, match="would not count"):
        services.add_panelist(event, bad.id, world["men"][3].id, actor="cli")
    other = make_event("elsewhere")
    stranger = make_person(other, "Stranger", W)
    with pytest.raises(NotFound):
        services.add_panelist(event, bad.id, stranger.id, actor="cli")
    with pytest.raises(DomainError, match="Only panels"):
        services.add_panelist(event, world["keynote"].id, world["ana"].id, actor="cli")
    services.add_panelist(event, bad.id, world["ana"].id, actor="cli")
    db.session.commit()
    assert next(p for p in services.check(event)["panels"] if p["session"] == bad.id)["verdict"] == "pass"


# --- pages, JSON, API -------------------------------------------------------------------------


def test_report_page_shows_verdicts_reasons_suggestions_and_charts(world, client):
    event = world["event"]
    login(client, make_organiser(event))
    r = client.get("/manage/events/nwnp/balance")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "1 woman needed; 3 men panelists; the only woman is the moderator" in html
    assert "Ana Free" in html and "Add as panelist" in html
    assert "Bea Busy" not in html.split("Suggestions")[1].split("</section>")[0]
    assert html.count('role="img"') == 2 and "<title id=" in html and "<desc id=" in html
    assert "Dropped debate" not in html
    assert "style=" not in html and "<script" not in html
    assert html.count("<h1") == 1
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "element ids are unique"
    for label_for in re.findall(r'<label for="([^"]+)"', html):
        assert label_for in ids


def test_report_is_for_organisers_of_that_event_only(world, client):
    assert client.get("/manage/events/nwnp/balance").status_code in (302, 401)
    login(client, make_organiser(make_event("someone-else")))
    for url in ("/manage/events/nwnp/balance", "/manage/events/nwnp/balance.json"):
        assert client.get(url).status_code == 403
    bad = world["bad"]
    r = client.post(
        f"/manage/events/nwnp/balance/panels/{bad.id}/exemption", data={f"p{bad.id}-reason": "x" * 20}
    )
    assert r.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BalanceExemption)) == 0


def test_balance_json_equals_the_cli_document(world, client, runner):
    login(client, make_organiser(world["event"]))
    r = client.get("/manage/events/nwnp/balance.json")
    assert r.status_code == 200
    cli = runner.invoke(args=["balance", "check", "nwnp", "--json"])
    assert r.get_json() == json.loads(cli.output)


def test_exemption_form_round_trip(world, client):
    event, bad = world["event"], world["bad"]
    login(client, make_organiser(event))
    url = f"/manage/events/nwnp/balance/panels/{bad.id}/exemption"
    r = client.post(url, data={f"p{bad.id}-reason": "short"})
    assert r.status_code == 422
    assert "at least 10" in r.get_data(as_text=True)
    r = client.post(
        url, data={f"p{bad.id}-reason": "The invited woman panelist fell ill."}, follow_redirects=True
    )
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Exemption recorded" in html and "The invited woman panelist fell ill." in html
    assert "Revoke exemption" in html
    # revoking on the published agenda is refused with a message; the exemption stays
    r = client.post(url + "/revoke", follow_redirects=True)
    assert "The exemption was kept" in r.get_data(as_text=True)
    assert db.session.scalar(sa.select(BalanceExemption)).revoked_at is None


def test_a_second_exemption_is_refused_on_the_report(world, client):
    bad = world["bad"]
    login(client, make_organiser(world["event"]))
    url = f"/manage/events/nwnp/balance/panels/{bad.id}/exemption"
    data = {f"p{bad.id}-reason": "The invited woman panelist fell ill."}
    assert client.post(url, data=data).status_code == 302
    r = client.post(url, data=data, follow_redirects=True)
    assert r.status_code == 200 and "already has an exemption" in r.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BalanceExemption)) == 1


def test_add_as_panelist_button(world, client):
    event, bad = world["event"], world["bad"]
    login(client, make_organiser(event))
    url = f"/manage/events/nwnp/balance/panels/{bad.id}/panelists"
    r = client.post(url, data={"person_id": world["bea"].id}, follow_redirects=True)
    assert "busy or unavailable" in r.get_data(as_text=True)
    r = client.post(url, data={"person_id": "not-a-number"}, follow_redirects=True)
    assert r.status_code == 200 and "Choose someone" in r.get_data(as_text=True)
    r = client.post(url, data={"person_id": world["ana"].id}, follow_redirects=True)
    assert "Ana Free was added as a panelist. The panel now passes." in r.get_data(as_text=True)
    assert db.session.scalar(
        sa.select(AuditLogEntry).where(AuditLogEntry.action == "session.speaker_add")
    ).object_id == str(bad.id)
    r = client.post(
        "/manage/events/nwnp/balance/panels/999999/panelists", data={"person_id": 1}, follow_redirects=True
    )
    assert r.status_code == 200 and "no such panel" in r.get_data(as_text=True)


def test_api_needs_an_organiser_token(world, client):
    from flask import g

    event = world["event"]
    assert client.get("/api/v1/events/nwnp/balance").status_code == 401
    # the test's app context (and so Flask-Login's cached user in g) outlives a request
    g.pop("_login_user", None)
    outsider = make_user()
    organiser = make_organiser(event)
    for user, token in ((outsider, "tok-outsider"), (organiser, "tok-organiser")):
        db.session.add(ApiToken(user_id=user.id, token_hash=hash_token(token)))
    db.session.commit()
    r = client.get("/api/v1/events/nwnp/balance", headers={"Authorization": "Bearer tok-outsider"})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    g.pop("_login_user", None)
    r = client.get("/api/v1/events/nwnp/balance", headers={"Authorization": "Bearer tok-organiser"})
    assert r.status_code == 200
    assert r.get_json() == services.check(event)
    r = client.get("/api/v1/events/nope/balance", headers={"Authorization": "Bearer tok-organiser"})
    assert r.status_code == 404 and "error" in r.get_json()


# --- CLI ------------------------------------------------------------------------------------


def test_cli_exit_statuses(app, runner):
    event = make_event("cli-ev")
    a, b, u = make_person(event, "A", W), make_person(event, "B", M), make_person(event, "U", U)
    assert runner.invoke(args=["balance", "check", "cli-ev"]).exit_code == 0  # no panels: all pass
    p1 = panel(event, "Fine", [(a, P), (b, P)])
    assert runner.invoke(args=["balance", "check", "cli-ev"]).exit_code == 0
    p2 = panel(event, "Maybe", [(b, P), (u, P)], hour=12)
    result = runner.invoke(args=["balance", "check", "cli-ev"])
    assert result.exit_code == 3
    assert "INCOMPLETE" in result.output and "Maybe" in result.output
    panel(event, "All men", [(b, P)], hour=15)
    result = runner.invoke(args=["balance", "check", "cli-ev", "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert [p["verdict"] for p in doc["panels"]] == ["pass", "incomplete", "fail"]
    assert doc["speakers"] == 3 and doc["event_share_women"] == pytest.approx(1 / 3, abs=1e-4)
    # an exempted failure still reports fail, and exit status 1 (contract: 1 if any fail)
    third = doc["panels"][2]["session"]
    services.record_exemption(event, third, "Documented reason for the record.", actor="cli")
    db.session.commit()
    assert runner.invoke(args=["balance", "check", "cli-ev"]).exit_code == 1
    assert p1.id and p2.id
    result = runner.invoke(args=["balance", "check", "no-such-event"])
    assert result.exit_code == 2
    result = runner.invoke(args=["balance", "check", "no-such-event", "--json"])
    assert result.exit_code == 2


def test_cli_text_has_one_line_per_panel_and_a_summary(world, runner):
    result = runner.invoke(args=["balance", "check", "nwnp"])
    lines = result.output.strip().splitlines()
    assert len(lines) == 4
    assert lines[1].startswith("FAIL") and "AI in finance" in lines[1]
    assert "3 panels: 1 pass, 1 fail, 1 incomplete" in lines[3]


# --- public badge ---------------------------------------------------------------------------


def render_badge(app, event) -> str:
    with app.test_request_context("/"):
        return app.jinja_env.get_template("balance/_transparency_badge.html").render(event=event)


def test_badge_shows_aggregates_for_published_events_with_enough_speakers(world, app):
    html = render_badge(app, world["event"])
    assert "Panels meeting “No Women No Panel”: 1 of 3" in html
    # 3 women of 8: fewer than 5 women, so no share is published (issue 16, F8).
    assert "%" not in html and "are women" not in html
    world["event"].published = False
    db.session.commit()
    assert "balance-badge" not in render_badge(app, world["event"])


def test_badge_shows_only_the_panels_line_for_small_groups(app):
    """Issue 16, F8: a share of women only with at least 5 women and 5 others counted."""
    event = make_event()
    panel(event, "Small", [(make_person(event, f"P{i}", W if i == 0 else M), P) for i in range(4)])
    html = render_badge(app, event)
    assert "Panels meeting “No Women No Panel”: 1 of 1" in html
    assert "%" not in html
    for i in range(4):
        make_session(event, f"Talk {i}", start=at(event, 15), speakers=[(make_person(event, f"W{i}", W), P)])
    make_session(event, "Talk 5", start=at(event, 16), speakers=[(make_person(event, "Other", M), P)])
    assert "%" not in render_badge(app, event)  # 5 women, only 4 others
    make_session(event, "Talk 6", start=at(event, 17), speakers=[(make_person(event, "Another", M), P)])
    assert "50% of our 10 speakers are women" in render_badge(app, event)


def test_a_gender_change_on_a_published_event_goes_through_the_gate(app):
    from wid_events.enums import GenderSource

    event = make_event(published=True)
    woman = make_person(event, "Only Woman", W)
    panel(event, "Panel", [(woman, P), (make_person(event, "Him", M), P)])
    services.enforce_gate(event)
    with db.session.no_autoflush:
        services.record_gender(woman, M, None, source=GenderSource.SELF_DECLARED, actor="speaker")
        with pytest.raises(services.BalanceGateError):
            services.enforce_gate(event)
    db.session.rollback()
    # undisclosing only makes the panel incomplete, which never blocks
    services.record_gender(woman, U, None, source=GenderSource.SELF_DECLARED, actor="speaker")
    services.enforce_gate(event)
    assert "could decide" in services.publish_warnings(event)[0]
    entry = db.session.scalar(sa.select(AuditLogEntry).where(AuditLogEntry.action == "person.gender"))
    assert "woman" not in json.dumps(entry.changes) and "undisclosed" not in json.dumps(entry.changes)
