"""Traditional → simplified conversion (OpenCC) and the original script of a text."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass


class Script(str, enum.Enum):
    SIMPLIFIED = "simplified"
    TRADITIONAL = "traditional"
    MIXED = "mixed"


# Share of CJK characters that t2s changes: traditional prose sits around 0.15–0.3, simplified at 0.
TRADITIONAL_SHARE = 0.06
MIXED_SHARE = 0.005


def make_converter(config: str = "t2s"):
    """An OpenCC converter (imported lazily: it loads dictionaries)."""
    import opencc

    return opencc.OpenCC(config)


def detect_script(original: str, simplified: str) -> Script:
    """Classify the original by how many of its CJK characters conversion changed."""
    if original == simplified:  # the common case, decided in C
        return Script.SIMPLIFIED
    cjk = [(a, b) for a, b in zip(original, simplified) if "\u4e00" <= a <= "\u9fff"]
    if not cjk:
        return Script.SIMPLIFIED
    share = sum(a != b for a, b in cjk) / len(cjk)
    if share >= TRADITIONAL_SHARE:
        return Script.TRADITIONAL
    return Script.MIXED if share >= MIXED_SHARE else Script.SIMPLIFIED


@dataclass(frozen=True)
class Protected:
    """Terms t2s would corrupt (乾县 → 干县), as a pattern over the original and their simplified forms."""

    pattern: re.Pattern[str] | None
    target: dict[str, str]


NOTHING = Protected(None, {})


def protected_terms(names: Iterable[str], converter) -> Protected:
    """Protect official simplified names (and their traditional spellings) that t2s would change."""
    import opencc

    to_traditional = opencc.OpenCC("s2t")
    target = {}
    for name in names:
        if converter.convert(name) != name:
            target[name] = name
            target[to_traditional.convert(name)] = name
    if not target:
        return NOTHING
    alternation = "|".join(re.escape(t) for t in sorted(target, key=len, reverse=True))
    return Protected(re.compile(alternation), target)


def to_simplified(text: str, converter, protected: Protected = NOTHING) -> str:
    """Convert with OpenCC, then restore protected terms where conversion kept the length."""
    converted = converter.convert(text)
    if protected.pattern is None or len(converted) != len(text):
        return converted
    matches = list(protected.pattern.finditer(text))
    if not matches:  # most texts: no copy of the text as a list of letters (a third of this function's time)
        return converted
    chars = list(converted)
    for match in matches:
        chars[match.start():match.end()] = protected.target[match.group()]
    return "".join(chars)
