"""Offsets in a text found once and shared by the rules that ask about many positions of it."""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=8)
def match_ends(pattern: re.Pattern[str], text: str) -> tuple[int, ...]:
    """Where each match of `pattern` in `text` ends, in text order. Remembered for the last few texts: the
    rules ask for the sentence around every statistic or place mention of a text, and each had scanned
    the text again."""
    return tuple(m.end() for m in pattern.finditer(text))
