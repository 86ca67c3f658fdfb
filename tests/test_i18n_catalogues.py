"""Translation catalogues: complete, placeholder-safe, compiled, and in step with the code.

The source language is English (the msgids). ``wid_events/translations/messages.pot`` is the
committed template; ``fr``, ``nl`` and ``de`` must translate every message in it. When a test
here fails after a UI change, run ``make translations`` and translate the new entries.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "wid_events" / "translations"
POT = TRANSLATIONS / "messages.pot"
LANGUAGES = ("fr", "nl", "de")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
FIX = "Run `make translations`, then translate the new entries in wid_events/translations/*/LC_MESSAGES/messages.po."


def load(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def ids(catalog) -> set:
    return {m.id for m in catalog if m.id}


def show(msgid) -> str:
    return repr(msgid[0] if isinstance(msgid, tuple) else msgid)


@pytest.fixture(scope="module")
def pot():
    return load(POT)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_of_the_template_is_translated(pot, lang):
    catalog = load(po_path(lang))
    problems = []
    for msgid in sorted(ids(pot), key=show):
        message = catalog.get(msgid)
        if message is None:
            problems.append(f"missing: {show(msgid)}")
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {show(msgid)}")
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if not forms or not all(f and f.strip() for f in forms):
            problems.append(f"empty: {show(msgid)}")
    assert not problems, f"{lang}: {len(problems)} untranslated messages. {FIX}\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_forms_match_the_language(lang):
    catalog = load(po_path(lang))
    assert catalog.num_plurals == 2
    wrong = [show(m.id) for m in catalog if isinstance(m.id, tuple) and len(m.string) != catalog.num_plurals]
    assert not wrong, f"{lang}: plural messages without {catalog.num_plurals} forms: {wrong}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_kept(lang):
    """``%(name)s`` placeholders survive translation: a lost or misspelt one breaks the page."""
    catalog = load(po_path(lang))
    problems = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        if isinstance(message.id, tuple):
            wanted = set(PLACEHOLDER.findall(message.id[1])) | set(PLACEHOLDER.findall(message.id[0]))
            # The singular form may spell the number out ("une femme"); every form must use only known names.
            for form in message.string:
                extra = set(PLACEHOLDER.findall(form)) - wanted
                if extra:
                    problems.append(f"{show(message.id)}: unknown {sorted(extra)} in {form!r}")
            last = message.string[-1]
            if set(PLACEHOLDER.findall(last)) != set(PLACEHOLDER.findall(message.id[1])):
                problems.append(f"{show(message.id)}: plural form {last!r} changes the placeholders")
        else:
            got, wanted = set(PLACEHOLDER.findall(message.string)), set(PLACEHOLDER.findall(message.id))
            if got != wanted:
                problems.append(
                    f"{show(message.id)}: {sorted(wanted)} became {sorted(got)} in {message.string!r}"
                )
        # A literal % must stay doubled where the source formats with placeholders.
        for form in message.string if isinstance(message.string, tuple) else (message.string,):
            if PLACEHOLDER.search(form) and re.search(r"%(?!\(\w+\)[sdif]|%)", form.replace("%%", "")):
                problems.append(f"{show(message.id)}: stray % in {form!r}")
    assert not problems, f"{lang}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogues_have_no_extra_or_obsolete_messages(pot, lang):
    catalog = load(po_path(lang))
    extra = ids(catalog) - ids(pot)
    assert not extra, f"{lang} has messages that are not in messages.pot: {sorted(map(show, extra))}. {FIX}"
    assert not catalog.obsolete, f"{lang} keeps obsolete messages. {FIX}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_mo_matches_the_po(lang):
    """The committed ``.mo`` (what Flask-Babel reads) carries the same translations as the ``.po``."""
    catalog = load(po_path(lang))
    mo_file = po_path(lang).with_suffix(".mo")
    assert mo_file.exists(), f"{mo_file} is missing: run `make compile-translations`"
    with mo_file.open("rb") as fh:
        compiled = read_mo(fh)
    stale = []
    for message in catalog:
        if not message.id:
            continue
        got = compiled.get(message.id)
        got_string = (
            tuple(got.string)
            if got is not None and isinstance(got.string, list)
            else getattr(got, "string", None)
        )
        if got is None or got_string != message.string:
            stale.append(show(message.id))
    assert not stale, (
        f"{lang}: the .mo is out of date for {len(stale)} messages; run `make compile-translations`"
    )


def test_the_template_holds_every_string_of_the_code(pot):
    """Re-extract from the code into a temporary file: no UI string may be missing from the .pot."""
    tmp = Path(tempfile.mkdtemp(prefix="wid-i18n-"))
    try:
        fresh_path = tmp / "messages.pot"
        argv = [
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
            str(fresh_path),
            str(ROOT),
        ]
        CommandLineInterface().run(argv)
        fresh = load(fresh_path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    missing = ids(fresh) - ids(pot)
    listing = "\n".join(sorted(map(show, missing)))
    assert not missing, f"{len(missing)} UI strings are not in messages.pot. {FIX}\n{listing}"
    assert len(ids(fresh)) > 500  # the extraction really read the templates and the Python code


def test_extraction_config_covers_python_templates_and_emails():
    config = (ROOT / "babel.cfg").read_text()
    for section in (
        "[python: wid_events/**.py]",
        "[jinja2: wid_events/templates/**.html]",
        "[jinja2: wid_events/templates/**.txt]",
    ):
        assert section in config


def test_translations_are_served_by_the_running_app(app):
    """Flask-Babel finds the compiled catalogues (translation directory and domain are right)."""
    from flask_babel import force_locale, gettext

    expected = {
        "fr": "Aller au contenu principal",
        "nl": "Naar de hoofdinhoud",
        "de": "Zum Hauptinhalt springen",
    }
    with app.test_request_context("/"):
        for lang, text in expected.items():
            with force_locale(lang):
                assert gettext("Skip to main content") == text
        assert gettext("Skip to main content") == "Skip to main content"


def test_po_files_parse_without_warnings():
    """A syntax slip in a hand-edited .po would silently drop messages; parse them strictly."""
    for lang in LANGUAGES:
        data = po_path(lang).read_bytes()
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
        assert catalog.locale is not None and str(catalog.locale) == lang
