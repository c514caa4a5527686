"""Letter-level helpers shared by the stages: a text's code points, a pattern for any one of some letters,
and the ends of a pattern's matches found once per text."""

from __future__ import annotations

import functools
import re

import numpy as np


def code_points(text: str) -> np.ndarray:
    """The code points of a text (uint32), for rules computed on the whole text at once."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def one_of(letters) -> re.Pattern[str]:
    """A pattern matching any one of `letters`: found in C, where a loop tested every letter of a text."""
    return re.compile("[" + "".join(re.escape(c) for c in sorted(letters)) + "]")


@functools.lru_cache(maxsize=8)
def match_ends(pattern: re.Pattern[str], text: str) -> tuple[int, ...]:
    """Where each match of `pattern` in `text` ends, in text order. Remembered for the last few texts: the
    rules ask for the sentence around every statistic or place mention of a text, and each had scanned
    the text again."""
    return tuple(m.end() for m in pattern.finditer(text))
