"""The search key folds case and accents the same way for every script."""

from __future__ import annotations

import pytest

from wid_events.core.search import like_pattern, search_key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Émilie Dubois", "emilie dubois"),
        ("ÉMILIE", "emilie"),
        ("Олена Коваленко", "олена коваленко"),
        ("Müller", "muller"),
        ("  Sara   El  Amrani ", "sara el amrani"),
        ("Straße", "strasse"),
        ("فاطمة", "فاطمة"),
        (None, ""),
    ],
)
def test_search_key(text, key):
    assert search_key(text) == key


def test_like_pattern_refuses_queries_with_nothing_to_search_and_escapes_wildcards():
    assert like_pattern("   ") is None
    assert like_pattern("%_!") is None
    assert like_pattern("50%") == "%50\\%%"
    assert like_pattern("Коваленко") == "%коваленко%"
