"""Traditional → simplified conversion (OpenCC) and the original script of a text."""

from __future__ import annotations

import enum


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
    cjk = [(a, b) for a, b in zip(original, simplified) if "\u4e00" <= a <= "\u9fff"]
    if not cjk:
        return Script.SIMPLIFIED
    share = sum(a != b for a, b in cjk) / len(cjk)
    if share >= TRADITIONAL_SHARE:
        return Script.TRADITIONAL
    return Script.MIXED if share >= MIXED_SHARE else Script.SIMPLIFIED


def to_simplified(text: str, converter) -> str:
    """Convert with OpenCC, keeping the length when conversion is character-for-character."""
    return converter.convert(text)
