"""Is a document Chinese text? A rule that says its threshold.

A document is Chinese when at least MIN_CJK_SHARE of its letters (CJK ideographs and Latin, Cyrillic …
letters; digits and punctuation do not count) are CJK ideographs. An English page, a base64 attachment or
a table of numbers with a few Chinese headings falls below it and is rejected as "not Chinese text".
"""

from __future__ import annotations

import re

MIN_CJK_SHARE = 0.3
# letters are word characters that are neither digits nor the underscore; counted by regex, in C
LETTER = re.compile(r"[^\W\d_]")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def cjk_share(text: str) -> float:
    """Share of CJK ideographs among the letters of a text (1.0 for a text without letters)."""
    rest = CJK.sub("", text)  # runs of ideographs go in one step; only the rest is looked at letter by letter
    cjk = len(text) - len(rest)
    letters = cjk + len(LETTER.findall(rest))
    return cjk / letters if letters else 1.0


def not_chinese(text: str) -> str | None:
    """The rejection reason of a text that is not Chinese, else None."""
    share = cjk_share(text)
    if share >= MIN_CJK_SHARE:
        return None
    return f"not Chinese text: {share:.0%} of its letters are Chinese characters (at least {MIN_CJK_SHARE:.0%} needed)"
