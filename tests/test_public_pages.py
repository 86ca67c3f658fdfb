"""Public HTML pages: home, event page, agenda, session and speaker pages, drafts."""

from __future__ import annotations

import datetime as dt

import lxml.html

from tests.factories import (
    login,
    make_event,
    make_organiser,
    make_person,
    make_room,
    make_session,
    make_track,
    make_user,
)
from wid_events.agenda.models import SessionSpeaker
from wid_events.enums import EventMode, Gender, InvitationStatus, SessionStatus, SessionType, SpeakerRole
from wid_events.events.models import Series
from wid_events.extensions import db


def html(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.get_data(as_text=True))


def texts(tree, xpath: str) -> list[str]:
    return [" ".join(el.text_content().split()) for el in tree.xpath(xpath)]


def at(event, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(event.start_date + dt.timedelta(days=day), dt.time(hour, minute))


# --------------------------------------------------------------------------- home


def test_home_lists_upcoming_and_past_published_events_only(client):
    today = dt.date.today()
    soon = make_event(
        "soon",
        title="Job Day soon",
        start_date=today + dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=30),
    )
    later = make_event(
        "later",
        title="Conference later",
        start_date=today + dt.timedelta(days=90),
        end_date=today + dt.timedelta(days=91),
    )
    past = make_event(
        "past",
        title="Workshop past",
        start_date=today - dt.timedelta(days=60),
        end_date=today - dt.timedelta(days=60),
    )
    make_event("secret-draft", title="Secret draft event", published=False)
    response = client.get("/")
    assert response.status_code == 200
    tree = html(response)
    upcoming = texts(
        tree, "//section[@aria-labelledby='upcoming-heading']//li[contains(@class,'event-card')]//h3"
    )
    past_titles = texts(
        tree, "//section[@aria-labelledby='past-heading']//li[contains(@class,'event-card')]//h3"
    )
    assert upcoming == [soon.title, later.title]
    assert past_titles == [past.title]
    body = response.get_data(as_text=True)
    assert "Secret draft event" not in body
    # Cards show the mode and the venue's town.
    assert "Hybrid" in body and "Anderlecht" in body


def test_home_shows_drafts_to_their_organisers_only(client):
    draft = make_event("draft-ev", title="Draft for organiser", published=False)
    other_draft = make_event("other-draft", title="Someone else's draft", published=False)
    organiser = make_organiser(draft)
    login(client, organiser)
    body = client.get("/").get_data(as_text=True)
    assert "Draft for organiser" in body
    assert "Draft — not public" in body
    assert other_draft.title not in body


# --------------------------------------------------------------------------- event page


def test_event_page_shows_dates_timezone_venue_travel_online_and_registration(client):
    event = make_event(
        "dt4e",
        title="DT4E conference",
        description="Two **dynamic** days.",
        start_date=dt.date(2030, 9, 11),
        end_date=dt.date(2030, 9, 12),
        travel_info="Take the metro to Clemenceau.",
        online_info="Plenary sessions are livestreamed.",
        livestream_url="https://stream.example.org/very-secret-live",
        registration_open=True,
    )
    response = client.get(f"/events/{event.slug}/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    tree = html(response)
    assert texts(tree, "//h1") == ["DT4E conference"]
    assert "<strong>dynamic</strong>" in body
    assert "Europe/Brussels (CEST, UTC+02:00)" in body
    assert "11 September 2030" in body and "12 September 2030" in body
    assert "The Faculty Brussels" in body and "Rue des Vétérinaires 47" in body
    assert "How to get there" in body and "Take the metro to Clemenceau." in body
    assert "Online participation" in body and "Plenary sessions are livestreamed." in body
    assert "very-secret-live" not in body
    hrefs = tree.xpath("//main//a/@href")
    assert f"/events/{event.slug}/register" in hrefs
    assert f"/events/{event.slug}/agenda" in hrefs
    assert f"/events/{event.slug}/speakers" in hrefs
    assert f"/events/{event.slug}/calendar.ics" in hrefs
    assert f"/events/{event.slug}/schedule.xml" in hrefs
    assert f"/events/{event.slug}/schedule.json" in hrefs
    assert any(h.startswith("webcal://") and h.endswith(f"/events/{event.slug}/calendar.ics") for h in hrefs)


def test_event_page_registration_closed_and_in_person_only(client):
    event = make_event(
        "closed", registration_open=False, mode=EventMode.IN_PERSON, online_info="Not shown for in-person"
    )
    response = client.get(f"/events/{event.slug}/")
    body = response.get_data(as_text=True)
    assert "Registration is closed." in body
    assert f"/events/{event.slug}/register" not in body
    assert "Online participation" not in body


def test_event_page_online_event_has_no_venue_section(client):
    event = make_event("online-only", mode=EventMode.ONLINE, venue_name=None, venue_address=None)
    body = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert "Online participation" in body
    assert 'id="venue-heading"' not in body


def test_event_page_names_both_offsets_when_the_event_spans_a_dst_change(client):
    event = make_event("dst", start_date=dt.date(2030, 10, 26), end_date=dt.date(2030, 10, 27))
    body = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert "Europe/Brussels (CEST, UTC+02:00) / Europe/Brussels (CET, UTC+01:00)" in body


def test_event_page_mentions_series(client):
    series = Series(title="Newcomers in Germany")
    db.session.add(series)
    db.session.commit()
    event = make_event("newcomers-7", series_id=series.id, edition=7)
    body = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert "Newcomers in Germany" in body and "edition 7" in body


def test_unknown_event_is_404(client):
    assert client.get("/events/nope/").status_code == 404
    assert client.get("/events/nope/agenda").status_code == 404
    assert client.get("/events/nope/speakers").status_code == 404


# --------------------------------------------------------------------------- drafts


def test_draft_is_404_for_the_public_and_visible_with_banner_to_its_organiser(client):
    draft = make_event("draft-2030", published=False)
    person = make_person(draft, "Dana")
    session = make_session(draft, "Draft talk", speakers=[(person, SpeakerRole.SPEAKER)])
    urls = [
        f"/events/{draft.slug}/",
        f"/events/{draft.slug}/agenda",
        f"/events/{draft.slug}/sessions/{session.id}",
        f"/events/{draft.slug}/speakers",
        f"/events/{draft.slug}/speakers/{person.id}",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url

    other = make_organiser(make_event("other"))
    login(client, other)
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.get("/logout")

    login(client, make_organiser(draft))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Draft — not public." in response.get_data(as_text=True), url


def test_draft_is_visible_to_site_admin(client):
    draft = make_event("admin-draft", published=False)
    login(client, make_user(admin=True))
    assert client.get(f"/events/{draft.slug}/agenda").status_code == 200


def test_published_event_has_no_draft_banner_even_for_organisers(client):
    event = make_event("pub")
    login(client, make_organiser(event))
    assert "Draft — not public." not in client.get(f"/events/{event.slug}/").get_data(as_text=True)


# --------------------------------------------------------------------------- agenda


def build_agenda(event):
    plenary = make_room(event, "Plenary", key="plenary")
    side = make_room(event, "Side room", key="side")
    finance = make_track(event, "Finance")
    ana = make_person(event, "Ana Moreira", organisation="IOM")
    bo = make_person(event, "Bohdana Kovalenko")
    panel = make_session(
        event,
        "Panel on pathways",
        type=SessionType.PANEL,
        start=at(event, 0, 9),
        room=plenary,
        speakers=[(ana, SpeakerRole.MODERATOR), (bo, SpeakerRole.PANELIST)],
    )
    w1 = make_session(
        event,
        "Sustainable Finance",
        type=SessionType.WORKSHOP,
        start=at(event, 1, 11),
        minutes=90,
        room=side,
        track=finance,
        requires_signup=True,
        capacity=30,
    )
    w2 = make_session(
        event,
        "Bridging the Gap between Talent and Employment",
        type=SessionType.WORKSHOP,
        start=at(event, 1, 11),
        minutes=90,
        room=plenary,
        requires_signup=True,
        capacity=25,
    )
    cancelled = make_session(
        event, "Cancelled talk", start=at(event, 1, 14), room=plenary, status=SessionStatus.CANCELLED
    )
    return dict(panel=panel, w1=w1, w2=w2, cancelled=cancelled, finance=finance, ana=ana)


def test_agenda_groups_by_day_and_puts_parallel_workshops_in_one_slot_by_room(client):
    event = make_event("agenda-ev")
    data = build_agenda(event)
    response = client.get(f"/events/{event.slug}/agenda")
    assert response.status_code == 200
    tree = html(response)
    assert len(tree.xpath("//h1")) == 1
    days = tree.xpath("//section[contains(@class,'agenda-day')]")
    assert [d.xpath("string(.//h2)").strip() for d in days] == [
        "Wednesday, 11 September 2030",
        "Thursday, 12 September 2030",
    ]
    slots = days[1].xpath(".//section[contains(concat(' ', @class, ' '), ' slot ')]")
    first = slots[0]
    titles = texts(first, ".//*[contains(@class,'session-title')]")
    # Same slot element, ordered by room column (plenary before side room).
    assert titles == ["Bridging the Gap between Talent and Employment", "Sustainable Finance"]
    assert "2 sessions in parallel" in first.xpath("string(.//h3)")
    assert "11:00" in first.xpath("string(.//h3)") and "12:30" in first.xpath("string(.//h3)")
    # Times carry the event's offset for machines and the page names the timezone.
    assert first.xpath(".//time/@datetime")[0] == "2030-09-12T11:00:00+02:00"
    assert "Europe/Brussels (CEST, UTC+02:00)" in response.get_data(as_text=True)
    # Session card details.
    panel_card = days[0].xpath(".//article[contains(@class,'session-card')]")[0]
    card_text = " ".join(panel_card.text_content().split())
    assert "Panel" in card_text and "Plenary" in card_text
    assert "Ana Moreira (Moderator)" in card_text and "Bohdana Kovalenko (Panelist)" in card_text
    assert panel_card.xpath(".//a/@href")[0] == f"/events/{event.slug}/sessions/{data['panel'].id}"
    finance_card = first.xpath(".//article")[1]
    finance_text = " ".join(finance_card.text_content().split())
    assert "Sign-up required" in finance_text and "30 of 30 places left" in finance_text
    assert "Finance" in finance_text
    # Cancelled sessions stay, labelled and struck through (by class).
    cancelled = tree.xpath(f"//article[@aria-labelledby='session-{data['cancelled'].id}-title']")[0]
    assert "cancelled" in cancelled.get("class")
    assert "Cancelled" in cancelled.text_content()
    # No layout tables.
    assert not tree.xpath("//table")


def test_agenda_filters_by_day_type_and_track(client):
    event = make_event("filters-ev")
    build_agenda(event)
    base = f"/events/{event.slug}/agenda"

    def titles(query):
        response = client.get(base + query)
        assert response.status_code == 200, query
        return texts(
            html(response), "//article[contains(@class,'session-card')]//*[contains(@class,'session-title')]"
        )

    assert titles("?day=2030-09-11") == ["Panel on pathways"]
    assert titles("?type=workshop") == [
        "Bridging the Gap between Talent and Employment",
        "Sustainable Finance",
    ]
    finance_key = event.tracks[0].key
    assert titles(f"?track={finance_key}") == ["Sustainable Finance"]
    assert titles("?day=2030-09-12&type=talk") == ["Cancelled talk"]
    # Empty values (the "All" choices of the form) mean no filter.
    assert len(titles("?day=&type=&track=")) == 4
    assert titles("?type=keynote") == []
    assert "No sessions match these filters." in client.get(base + "?type=keynote").get_data(as_text=True)
    # The selected values stay selected in the form.
    tree = html(client.get(base + "?day=2030-09-12&type=workshop"))
    assert tree.xpath("//select[@name='day']/option[@selected]/@value") == ["2030-09-12"]
    assert tree.xpath("//select[@name='type']/option[@selected]/@value") == ["workshop"]


def test_agenda_bad_filter_values_give_a_clear_message_not_500(client):
    event = make_event("bad-filters")
    build_agenda(event)
    base = f"/events/{event.slug}/agenda"
    cases = {
        "?day=yesterday": "is not a date",
        "?day=2030-02-30": "is not a date",
        "?day=2031-01-01": "is not a day of this event",
        "?type=keynote%27--": "is not a session type",
        "?track=no-such-track": "has no track",
        "?day=%00&type=%ff": "is not a date",
    }
    for query, message in cases.items():
        response = client.get(base + query)
        assert response.status_code == 400, query
        body = response.get_data(as_text=True)
        assert message in body, query
        # The invalid filter is ignored: the agenda is still shown.
        assert "Panel on pathways" in body, query


def test_agenda_form_labels_every_field(client):
    event = make_event("labels")
    make_track(event, "Tech")
    tree = html(client.get(f"/events/{event.slug}/agenda"))
    for select in tree.xpath("//form[contains(@class,'filters')]//select"):
        assert tree.xpath(f"//label[@for='{select.get('id')}']"), select.get("name")
    assert "The agenda has no sessions yet." in tree.text_content()


# --------------------------------------------------------------------------- session page


def test_session_page_details_and_links(client):
    event = make_event("session-ev")
    data = build_agenda(event)
    panel = data["panel"]
    panel.description = "We discuss **pathways**."
    db.session.commit()
    response = client.get(f"/events/{event.slug}/sessions/{panel.id}")
    assert response.status_code == 200
    tree = html(response)
    body = response.get_data(as_text=True)
    assert texts(tree, "//h1") == ["Panel on pathways"]
    assert "Wednesday, 11 September 2030, 09:00" in " ".join(tree.text_content().split())
    assert "Europe/Brussels (CEST, UTC+02:00)" in body
    assert "Plenary, The Faculty Brussels" in body
    assert "<strong>pathways</strong>" in body
    hrefs = tree.xpath("//main//a/@href")
    assert f"/events/{event.slug}/speakers/{data['ana'].id}" in hrefs
    assert f"/events/{event.slug}/sessions/{panel.id}.ics" in hrefs
    assert "Ana Moreira" in body and "(Moderator)" in body and "IOM" in body


def test_session_page_of_another_event_is_404(client):
    a = make_event("a-ev")
    b = make_event("b-ev")
    session_b = make_session(b, "B only")
    assert client.get(f"/events/{a.slug}/sessions/{session_b.id}").status_code == 404
    assert client.get(f"/events/{b.slug}/sessions/{session_b.id}").status_code == 200
    assert client.get(f"/events/{b.slug}/sessions/999999").status_code == 404


def test_cancelled_session_page_says_so(client):
    event = make_event("cancel-ev")
    data = build_agenda(event)
    body = client.get(f"/events/{event.slug}/sessions/{data['cancelled'].id}").get_data(as_text=True)
    assert "Cancelled" in body and "will not take place" in body


# --------------------------------------------------------------------------- speakers


def test_speaker_list_and_profile(client):
    event = make_event("speakers-ev")
    amal = make_person(
        event,
        "أمل الحسيني",
        gender=Gender.WOMAN,
        organisation="IOM Belgium",
        job_title="Programme officer",
        pronouns="she/her",
        bio="Works on *labour mobility*.",
        links=[
            {"label": "Website", "url": "https://amal.example.org"},
            {"label": "Evil", "url": "javascript:alert(1)"},
            {"label": "Mail", "url": "mailto:amal@example.org"},
        ],
    )
    make_person(event, "Not on any session")
    declined = make_person(event, "Declined person")
    session = make_session(event, "Keynote", type=SessionType.KEYNOTE, speakers=[(amal, SpeakerRole.SPEAKER)])
    db.session.add(
        SessionSpeaker(
            session=session,
            person=declined,
            role=SpeakerRole.SPEAKER,
            invitation_status=InvitationStatus.DECLINED,
        )
    )
    db.session.commit()

    listing = client.get(f"/events/{event.slug}/speakers")
    assert listing.status_code == 200
    tree = html(listing)
    assert texts(tree, "//li[contains(@class,'speaker-card')]//h2") == ["أمل الحسيني"]
    assert "Programme officer, IOM Belgium" in listing.get_data(as_text=True)
    assert "she/her" in listing.get_data(as_text=True)

    profile = client.get(f"/events/{event.slug}/speakers/{amal.id}")
    assert profile.status_code == 200
    body = profile.get_data(as_text=True)
    tree = html(profile)
    assert texts(tree, "//h1") == ["أمل الحسيني"]
    assert "<em>labour mobility</em>" in body
    hrefs = tree.xpath("//main//a/@href")
    assert "https://amal.example.org" in hrefs
    assert not any(h.startswith(("javascript:", "mailto:")) for h in hrefs)
    assert f"/events/{event.slug}/sessions/{session.id}" in hrefs
    assert "(Speaker)" in body
    # Declined speakers are not shown on the session either.
    assert "Declined person" not in client.get(f"/events/{event.slug}/sessions/{session.id}").get_data(
        as_text=True
    )


def test_speaker_profile_404s(client):
    event = make_event("sp-404")
    other = make_event("sp-other")
    loner = make_person(event, "No sessions")
    foreign = make_person(other, "Foreign")
    make_session(other, "Other talk", speakers=[(foreign, SpeakerRole.SPEAKER)])
    assert client.get(f"/events/{event.slug}/speakers/{loner.id}").status_code == 404
    assert client.get(f"/events/{event.slug}/speakers/{foreign.id}").status_code == 404
    assert client.get(f"/events/{other.slug}/speakers/{foreign.id}").status_code == 200


def test_past_event_does_not_offer_registration(client):
    past = make_event(
        "past-ev", start_date=dt.date(2020, 3, 1), end_date=dt.date(2020, 3, 1), registration_open=True
    )
    body = client.get(f"/events/{past.slug}/").get_data(as_text=True)
    assert "This event has taken place" in body
    assert f"/events/{past.slug}/register" not in body


def test_venue_city_from_addresses():
    from wid_events.events.views import venue_city

    assert venue_city("Rue des Vétérinaires 47, 1070 Anderlecht, Belgium") == "Anderlecht"
    assert venue_city("Friedrichstraße 1, D-10117 Berlin") == "Berlin"
    assert venue_city("Berlin, Germany") == "Berlin"
    assert venue_city("Brussels") == "Brussels"
    assert venue_city(None) == ""
