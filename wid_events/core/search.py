"""Search keys that work the same for every script, on SQLite and PostgreSQL.

Databases fold case differently (SQLite's ``LOWER()`` only knows ASCII), so we never ask them
to. Every searchable name is stored a second time as :func:`search_key` of itself, in its own
indexed column maintained on write, and queries compare ``search_key(query)`` with ``LIKE``.
"""

from __future__ import annotations

import unicodedata


def search_key(text: str | None) -> str:
    """NFKD, combining marks removed, casefolded, whitespace collapsed.

    ``"Émilie"`` → ``"emilie"``, ``"Олена"`` → ``"олена"``, ``"Müller"`` → ``"muller"``,
    ``"فاطمة"`` keeps its letters (Arabic short-vowel marks are dropped).
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def like_pattern(query: str | None) -> str | None:
    """A ``LIKE`` pattern (escape ``\\``) for a user's query, or ``None`` when nothing is left
    to search for (empty, only spaces or only punctuation)."""
    key = search_key(query)
    if not any(ch.isalnum() for ch in key):
        return None
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
