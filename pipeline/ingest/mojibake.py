"""Flag mojibake spans (mis-decoded bytes, `?` placeholders, pinyin remnants) without guessing."""

from __future__ import annotations

import re

from .pinyin import TONED

CJK = "\u3400-\u9fff"
# A '?' or U+FFFD inside a run of Chinese, an orphaned pinyin remnant such as `jiǎn)`, and the
# ASCII debris ({ } | ~ ^) that legacy-encoding mix-ups leave next to the character they broke.
ANCHOR = re.compile(
    rf"(?:\ufffd+|(?<=[{CJK}?])\?+(?=[{CJK}a-z?{TONED}.0-9])|\?+(?=[a-z{TONED}]+\))"
    rf"|(?<![(（a-z{TONED}])[a-z]*[{TONED}][a-z{TONED}]*\)|[{CJK}][{{}}|~^](?=[{CJK}]))"
)
MERGE_GAP = 3


def mojibake_spans(text: str) -> list[list[int]]:
    """Character spans [start, end) of suspected mojibake, nearby fragments merged."""
    spans: list[list[int]] = []
    for match in ANCHOR.finditer(text):
        start, end = match.span()
        if spans and start - spans[-1][1] <= MERGE_GAP and "\n" not in text[spans[-1][1]:start]:
            spans[-1][1] = max(end, spans[-1][1])
        else:
            spans.append([start, end])
    return spans
