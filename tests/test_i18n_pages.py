"""The French, Dutch and German public pages show no untranslated UI text; dates follow the
locale; the language choice sticks; emails go out in the registrant's language."""

from __future__ import annotations

import datetime as dt
import re

import lxml.html
import pytest
from babel.messages.pofile import read_po
from flask_babel import refresh

from tests.factories import make_event, make_person, make_room, make_session, make_track
from tests.test_i18n_catalogues import po_path
from wid_events.enums import Gender, SessionType, SpeakerRole

LANGUAGES = ("fr", "nl", "de")

# Event content: written by the organisers, it stays as written in every language.
CONTENT = {
    "Inclusive Tech Summit",
    "A day about inclusive digital careers.",
    "Grand Hall",
    "Studio B",
    "Careers track",
    "Opening keynote",
    "Panel on careers",
    "Hands-on workshop",
    "Ada Lovelace",
    "Grace Hopper",
    "Alan Turing",
    "Metro line 5, stop Aumale.",
}

# Known English UI text of the public pages and what each language must show instead.
EXPECTED = {
    "fr": {
        "Skip to main content": "Aller au contenu principal",
        "Accessibility statement": "Déclaration d’accessibilité",
        "Language": "Langue",
        "Agenda": "Programme",
        "Speakers": "Intervenant·es",
        "How will you attend?": "Comment participerez-vous ?",
        "Access needs": "Besoins d’accessibilité",
    },
    "nl": {
        "Skip to main content": "Naar de hoofdinhoud",
        "Accessibility statement": "Toegankelijkheidsverklaring",
        "Language": "Taal",
        "Agenda": "Programma",
        "Speakers": "Sprekers",
        "How will you attend?": "Hoe neemt u deel?",
        "Access needs": "Toegankelijkheidsbehoeften",
    },
    "de": {
        "Skip to main content": "Zum Hauptinhalt springen",
        "Accessibility statement": "Erklärung zur Barrierefreiheit",
        "Language": "Sprache",
        "Agenda": "Programm",
        "Speakers": "Vortragende",
        "How will you attend?": "Wie nehmen Sie teil?",
        "Access needs": "Bedarf an Barrierefreiheit",
    },
}
MONTH = {"fr": "septembre", "nl": "september", "de": "September"}

# Common English words: a text node made of them on a French page is untranslated UI text.
#: The campaign's own name stays English in every language (its two "No" are no English UI text).
CAMPAIGN = "No Women No Panel"
ENGLISH = re.compile(
    r"\b(the|your|you|and|of|to|is|are|this|with|for|on|at|from|no|not|all|an?|by|here|yet|more)\b",
    re.IGNORECASE,
)


@pytest.fixture
def event(app):
    ev = make_event(
        "summit",
        title="Inclusive Tech Summit",
        description="A day about inclusive digital careers.",
        start_date=dt.date(2030, 9, 11),
        end_date=dt.date(2030, 9, 12),
        travel_info="Metro line 5, stop Aumale.",
        online_info="",
        livestream_url="https://stream.example.org/live",
        access_needs_deadline=dt.date(2030, 9, 1),
    )
    hall = make_room(ev, "Grand Hall", capacity=200)
    studio = make_room(ev, "Studio B", capacity=20)
    track = make_track(ev, "Careers track")
    ada = make_person(ev, "Ada Lovelace", Gender.WOMAN, organisation="")
    grace = make_person(ev, "Grace Hopper", Gender.WOMAN, organisation="")
    alan = make_person(ev, "Alan Turing", Gender.MAN, organisation="")
    day1 = dt.datetime(2030, 9, 11)
    make_session(
        ev,
        "Opening keynote",
        type=SessionType.KEYNOTE,
        start=day1.replace(hour=9),
        room=hall,
        speakers=[(ada, SpeakerRole.SPEAKER)],
    )
    panel = make_session(
        ev,
        "Panel on careers",
        type=SessionType.PANEL,
        start=day1.replace(hour=10, minute=30),
        room=hall,
        track=track,
        speakers=[(grace, SpeakerRole.PANELIST), (alan, SpeakerRole.PANELIST), (ada, SpeakerRole.MODERATOR)],
    )
    make_session(
        ev,
        "Hands-on workshop",
        type=SessionType.WORKSHOP,
        start=day1.replace(hour=14),
        room=studio,
        requires_signup=True,
        capacity=20,
        speakers=[(grace, SpeakerRole.FACILITATOR)],
    )
    ev.panel_id = panel.id
    ev.ada_id = ada.id
    return ev


def public_urls(event) -> dict[str, str]:
    return {
        "home": "/",
        "event": f"/events/{event.slug}/",
        "agenda": f"/events/{event.slug}/agenda",
        "session": f"/events/{event.slug}/sessions/{event.panel_id}",
        "speakers": f"/events/{event.slug}/speakers",
        "speaker": f"/events/{event.slug}/speakers/{event.ada_id}",
        "register": f"/events/{event.slug}/register",
        "accessibility": "/accessibility",
        "login": "/login",
    }


def fetch(client, url: str, **kwargs):
    """One request with a fresh locale (the test app context would otherwise cache the first one)."""
    refresh()
    response = client.get(url, **kwargs)
    refresh()
    return response


def ui_texts(html: str) -> list[str]:
    """Visible text nodes and the texts people hear (labels, alt, titles, button values)."""
    tree = lxml.html.fromstring(html)
    for bad in tree.xpath("//script|//style|//template"):
        bad.drop_tree()
    out = [" ".join(t.split()) for t in tree.xpath("//body//text()")]
    for attr in ("aria-label", "alt", "title", "placeholder"):
        out += [" ".join(v.split()) for v in tree.xpath(f"//body//@{attr}")]
    out += [" ".join(v.split()) for v in tree.xpath("//input[@type='submit' or @type='button']/@value")]
    title = tree.findtext(".//title") or ""
    return [t for t in [*out, " ".join(title.split())] if t]


def is_content(text: str) -> bool:
    return any(c in text or text in c for c in CONTENT)


@pytest.fixture(scope="module")
def english_ui() -> dict[str, set[str]]:
    """Per language: the English msgids (several words, no placeholders) whose translation differs."""
    out = {}
    for lang in LANGUAGES:
        with po_path(lang).open("rb") as fh:
            catalog = read_po(fh)
        out[lang] = {
            m.id
            for m in catalog
            if isinstance(m.id, str)
            and m.id
            and "%" not in m.id
            and len(m.id.split()) >= 2
            and m.string
            and m.string != m.id
        }
    return out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_pages_show_no_untranslated_ui_text(client, event, lang, english_ui):
    problems = []
    for name, url in public_urls(event).items():
        response = fetch(client, url, query_string={"lang": lang})
        assert response.status_code == 200, (name, response.status_code)
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}"' in html, name
        texts = ui_texts(html)
        for text in texts:
            if is_content(text):
                continue
            if text in english_ui[lang]:
                problems.append(f"{name}: catalogue string shown in English: {text!r}")
            elif len(ENGLISH.findall(text.replace(CAMPAIGN, ""))) >= 2 and re.search(
                r"[a-z]{3,} [a-z]{2,}", text
            ):
                problems.append(f"{name}: English text not marked for translation: {text!r}")
    assert not problems, f"{lang}:\n" + "\n".join(sorted(set(problems)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_known_strings_are_translated(client, event, lang):
    pages = {
        name: " ".join(ui_texts(fetch(client, url, query_string={"lang": lang}).get_data(as_text=True)))
        for name, url in public_urls(event).items()
        if name in ("event", "agenda", "register")
    }
    everything = " ".join(pages.values())
    for translated in EXPECTED[lang].values():
        assert translated in everything, f"{lang}: {translated!r} missing"
    assert "Skip to main content" not in everything
    assert "How will you attend?" not in pages["register"]
    # Event content stays as the organisers wrote it.
    assert "Inclusive Tech Summit" in pages["event"]
    assert "Panel on careers" in pages["agenda"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dates_follow_the_locale(client, event, lang):
    text = " ".join(
        ui_texts(fetch(client, f"/events/{event.slug}/", query_string={"lang": lang}).get_data(as_text=True))
    )
    assert MONTH[lang] in text
    english = " ".join(ui_texts(fetch(client, f"/events/{event.slug}/").get_data(as_text=True)))
    assert "September" in english and "septembre" not in english


def test_language_cookie_switcher_and_accept_language(client, event):
    url = f"/events/{event.slug}/agenda"
    refresh()
    response = client.post("/language", data={"lang": "nl", "next": url})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert "lang=nl" in response.headers.get("Set-Cookie", "")
    html = fetch(client, url).get_data(as_text=True)
    assert '<html lang="nl"' in html and "Programma" in html
    # A fresh visitor gets the browser's language...
    other = client.application.test_client()
    html = fetch(other, url, headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="de"' in html
    # ...and an unknown one falls back to English.
    html = fetch(other, url, headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="en"' in html
    # A language that is not offered is ignored rather than breaking the page.
    response = fetch(other, url, query_string={"lang": "xx"})
    assert response.status_code == 200 and '<html lang="en"' in response.get_data(as_text=True)


def test_switcher_refuses_off_site_redirects(client):
    refresh()
    response = client.post("/language", data={"lang": "fr", "next": "//evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


@pytest.mark.parametrize(
    ("lang", "subject", "greeting"),
    [
        ("fr", "Votre inscription à Inclusive Tech Summit est confirmée", "Bonjour Marie Curie,"),
        ("nl", "Uw inschrijving voor Inclusive Tech Summit is bevestigd", "Beste Marie Curie,"),
        ("de", "Ihre Anmeldung für Inclusive Tech Summit ist bestätigt", "Guten Tag Marie Curie,"),
    ],
)
def test_confirmation_email_is_in_the_registrants_language(client, event, outbox, lang, subject, greeting):
    refresh()
    response = client.post(
        f"/events/{event.slug}/register?lang={lang}",
        data={
            "name": "Marie Curie",
            "email": f"marie-{lang}@example.org",
            "attendance": "in_person",
            "consent": "y",
        },
    )
    refresh()
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    mails = outbox()
    assert len(mails) == 1
    assert mails[0]["Subject"] == subject
    body = mails[0].get_body(preferencelist=("plain",)).get_content()
    # Formal salutation on the first line (docs/i18n-glossary.md), never a casual "Hallo".
    assert body.splitlines()[0] == greeting
    assert "Hello" not in body and "Hallo" not in body
    # Later mails too: a cancellation made from an English browser is still in the registrant's language.
    token = response.headers["Location"].rstrip("/").split("/")[-1]
    refresh()
    cancelled = client.post(f"/registrations/{token}/cancel", headers={"Accept-Language": "en"})
    refresh()
    assert cancelled.status_code in (302, 303)
    later = outbox()
    assert len(later) == 2
    assert "Inclusive Tech Summit" in later[-1]["Subject"]
    assert not later[-1]["Subject"].startswith("Your registration")
    assert greeting in later[-1].get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_job_day_pages_show_no_catalogue_string_in_english(client, lang, english_ui):
    """The Job Day's public pages (demo data: its offers and exhibitors stay in English)."""
    from wid_events.demo.services import load_demo
    from wid_events.extensions import db

    load_demo(actor="test")
    db.session.commit()
    slug = "women-in-digital-job-day"
    problems = []
    for url in (
        f"/events/{slug}/",
        f"/events/{slug}/jobs",
        f"/events/{slug}/exhibitors",
        f"/events/{slug}/register",
    ):
        response = fetch(client, url, query_string={"lang": lang})
        assert response.status_code == 200, url
        problems += [
            f"{url}: {t!r}" for t in ui_texts(response.get_data(as_text=True)) if t in english_ui[lang]
        ]
    assert not problems, f"{lang}:\n" + "\n".join(sorted(set(problems)))


def badge_html(app, lang: str, passing: int, total: int, speakers: int = 8) -> str:
    """The public transparency badge rendered in ``lang`` for the given aggregates."""
    from types import SimpleNamespace

    from flask_babel import force_locale

    badge = SimpleNamespace(
        panels_total=total, panels_passing=passing, share_women_percent=50, speakers=speakers
    )
    event = SimpleNamespace(balance_count_moderators=False)
    with app.test_request_context("/"), force_locale(lang):
        return app.jinja_env.get_template("balance/_transparency_badge.html").render(
            event=event, balance_badge=lambda _event: badge
        )


def folded(html: str) -> str:
    return " ".join(" ".join(ui_texts(f"<html><body>{html}</body></html>")).split())


@pytest.mark.parametrize(("passing", "total"), [(0, 1), (1, 1), (0, 2), (1, 2), (2, 2)])
def test_public_badge_reads_correctly_in_french(app, passing, total):
    """The number of passing panels decides no plural: 0, 1 and 2 read correctly."""
    html = badge_html(app, "fr", passing, total)
    text = folded(html)
    assert f"Panels conformes à « No Women No Panel » : {passing} sur {total}" in text
    assert "1 panels" not in text and "respectent" not in text
    assert "50 % de femmes parmi nos 8 intervenant·es" in text
    # French typography: no-break spaces inside « » and before the colon, narrow one before %.
    assert "«\u00a0No Women No Panel\u00a0»\u00a0:" in html and "50\u202f%" in html


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Panels meeting “No Women No Panel”: 1 of 2"),
        ("nl", "Panels conform ‘No Women No Panel’: 1 van 2"),
        ("de", "Panels, die „No Women No Panel“ erfüllen: 1 von 2"),
    ],
)
def test_public_badge_in_other_languages(app, lang, expected):
    assert expected in folded(badge_html(app, lang, 1, 2))
