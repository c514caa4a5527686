"""Flag mojibake spans (mis-decoded bytes, `?` placeholders, pinyin remnants) without guessing."""

from __future__ import annotations

import re

from .pinyin import TONED

CJK = "\u3400-\u9fff"
# Mojibake left by legacy-encoding mix-ups in scraped pages. A single '?' between characters is
# often a real question mark typed in ASCII, so it only counts next to other evidence.
ANCHOR = re.compile(
    rf"\ufffd+"  # the decoder's replacement character
    rf"|\?{{2,}}"  # several placeholders in a row
    rf"|\?(?=[a-z{TONED}]*[{TONED}][a-z{TONED}]*\))"
    rf"|(?<=[{CJK}])\?[a-z](?=[{CJK}])"  # a placeholder and one stray letter inside a word  # a placeholder eating the '(' of a pinyin note
    rf"|(?<![(（a-z{TONED}])[a-z]*[{TONED}][a-z{TONED}]*\)\??"  # the pinyin remnant itself: jiǎn)
    rf"|(?<=[{CJK}])[{{}}|~^](?=[{CJK}])"  # ASCII debris between two characters
)
# A character every branch of ANCHOR needs: most texts hold none, and one search for it is far cheaper
# than trying ANCHOR's lookbehinds at every character.
NEEDED = re.compile(rf"[\ufffd?{{}}|~^{TONED}]")
MERGE_GAP = 3


def mojibake_spans(text: str) -> list[list[int]]:
    """Character spans [start, end) of suspected mojibake, nearby fragments merged."""
    spans: list[list[int]] = []
    if NEEDED.search(text) is None:
        return spans
    for match in ANCHOR.finditer(text):
        start, end = match.span()
        if spans and start - spans[-1][1] <= MERGE_GAP and "\n" not in text[spans[-1][1]:start]:
            spans[-1][1] = max(end, spans[-1][1])
        else:
            spans.append([start, end])
    return spans
