"""Locale-aware order for lists that people read (speakers, registrations, badges, exports).

Code-point order puts "Émilie" after "Sara" and "Ölçer" after "Zoe". The Unicode Collation
Algorithm (``pyuca``, the DUCET table) orders letters of every script the way readers expect:
accents are a secondary difference, case a tertiary one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TypeVar

from pyuca import Collator

T = TypeVar("T")


@functools.cache
def _collator() -> Collator:
    return Collator()  # loads the DUCET table once per process


def collation_key(text: str | None) -> tuple:
    """A sort key for ``text`` under the Unicode Collation Algorithm."""
    return _collator().sort_key(text or "")


def sorted_by_name(items: Iterable[T], name: Callable[[T], str | None] = lambda item: item.name) -> list[T]:
    """``items`` in collation order of their name (ties kept in their given order)."""
    return sorted(items, key=lambda item: collation_key(name(item)))
