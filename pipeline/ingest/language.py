"""Is a document Chinese text? A rule that says its threshold.

A document is Chinese when at least MIN_CJK_SHARE of its letters (CJK ideographs and Latin, Cyrillic …
letters; digits and punctuation do not count) are CJK ideographs. An English page, a base64 attachment or
a table of numbers with a few Chinese headings falls below it and is rejected as "not Chinese text".
"""

from __future__ import annotations

MIN_CJK_SHARE = 0.3


def cjk_share(text: str) -> float:
    """Share of CJK ideographs among the letters of a text (1.0 for a text without letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 1.0
    return sum("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in letters) / len(letters)


def not_chinese(text: str) -> str | None:
    """The rejection reason of a text that is not Chinese, else None."""
    share = cjk_share(text)
    if share >= MIN_CJK_SHARE:
        return None
    return f"not Chinese text: {share:.0%} of its letters are Chinese characters (at least {MIN_CJK_SHARE:.0%} needed)"
