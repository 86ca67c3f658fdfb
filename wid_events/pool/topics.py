"""The short controlled list of topics offered on the call for speakers (free tags are added)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from wid_events.core.search import search_key

#: key → label. Keys are stored; labels are translated when shown. Keep the list short.
TOPICS = {
    "digital-skills": _l("Digital skills and inclusion"),
    "ai-data": _l("Artificial intelligence and data"),
    "cybersecurity": _l("Cybersecurity"),
    "entrepreneurship": _l("Entrepreneurship"),
    "sustainable-finance": _l("Sustainable finance"),
    "healthcare-pathways": _l("Healthcare pathways"),
    "migration-integration": _l("Migration and integration"),
    "careers-employment": _l("Careers and employment"),
    "education": _l("Education and training"),
    "public-policy": _l("Public policy"),
}

#: Languages a member can speak in (the site's languages plus a few common ones).
LANGUAGES = {
    "en": _l("English"),
    "fr": _l("French"),
    "nl": _l("Dutch"),
    "de": _l("German"),
    "es": _l("Spanish"),
    "it": _l("Italian"),
    "ar": _l("Arabic"),
}

MAX_FREE_TAGS = 10
MAX_TAG_LENGTH = 40


def topic_label(tag: str) -> str:
    """The translated label of a controlled topic, or the free tag as the member wrote it."""
    label = TOPICS.get(tag)
    return str(label) if label is not None else tag


def parse_tags(text: str | None) -> list[str]:
    """Free tags from comma-separated text: trimmed, without duplicates (ignoring case)."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in (text or "").split(","):
        tag = " ".join(raw.split())[:MAX_TAG_LENGTH]
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            out.append(tag)
    return out[:MAX_FREE_TAGS]


def tag_matches(a: str, b: str) -> bool:
    """Tags match ignoring case and accents, and a controlled key matches its label in any case."""
    return _norm(a) == _norm(b)


def _norm(tag: str) -> str:
    label = TOPICS.get(tag)
    text = str(label) if label is not None else tag
    return search_key(text.replace("-", " "))
