"""The call for speakers (``/speakers/join``) and the speaker pool: double opt-in, review,
edit and withdraw with the personal link, suggestions for failing panels, "Invite to this panel"."""

from __future__ import annotations

import datetime as dt
import io
import re

import sqlalchemy as sa

from tests.factories import login, make_event, make_organiser, make_person, make_room, make_session
from tests.test_speaker_samples import HTML, make_png
from wid_events.agenda.models import SessionSpeaker
from wid_events.audit.models import AuditLogEntry
from wid_events.core.web import hash_token
from wid_events.enums import Gender, InvitationStatus, PoolStatus, SessionType, SpeakerRole
from wid_events.extensions import db
from wid_events.people.models import Person
from wid_events.pool.models import PoolInvitation, PoolMember
from wid_events.storage import get_storage

LINK_RE = re.compile(r"(https?://\S+/speakers/pool/[A-Za-z0-9_-]+)")
PORTAL_RE = re.compile(r"(https?://\S+/speaker/[^\s]+)")


def form_data(**over) -> dict:
    data = {
        "email": "Amina.Diallo@Example.org",
        "name": "Amina Diallo",
        "organisation": "Green Bank",
        "topics": ["sustainable-finance"],
        "other_topics": "impact investing, Open Data",
        "languages": ["en", "fr"],
        "cities": "Brussels, Ghent",
        "online": "y",
        "bio": "Economist working on *green bonds*.",
        "gender": "woman",
        "list_publicly": "y",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def sign_up(client, **over):
    return client.post("/speakers/join", data=form_data(**over), content_type="multipart/form-data")


def last_link(outbox) -> str:
    return LINK_RE.search(outbox()[-1].get_body(("plain",)).get_content()).group(1)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def member(email: str | None = None) -> PoolMember:
    db.session.expire_all()
    query = sa.select(PoolMember).order_by(PoolMember.id)
    if email:
        query = query.where(PoolMember.email == email.strip().lower())
    return db.session.scalars(query).first()


def confirmed_member(client, outbox, **over) -> tuple[PoolMember, str]:
    assert sign_up(client, **over).status_code == 302
    path = path_of(last_link(outbox))
    assert client.post(path + "/confirm").status_code == 302
    return member(form_data(**over)["email"]), path


# --- sign-up and double opt-in ---------------------------------------------------------------


def test_join_form_is_public_with_the_portal_gender_wording(app, client):
    response = client.get("/speakers/join")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for label in ("Woman", "Prefer not to say", "I describe myself as…", "No Women No Panel"):
        assert label in text
    assert response.headers["Cache-Control"] == "private, no-store"


def test_sign_up_sends_a_confirmation_link_stored_only_as_a_hash(app, client, outbox):
    response = sign_up(client)
    assert response.status_code == 302 and response.location.endswith("/speakers/join/sent")
    m = member()
    assert m.status == PoolStatus.UNCONFIRMED
    assert m.email == "amina.diallo@example.org"
    assert m.topics == ["sustainable-finance", "impact investing", "Open Data"]
    assert m.languages == ["en", "fr"] and m.gender == Gender.WOMAN
    mails = outbox()
    assert [x["To"] for x in mails] == ["amina.diallo@example.org"]
    link = last_link(outbox)
    raw = link.rsplit("/", 1)[1]
    assert m.token_hash == hash_token(raw) and raw not in (m.token_hash or "")
    # Not confirmed: organisers do not see it, nobody is suggested.
    organiser = make_organiser(make_event())
    login(client, organiser)
    assert "Amina" not in client.get("/manage/pool?status=all").get_data(as_text=True)
    # Opening the link shows a button (a GET changes nothing); the POST confirms.
    page = client.get(path_of(link))
    assert page.status_code == 200 and "Confirm my email address" in page.get_data(as_text=True)
    assert member().status == PoolStatus.UNCONFIRMED
    client.post(path_of(link) + "/confirm")
    assert member().status == PoolStatus.SUBMITTED and member().confirmed_at is not None
    assert "Amina" in client.get("/manage/pool").get_data(as_text=True)


def test_duplicate_sign_up_with_the_same_email_makes_no_second_entry(app, client, outbox):
    _m, path = confirmed_member(client, outbox)
    response = sign_up(client, email="AMINA.DIALLO@example.org ", name="Someone Else", languages=["de"])
    assert response.status_code == 302 and "again=1" in response.location
    text = client.get(response.location).get_data(as_text=True)
    assert "already has an entry" in text and "no second entry was made" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PoolMember)) == 1
    again = member()
    assert again.name == "Amina Diallo" and again.languages == ["en", "fr"]  # nothing changed
    assert again.status == PoolStatus.SUBMITTED
    # The personal link was mailed again; the earlier one stops working.
    new_path = path_of(last_link(outbox))
    assert new_path != path
    assert client.get(path).status_code == 404
    assert client.get(new_path).status_code == 200


def test_sign_up_rejects_bad_input_and_saves_nothing(app, client, outbox):
    assert sign_up(client, languages=None).status_code == 422
    assert sign_up(client, email="not-an-email").status_code == 422
    assert sign_up(client, name="   ").status_code == 422
    response = sign_up(client, photo=(io.BytesIO(HTML), "me.png"))
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PoolMember)) == 0
    assert outbox() == []


def test_photo_is_checked_resized_and_private_until_public_listing(app, client, outbox):
    assert sign_up(client, photo=(io.BytesIO(make_png()), "me.png"), list_publicly=None).status_code == 302
    key = member().photo_key
    assert key and key.startswith("pool-photos/") and key.endswith(".png")
    url = "/speakers/pool/photos/" + key.split("/", 1)[1]
    assert client.get(url).status_code == 404  # not accepted, not public


def test_invalid_links_are_refused(app, client):
    assert client.get("/speakers/pool/nope").status_code == 404
    assert client.post("/speakers/pool/nope/withdraw").status_code == 404


# --- review, edit, withdraw -----------------------------------------------------------------


def test_organisers_accept_or_decline_with_a_message(app, client, outbox):
    m, _path = confirmed_member(client, outbox)
    stranger = client.application.test_client()
    assert stranger.get("/manage/pool").status_code in (302, 401)
    organiser = make_organiser(make_event())
    login(client, organiser)
    response = client.post(f"/manage/pool/{m.id}/decline", data={"message": ""})
    assert response.status_code == 422 and member().status == PoolStatus.SUBMITTED
    client.post(f"/manage/pool/{m.id}/decline", data={"message": "We only cover Wallonia this year."})
    assert member().status == PoolStatus.DECLINED
    assert "We only cover Wallonia this year." in outbox()[-1].get_body(("plain",)).get_content()
    assert "We only cover Wallonia this year." in client.get(path_of(last_link(outbox))).get_data(
        as_text=True
    )
    client.post(f"/manage/pool/{m.id}/accept")
    assert member().status == PoolStatus.ACCEPTED and member().reviewed_by == organiser.email
    assert "accepted you into the speaker pool" in outbox()[-1].get_body(("plain",)).get_content()
    entries = db.session.scalars(sa.select(AuditLogEntry).where(AuditLogEntry.object_type == "pool_member"))
    assert all("Amina" not in (e.object_label + str(e.changes)) for e in entries)


def test_public_page_lists_only_accepted_members_who_chose_it(app, client, outbox):
    m, _path = confirmed_member(client, outbox)
    assert "Amina" not in client.get("/speakers/pool").get_data(as_text=True)
    m.status = PoolStatus.ACCEPTED
    db.session.commit()
    text = client.get("/speakers/pool").get_data(as_text=True)
    assert "Amina Diallo" in text and "Sustainable finance" in text
    assert "example.org" not in text and "woman" not in text.lower().replace("women", "")
    m.list_publicly = False
    db.session.commit()
    assert "Amina" not in client.get("/speakers/pool").get_data(as_text=True)


def test_member_edits_and_withdraws_which_erases_the_entry_and_photo(app, client, outbox):
    assert sign_up(client, photo=(io.BytesIO(make_png()), "me.png")).status_code == 302
    path = path_of(last_link(outbox))
    client.post(path + "/confirm")
    response = client.post(path, data=form_data(name="Amina D. Diallo", languages=["nl"], email=None))
    assert response.status_code == 302
    assert member().name == "Amina D. Diallo" and member().languages == ["nl"]
    key = member().photo_key
    assert client.post(path + "/withdraw").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PoolMember)) == 0
    assert not (get_storage().root / key).exists()
    assert client.get(path).status_code == 404


# --- suggestions for panels -------------------------------------------------------------------


def failing_panel(event, *, tags="sustainable finance", start=None):
    men = [make_person(event, f"Man {i}", Gender.MAN) for i in range(3)]
    return make_session(
        event,
        "Financing the digital transition",
        type=SessionType.PANEL,
        start=start or dt.datetime.combine(event.start_date, dt.time(10, 0)),
        room=make_room(event),
        tags=tags,
        speakers=[(p, SpeakerRole.PANELIST) for p in men],
    )


def accepted(client, outbox, **over) -> PoolMember:
    m, _path = confirmed_member(client, outbox, **over)
    m.status = PoolStatus.ACCEPTED
    db.session.commit()
    return m


def test_acceptance_join_confirm_accept_suggest_invite_withdraw(app, client, outbox):
    event = make_event(published=False)
    panel = failing_panel(event)
    organiser = make_organiser(event)
    public = client.application.test_client()
    # Proposes herself, confirms by email, is accepted by an organiser.
    assert (
        public.post("/speakers/join", data=form_data(), content_type="multipart/form-data").status_code == 302
    )
    path = path_of(last_link(outbox))
    public.post(path + "/confirm")
    login(client, organiser)
    m = member()
    client.post(f"/manage/pool/{m.id}/accept")
    # She is suggested for the failing panel on her topic.
    report = client.get(f"/manage/events/{event.slug}/balance").get_data(as_text=True)
    assert "From the speaker pool" in report and "Amina Diallo" in report
    assert "Invite to this panel" in report and "Sustainable finance" in report
    # She withdraws: gone from the report, the organisers' list and the public page.
    public.post(path_of(last_link(outbox)) + "/withdraw")
    assert "Amina" not in client.get(f"/manage/events/{event.slug}/balance").get_data(as_text=True)
    assert "Amina" not in client.get("/manage/pool?status=all").get_data(as_text=True)
    assert "Amina" not in public.get("/speakers/pool").get_data(as_text=True)
    assert panel.id


def test_suggestions_filter_by_topic_language_availability_and_gender(app, client, outbox):
    from wid_events.pool.suggestions import pool_suggestions

    event = make_event(published=False)
    other = make_event(published=False, start_date=dt.date(2031, 3, 1), end_date=dt.date(2031, 3, 1))
    panel = failing_panel(event)
    app_client = client.application.test_client
    for i, over in enumerate(
        [
            {},  # matches
            {"topics": ["cybersecurity"], "other_topics": ""},  # other topic
            {"languages": ["de"]},  # does not speak English
            {"gender": "man"},  # would not count
            {"gender": "undisclosed"},  # did not say
            {"event_ids": [other.id]},  # only available for another event
            {"available_from": "2031-01-01"},  # period after the event
        ]
    ):
        accepted(app_client(), outbox, email=f"m{i}@example.org", name=f"Member {i}", **over)
    names = [s.member.name for s in pool_suggestions(event, panel)]
    assert names == ["Member 0"]
    # Available for this event by ticking it, or by a period that holds the panel's day.
    accepted(app_client(), outbox, email="e@example.org", name="Ticked", event_ids=[event.id])
    accepted(app_client(), outbox, email="p@example.org", name="Period", available_from="2030-09-01")
    assert {s.member.name for s in pool_suggestions(event, panel)} == {"Member 0", "Ticked", "Period"}


def test_ranking_by_topic_match_then_fewest_recent_invitations(app, client, outbox):
    from wid_events.pool.suggestions import pool_suggestions

    event = make_event(published=False)
    panel = failing_panel(event, tags="sustainable finance, open data")
    busy = accepted(client.application.test_client(), outbox, email="busy@example.org", name="Busy")
    rested = accepted(client.application.test_client(), outbox, email="rested@example.org", name="Rested")
    one = accepted(
        client.application.test_client(), outbox, email="one@example.org", name="A One-topic", other_topics=""
    )
    for i in range(2):
        elsewhere = make_event(published=False, slug=f"elsewhere-{i}")
        db.session.add(PoolInvitation(member_id=busy.id, event_id=elsewhere.id))
    db.session.commit()
    ranked = [s.member.id for s in pool_suggestions(event, panel)]
    assert ranked == [rested.id, busy.id, one.id]


def test_invite_to_this_panel_sends_the_portal_invitation_and_is_not_repeated(app, client, outbox):
    event = make_event(published=False)
    panel = failing_panel(event)
    m = accepted(client.application.test_client(), outbox)
    login(client, make_organiser(event))
    url = f"/manage/events/{event.slug}/balance/panels/{panel.id}/pool-invitations"
    response = client.post(url, data={"member_id": str(m.id)})
    assert response.status_code == 302
    person = db.session.scalar(
        sa.select(Person).where(Person.event_id == event.id, Person.name == "Amina Diallo")
    )
    assert person.email == "amina.diallo@example.org"
    assert person.gender == Gender.UNDISCLOSED  # consent does not travel from the pool
    link = db.session.scalar(sa.select(SessionSpeaker).where(SessionSpeaker.person_id == person.id))
    assert link.session_id == panel.id and link.role == SpeakerRole.PANELIST
    assert link.invitation_status == InvitationStatus.PENDING
    mail = outbox()[-1]
    body = mail.get_body(("plain",)).get_content()
    assert mail["To"] == "amina.diallo@example.org"
    assert "Financing the digital transition" in body and "10:00" in body
    portal = PORTAL_RE.search(body).group(1)
    assert client.application.test_client().get(path_of(portal)).status_code in (200, 302)
    # Already asked for this event: not suggested again, and a second post is refused.
    report = client.get(f"/manage/events/{event.slug}/balance").get_data(as_text=True)
    assert "Invite to this panel" not in report
    client.post(url, data={"member_id": str(m.id)})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PoolInvitation)) == 1


def test_forged_invitations_are_refused(app, client, outbox):
    event = make_event(published=False)
    other = make_event(published=False)
    other_panel = failing_panel(other)
    talk = make_session(event, "A talk")
    m = accepted(client.application.test_client(), outbox)
    login(client, make_organiser(event))
    # Another event's panel through this event's URL; a talk; an unknown or unaccepted member.
    client.post(
        f"/manage/events/{event.slug}/balance/panels/{other_panel.id}/pool-invitations",
        data={"member_id": m.id},
    )
    client.post(
        f"/manage/events/{event.slug}/balance/panels/{talk.id}/pool-invitations", data={"member_id": m.id}
    )
    panel = failing_panel(event)
    client.post(
        f"/manage/events/{event.slug}/balance/panels/{panel.id}/pool-invitations",
        data={"member_id": "999999"},
    )
    m.status = PoolStatus.DECLINED
    db.session.commit()
    client.post(
        f"/manage/events/{event.slug}/balance/panels/{panel.id}/pool-invitations", data={"member_id": m.id}
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PoolInvitation)) == 0
    assert db.session.scalar(sa.select(Person).where(Person.name == "Amina Diallo")) is None
    # Not an organiser of the other event: 403.
    assert (
        client.post(
            f"/manage/events/{other.slug}/balance/panels/{other_panel.id}/pool-invitations",
            data={"member_id": m.id},
        ).status_code
        == 403
    )
