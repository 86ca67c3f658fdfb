"""Plurals at the source: a UI string that counts something goes through ``ngettext``.

French, Dutch and German agree nouns, adjectives and verbs with the number ("1 session confirmée",
"2 sessions confirmées"). A count wrapped in ``gettext`` gets one fixed form that no translation
can get right for every number, so the code must give translators a singular and a plural.

The scan reads what the extractor reads (``pybabel extract`` with ``babel.cfg``, Python and Jinja
alike): every message without a ``msgid_plural`` came from ``gettext``/``_``/``_l``/``{% trans %}``.
Such a message may not hold a count placeholder (``%(x)d``, ``%d``, ``{n}``, or ``%(n)s`` and other
names that say "count") that is followed by a word. A number with no word after it needs no
agreement, so labels stay in ``gettext``: "Conflicts (%(n)s)", "Page %(p)s of %(n)s",
"Panels meeting “No Women No Panel”: %(n)d of %(num)d", "position %(n)s." and "%(share)d%%".
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from tests.test_i18n_catalogues import LANGUAGES, po_path

ROOT = Path(__file__).resolve().parent.parent

#: Placeholder names that hold a number of things (``%(n)s``, ``%(count)s``, ``%(days)s``...).
COUNT_NAME = re.compile(
    r"^(n|num|number|count|total|amount|quantity|size|limit|max|min|left|remaining|free|booked|done"
    r"|pending|capacity|cap|seats|days|hours|minutes|rows|items)$|^(n|num|nb)_\w+$|_(n|num|count|total)$"
)
PLACEHOLDER = re.compile(r"%\((?P<name>\w+)\)(?P<conv>[sdif])|%(?P<bare>[di])|\{(?P<brace>\w*)\}")
#: What may follow a count without a word agreeing with it: the end, punctuation, "%%" (a
#: percentage), or "of <another placeholder>" ("2 of 5").
NO_WORD_AFTER = re.compile(r"^(%%|\s*(of|/)\s*%\(\w+\)[sdif]|\s*(?=[^\w\s]|$))")

#: Numbers followed by a word that does not agree with them, with the reason.
NOT_A_PLURAL = {
    "%(n)s min": "a unit symbol: 'min' is invariable in French, Dutch and German",
}


def is_count(match: re.Match) -> bool:
    if match.group("bare") or match.group("conv") in ("d", "i"):
        return True
    name = match.group("name") if match.group("name") is not None else match.group("brace")
    return name == "" or bool(COUNT_NAME.search(name or ""))


def counts_followed_by_a_word(msgid: str) -> list[str]:
    found = []
    for match in PLACEHOLDER.finditer(msgid):
        if is_count(match) and not NO_WORD_AFTER.match(msgid[match.end() :]):
            found.append(match.group(0))
    return found


@pytest.fixture(scope="module")
def extracted():
    """The messages of the code as the extractor sees them (same keywords as `make translations`)."""
    tmp = Path(tempfile.mkdtemp(prefix="wid-plurals-"))
    try:
        out = tmp / "messages.pot"
        CommandLineInterface().run(
            [
                "pybabel",
                "--quiet",
                "extract",
                "-F",
                str(ROOT / "babel.cfg"),
                "-k",
                "_l",
                "-k",
                "lazy_gettext",
                "-k",
                "lazy_ngettext:1,2",
                "--no-location",
                "-o",
                str(out),
                str(ROOT),
            ]
        )
        with out.open("rb") as fh:
            catalog = read_po(fh)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    assert len(catalog) > 500  # the extraction really read the Python code and the templates
    return catalog


def test_no_count_in_gettext(extracted):
    problems = []
    for message in extracted:
        if not message.id or isinstance(message.id, tuple) or message.id in NOT_A_PLURAL:
            continue
        counts = counts_followed_by_a_word(message.id)
        if counts:
            problems.append(f"{message.id!r}: {', '.join(counts)}")
    assert not problems, (
        f"{len(problems)} strings count something in gettext: use ngettext(singular, plural, n) "
        "(Jinja: ngettext(...) or {% trans count=n %}...{% pluralize %}...{% endtrans %}), "
        "or rephrase so that no word follows the number.\n" + "\n".join(problems)
    )


def test_allowlist_is_current(extracted):
    singular = {m.id for m in extracted if isinstance(m.id, str)}
    stale = sorted(set(NOT_A_PLURAL) - singular)
    assert not stale, f"NOT_A_PLURAL lists strings that are gone: {stale}"


def test_plural_messages_count_with_num(extracted):
    """ngettext formats the count as ``%(num)d``; a plural form without it would hide the number."""
    problems = [
        repr(m.id)
        for m in extracted
        if isinstance(m.id, tuple) and m.id[0] and "%(num)" not in m.id[1] and "%(num)" not in m.id[0]
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("msgid", "bad"),
    [
        ("%(n)s sessions", ["%(n)s"]),
        ("Saved %(n)d changes.", ["%(n)d"]),
        ("%d rows", ["%d"]),
        ("{count} people", ["{count}"]),
        ("Links expire after %(days)s days.", ["%(days)s"]),
        ("%(n)s of %(cap)s confirmed", ["%(cap)s"]),
    ],
)
def test_the_scan_catches_counts(msgid, bad):
    assert counts_followed_by_a_word(msgid) == bad


@pytest.mark.parametrize(
    "msgid",
    [
        "Conflicts (%(n)s)",
        "Page %(p)s of %(n)s",
        "Panels meeting “No Women No Panel”: %(n)d of %(num)d",
        "On the waitlist, position %(n)s. We email you as soon as a place frees up.",
        "Link %(n)s: text",
        "%(share)d%% of the speakers",
        "Your registration for %(title)s is confirmed",
    ],
)
def test_the_scan_lets_labels_through(msgid):
    assert counts_followed_by_a_word(msgid) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_plural_forms_keep_the_count(lang):
    """Each plural form of a translation shows the number (or spells out one in the singular)."""
    with po_path(lang).open("rb") as fh:
        catalog = read_po(fh)
    problems = []
    for message in catalog:
        if not isinstance(message.id, tuple) or not message.string:
            continue
        *_, last = message.string
        if "%(num)" in message.id[1] and "%(num)" not in last:
            problems.append(f"{message.id[1]!r}: {last!r}")
    assert not problems, f"{lang}:\n" + "\n".join(problems)
