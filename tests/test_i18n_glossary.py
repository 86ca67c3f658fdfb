"""The catalogues follow the translation glossary (docs/i18n-glossary.md and .json).

One approved word per domain term, one gender-inclusive convention per language, the campaign name
kept in English and quoted the local way, formal salutations, and French typography (non-breaking
spaces before ``: ; ! ?`` and inside « »). A failure names the message and the approved wording.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.test_i18n_catalogues import LANGUAGES, po_path

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = json.loads((ROOT / "docs" / "i18n-glossary.json").read_text(encoding="utf-8"))
CAMPAIGN = GLOSSARY["campaign"]
NBSP, NNBSP = "\u00a0", "\u202f"
#: Code inside messages keeps ASCII quotes: JSON keys and values of the event package.
CODE = re.compile(r'"status": "cancelled"|\{"name", "address"\}')


def catalogue(lang: str):
    with po_path(lang).open("rb") as fh:
        return read_po(fh)


def translations(lang: str):
    """(msgid, msgstr) for every form of every translated message."""
    for message in catalogue(lang):
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for form in forms:
            yield msgid, form


def show(msgid: str, msgstr: str) -> str:
    return f"{msgid[:70]!r}: {msgstr!r}"


def test_the_glossary_covers_every_language_and_domain_term():
    terms = {
        "Registration",
        "Waitlist",
        "Workshop",
        "Panel",
        "Panelist",
        "Speaker",
        "Moderator",
        "Organiser",
        "Check-in",
        "Badges",
        "In person",
        "Online",
        "Agenda",
        "Subscribe to your personal agenda",
        "not disclosed",
        "self-described",
        "Exhibitor",
    }
    assert set(GLOSSARY["languages"]) == set(LANGUAGES)
    for lang, rules in GLOSSARY["languages"].items():
        assert terms <= set(rules["labels"]), f"{lang}: glossary lacks {sorted(terms - set(rules['labels']))}"
        assert rules["forbidden"] and rules["salutation"] and CAMPAIGN in rules["campaign"]
        for rule in rules["forbidden"]:
            re.compile(rule["pattern"])
    doc = (ROOT / "docs" / "i18n-glossary.md").read_text(encoding="utf-8")
    for word in ("recruiter", "exhibitor", "panelist", "moderator", "waitlist", "personal programme"):
        assert word in doc.lower(), f"docs/i18n-glossary.md does not cover {word!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_forbidden_variant(lang):
    rules = [(re.compile(r["pattern"]), r["use"]) for r in GLOSSARY["languages"][lang]["forbidden"]]
    problems = [
        f"{show(msgid, msgstr)} matches {pattern.pattern!r}; use: {use}"
        for msgid, msgstr in translations(lang)
        for pattern, use in rules
        if pattern.search(msgstr)
    ]
    assert not problems, f"{lang}: {len(problems)} forbidden variants\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_domain_terms_use_the_approved_translation(lang):
    labels = GLOSSARY["languages"][lang]["labels"]
    found = {msgid: msgstr for msgid, msgstr in translations(lang) if msgid in labels}
    missing = sorted(set(labels) - set(found))
    assert not missing, f"{lang}: glossary labels that are no longer msgids: {missing}"
    wrong = [f"{k!r}: {found[k]!r}, glossary says {v!r}" for k, v in labels.items() if found[k] != v]
    assert not wrong, f"{lang}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_emails_open_with_the_formal_salutation(lang):
    greeting = dict(translations(lang))["Hello %(name)s,"]
    assert greeting == GLOSSARY["languages"][lang]["salutation"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_campaign_name_stays_in_english_and_is_quoted(lang):
    quoted = GLOSSARY["languages"][lang]["campaign"]
    problems = [
        show(msgid, msgstr)
        for msgid, msgstr in translations(lang)
        if CAMPAIGN in msgid and msgid != CAMPAIGN and quoted not in msgstr
    ]
    assert not problems, f"{lang}: write {quoted!r}\n" + "\n".join(problems)
    # Only the bare label (a heading) stays unquoted.
    assert dict(translations(lang))[CAMPAIGN] == CAMPAIGN


@pytest.mark.parametrize("lang", LANGUAGES)
def test_quotation_marks_follow_the_language(lang):
    """FR « … », NL ‘…’, DE „…“; ASCII quotes only around code (JSON keys and values)."""
    wrong_marks = {"fr": "“”„", "nl": "“”„«»", "de": "”«»"}[lang]
    problems = []
    for msgid, msgstr in translations(lang):
        text = CODE.sub("", msgstr)
        if any(mark in text for mark in wrong_marks) or '"' in text:
            problems.append(show(msgid, msgstr))
        if lang == "de" and text.count("„") != text.count("“"):
            problems.append(f"unbalanced „…“ in {show(msgid, msgstr)}")
        if lang == "nl" and text.count("‘") != len(re.findall(r"’(?!\w)", text)):
            problems.append(f"unbalanced ‘…’ in {show(msgid, msgstr)}")
        if lang == "fr" and text.count("«") != text.count("»"):
            problems.append(f"unbalanced « … » in {show(msgid, msgstr)}")
    assert not problems, f"{lang}:\n" + "\n".join(problems)


def test_french_typography_uses_non_breaking_spaces():
    """U+202F (narrow no-break space) before ; ! ? and %, U+00A0 before : and inside « »."""
    problems = []
    for msgid, msgstr in translations("fr"):
        checks = {
            "plain space before : ; ! ?": re.search(r" [:;!?]", msgstr),
            "no space before ; ! ?": re.search(rf"[^\s{NBSP}{NNBSP}][;!?]", msgstr),
            "U+202F expected before ; ! ?": re.search(rf"{NBSP}[;!?]", msgstr),
            "U+00A0 expected before :": re.search(rf"[{NNBSP}]:", msgstr),
            "U+00A0 expected inside « »": re.search(rf"«[^{NBSP}]|[^{NBSP}]»", msgstr),
            "U+202F expected before %": re.search(rf"(\d|%\(\w+\)d)[ {NBSP}]%(?!\()", msgstr),
        }
        problems += [f"{name}: {show(msgid, msgstr)}" for name, hit in checks.items() if hit]
    assert not problems, "\n".join(problems)


def test_french_consent_and_public_text_is_inclusive():
    fr = dict(translations("fr"))
    consent = fr["I agree that the organisers process these details to run this event."]
    assert consent.startswith("J’accepte que l’équipe organisatrice traite")
    assert not [m for m, s in translations("fr") if re.search(r"\borganisateurs\b", s)]
