"""Event addresses (slugs): made from a title in any script, and kept unique."""

from __future__ import annotations

import re

import sqlalchemy as sa

from wid_events.core.search import search_key
from wid_events.events.models import Event
from wid_events.extensions import db

#: Slugs that would clash with fixed URLs.
RESERVED_SLUGS = {"new", "manage", "api", "static"}

#: Letters that NFKD does not turn into ASCII, as ``letter:romanisation`` pairs: Cyrillic (a
#: common Ukrainian/Russian romanisation), Greek and a few Latin ones.
_ROMANISATION = (
    "а:a б:b в:v г:h ґ:g д:d е:e є:ie ж:zh з:z и:y і:i ї:i й:i к:k л:l м:m н:n о:o п:p р:r с:s "
    "т:t у:u ф:f х:kh ц:ts ч:ch ш:sh щ:shch ъ: ы:y ь: э:e ю:iu я:ia "
    "α:a β:v γ:g δ:d ε:e ζ:z η:i θ:th ι:i κ:k λ:l μ:m ν:n ξ:x ο:o π:p ρ:r σ:s ς:s τ:t υ:y φ:f "
    "χ:ch ψ:ps ω:o ø:o æ:ae œ:oe ł:l đ:d ð:d þ:th ı:i"
)
_TRANSLIT = str.maketrans(dict(pair.split(":") for pair in _ROMANISATION.split()))


def slugify(text: str) -> str:
    """A URL name made from ``text``: transliterated to ASCII (accents dropped, Cyrillic and
    Greek romanised), lower-case, single hyphens. Scripts without a romanisation here give ""."""
    ascii_text = search_key(text).translate(_TRANSLIT)
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:80].strip("-")


def free_slug(base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever no event uses yet."""
    base = (base or "event")[:90].strip("-") or "event"
    taken = set(db.session.scalars(sa.select(Event.slug).where(Event.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken or slug in RESERVED_SLUGS:
        slug, n = f"{base}-{n}", n + 1
    return slug
